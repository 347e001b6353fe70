import PolicyEval
import PolicyValues

/// The batch's group aggregates (a group rule's counts, sums and distinct values per key, such as
/// 三都's distinct workers per lead entrepreneur and year), held in memory while the run's state fits
/// its budget, and past it moved to the run's `SpillStore` and merged there: a later chunk's groups
/// gather in memory again and are folded into the stored ones whenever the pool is full, and at the end.
///
/// On disk a group is a row keyed by rule and key text, holding its scalars (`storedState`), its
/// first-seen ids and its place in first-seen order; each `count_distinct` value is a row of its
/// own, so a count stays exact and a group with a million distinct values costs no memory. At the end
/// the groups come back a page at a time in first-seen order, as they would from memory.
struct SpillingGroupBook {
  /// Groups merged since they last moved to disk, by rule (`policy/rule`).
  private var held: [String: GroupTable] = [:]
  /// What `held` costs, estimated as it grows (`GroupTable.merge`).
  private var bytes = 0
  private let place: SpillPlace
  private var spilled: Statements?
  /// Each rule's number in the store.
  private var ruleNumbers: [String: Int] = [:]
  /// Per rule, how many groups moved to disk from `held` so far: the first-seen place of `held`'s first group.
  private var moved: [String: Int] = [:]

  init(place: SpillPlace = SpillPlace()) {
    self.place = place
  }

  /// Groups held in memory now.
  var count: Int { held.values.reduce(0) { $0 + $1.count } }
  var isSpilled: Bool { spilled != nil }

  /// Folds a chunk's groups in; past the budget every held group moves to disk.
  mutating func take(_ chunk: [String: GroupTable]) throws {
    guard !chunk.isEmpty else { return }
    for (rule, table) in chunk { bytes += held[rule, default: GroupTable()].merge(table) }
    if place.report(.groups, bytes: bytes) { try flush() }
  }

  /// Judges every group, a page at a time in first-seen order, limits settled in `claims`, and hands
  /// the results to `emit`; the book is emptied. Without `explain`, refused groups are only handed to
  /// `refused` (`Program.finishGroups`).
  mutating func finish(program: Program, asOf: CivilDate, page: Int, claims: inout SpillingGroupClaims,
                       explain: Bool = true, refused: (_ rule: Int, _ status: Status) -> Void = { _, _ in },
                       emit: ([EvalResult]) throws -> Void) throws {
    try settle()
    let book = self
    try program.finishGroups(facts: Facts(schema: program.schema), asOf: asOf, groups: { name, body in
      try book.groups(of: name, page: page, body)
    }, claims: &claims, explain: explain, refused: refused, emit: emit)
    held = [:]
    bytes = 0
    _ = place.report(.groups, bytes: 0)
    try spilled?.store.execute("DELETE FROM groups; DELETE FROM group_distinct;")
  }

  /// Once anything is on disk, moves the rest there too, so `groups(of:)` reads one place.
  mutating func settle() throws {
    if spilled != nil { try flush() }
  }

  /// A rule's groups (`policy/rule`) in first-seen order, `page` at a time, after `settle`.
  func groups(of name: String, page: Int, _ body: ([HeldGroup]) throws -> Void) throws {
    if let spilled {
      guard let number = ruleNumbers[name] else { return }
      try Self.pages(rule: number, size: page, in: spilled.store, body)
    } else {
      try held[name]?.pages(page, body)
    }
  }

  /// Moves every held group to disk, merging it into the stored group of the same rule and key.
  private mutating func flush() throws {
    // Asked on every flush: the store is the pool's account that the groups now hold nothing.
    let store = try place.store(for: .groups)
    let statements: Statements
    if let spilled {
      statements = spilled
    } else {
      try store.execute("""
        CREATE TABLE groups (
          rule INTEGER NOT NULL, key TEXT NOT NULL, key_text TEXT, ordinal INTEGER NOT NULL, first_seen INTEGER NOT NULL,
          payee TEXT, beneficiary TEXT, payee_kind TEXT, state TEXT NOT NULL,
          PRIMARY KEY (rule, key)) WITHOUT ROWID;
        CREATE UNIQUE INDEX groups_order ON groups (rule, ordinal);
        CREATE TABLE group_distinct (
          rule INTEGER NOT NULL, key TEXT NOT NULL, slot INTEGER NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY (rule, key, slot, value)) WITHOUT ROWID;
        """)
      statements = try Statements(store)
      spilled = statements
    }
    for (name, table) in held {
      let rule = ruleNumbers[name] ?? ruleNumbers.count
      ruleNumbers[name] = rule
      // `pages` hands out pages in order; ordinals continue across them (and across flushes).
      var ordinal = moved[name, default: 0]
      try table.pages(4_096) { page in
        for group in page {
          try Self.store(group, rule: rule, ordinal: ordinal, with: statements)
          ordinal += 1
        }
      }
      moved[name] = ordinal
    }
    held = [:]
    bytes = 0
  }

