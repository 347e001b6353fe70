/// The people, households and organisations a batch has judged, as `policy/rule/subject`: a subject
/// met again in a later chunk is judged once. Kept exactly (not as fingerprints, as dispatch ids are):
/// a clash here would skip a subject without a word. Past the run's memory budget the set moves to
/// the run's `SpillStore`, so a file with a result for every person keeps memory flat.
struct JudgedSubjects {
  private var seen = Set<String>()
  /// What `seen` costs, estimated: an entry at a set's load, and the text's bytes when not inline.
  private var bytes = 0
  private let place: SpillPlace
  /// The store once spilled, with its one statement prepared.
  private var spilled: (store: SpillStore, insert: SpillStore.Statement)?

  init(place: SpillPlace = SpillPlace()) {
    self.place = place
  }

  /// Subjects held in memory.
  var count: Int { seen.count }

  /// Records `subject`; true when it had not been judged before.
  mutating func insert(_ subject: String) throws -> Bool {
    if let spilled { return try spilled.store.run(spilled.insert, [.text(subject)]) == 1 }
    guard seen.insert(subject).inserted else { return false }
    bytes += 48 + (subject.utf8.count > 15 ? 32 + subject.utf8.count : 0)
    if seen.count % place.reportEvery == 0, place.report(.judgedSubjects, bytes: bytes) { try spill() }
    return true
  }

  private mutating func spill() throws {
    let store = try place.store(for: .judgedSubjects)
    try store.execute("CREATE TABLE judged_subjects (subject TEXT PRIMARY KEY) WITHOUT ROWID")
    let insert = try store.prepare("INSERT OR IGNORE INTO judged_subjects VALUES (?)")
    for subject in seen { try store.run(insert, [.text(subject)]) }
    seen = []
    bytes = 0
    spilled = (store, insert)
  }
}