  /// Writes one group, or folds it into the stored group with its key.
  private static func store(_ group: HeldGroup, rule: Int, ordinal: Int, with store: Statements) throws {
    let text = group.keyText
    let key = ValueText.identity(ofText: text) ?? ValueText.identity(group.key)
    let groupKey: [SpillStore.Argument] = [.int(Int64(rule)), .text(key)]
    var stored: (firstSeen: Int, state: String)?
    try store.store.run(store.select, groupKey) { stored = (Int($0.int(0)), $0.text(1)) }
    // Distinct values go to their own rows; those new to the group are counted.
    var added: [(slot: Int, count: Int)] = []
    for (slot, values) in group.accumulator.distinctValues {
      var count = 0
      for value in values {
        count += try store.store.run(store.insertDistinct, groupKey + [.int(Int64(slot)), .text(value)])
      }
      added.append((slot, count))
    }
    guard let stored else {
      try store.store.run(store.insert, groupKey + [text == key ? .null : .text(text), .int(Int64(ordinal)), .int(Int64(group.accumulator.firstSeen)),
                                                    optional(group.ids.payee), optional(group.ids.beneficiary), optional(group.ids.payeeKind),
                                                    .text(group.accumulator.storedState)])
      return
    }
    guard var merged = GroupAccumulator(firstSeen: stored.firstSeen, storedState: stored.state) else {
      throw SpillError(text: .init("the temporary database holds a group state it cannot read: `\(stored.state)`",
                                   zh: "临时数据库中有无法读取的分组状态：`\(stored.state)`"))
    }
    for (slot, count) in added { merged.addCounted(count, slot: slot) }
    merged.merge(group.accumulator)
    if group.accumulator.firstSeen < stored.firstSeen {
      try store.store.run(store.updateFirstSeen,
                          [.int(Int64(merged.firstSeen)), optional(group.ids.payee), optional(group.ids.beneficiary),
                           optional(group.ids.payeeKind), .text(merged.storedState)] + groupKey)
    } else {
      try store.store.run(store.updateState, [.text(merged.storedState)] + groupKey)
    }
  }

  /// A rule's stored groups in first-seen order, `size` at a time; each page is read whole before
  /// `body` sees it, so `body` may use the store.
  private static func pages(rule: Int, size: Int, in store: SpillStore, _ body: ([HeldGroup]) throws -> Void) throws {
    var after: Int64 = -1
    while true {
      var page: [HeldGroup] = []
      var failed: String?
      try store.run("""
        SELECT key, key_text, first_seen, payee, beneficiary, payee_kind, state, ordinal FROM groups
        WHERE rule = ? AND ordinal > ? ORDER BY ordinal LIMIT ?
        """, [.int(Int64(rule)), .int(after), .int(Int64(max(1, size)))]) { row in
        after = row.int(7)
        let text = row.isNull(1) ? row.text(0) : row.text(1)
        guard let accumulator = GroupAccumulator(firstSeen: Int(row.int(2)), storedState: row.text(6)) else {
          failed = row.text(6)
          return
        }
        page.append(HeldGroup(key: ValueText.decode(text) ?? [], accumulator: accumulator, ids: .init(payee: row.isNull(3) ? nil : row.text(3),
                                                                   beneficiary: row.isNull(4) ? nil : row.text(4),
                                                                   payeeKind: row.isNull(5) ? nil : row.text(5))))
      }
      if let failed {
        throw SpillError(text: .init("the temporary database holds a group state it cannot read: `\(failed)`",
                                     zh: "临时数据库中有无法读取的分组状态：`\(failed)`"))
      }
      if page.isEmpty { return }
      try body(page)
    }
  }

  private static func optional(_ s: String?) -> SpillStore.Argument { s.map { .text($0) } ?? .null }

  /// The store and the statements run for every group moved to it, prepared once.
  private struct Statements {
    let store: SpillStore
    let select, insertDistinct, insert, updateFirstSeen, updateState: SpillStore.Statement

    init(_ store: SpillStore) throws {
      self.store = store
      select = try store.prepare("SELECT first_seen, state FROM groups WHERE rule = ? AND key = ?")
      insertDistinct = try store.prepare("INSERT OR IGNORE INTO group_distinct VALUES (?, ?, ?, ?)")
      insert = try store.prepare("""
        INSERT INTO groups (rule, key, key_text, ordinal, first_seen, payee, beneficiary, payee_kind, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
      updateFirstSeen = try store.prepare("UPDATE groups SET first_seen = ?, payee = ?, beneficiary = ?, payee_kind = ?, state = ? WHERE rule = ? AND key = ?")
      updateState = try store.prepare("UPDATE groups SET state = ? WHERE rule = ? AND key = ?")
    }
  }
}
