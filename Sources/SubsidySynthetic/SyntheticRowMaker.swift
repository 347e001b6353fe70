/// Makes the rows of one synthetic batch, one at a time, in order.
///
/// State is only what streaming needs: the row stream's PRNG, the next fresh
/// person, and the heap of scheduled later dispatches. People, households and
/// employers are recomputed from their indices; organisers come from small tables.
struct SyntheticRowMaker {
  let seed: UInt64
  let rows: Int
  let badRowRate: Double
  private var rng: SyntheticRandom
  private var followUps = SyntheticFollowUpHeap()
  private var scheduled = 0
  private var nextPerson = 0
  private let organisers: [[[SyntheticOrganiser]]]
  private let leadPlan: SyntheticLeadPlan
  /// How far ahead (in rows) a worker's later dispatch is placed.
  private let gap: ClosedRange<Int>

  /// Starts fall in 2016-01-01 … 2025-10-31 (day numbers since 1970-01-01;
  /// `GeneratorTests` checks the range of the dates written).
  static let firstStart = 16_801
  static let lastStart = 20_392

  init(seed: UInt64, rows: Int, badRowRate: Double) {
    self.seed = seed
    self.rows = rows
    self.badRowRate = badRowRate
    rng = SyntheticRandom(seed: seed)
    organisers = SyntheticRegion.all.enumerated().map { index, region in
      SyntheticOrganiser.table(region: region, seed: seed, regionIndex: index)
    }
    leadPlan = SyntheticLeadPlan(rows: rows, seed: seed)
    let upper = max(2, min(rows / 4, 200_000))
    gap = max(1, upper / 10)...upper
  }

  /// The cells of row `row` (0-based), in `SyntheticColumn` order, into `cells`.
  mutating func makeRow(_ row: Int, into cells: inout [String]) {
    var due: SyntheticFollowUp?
    if let top = followUps.first, top.due <= row { due = followUps.pop() }
    let person = SyntheticPerson(index: due?.person ?? takeFreshPerson(), seed: seed)
    let ordinal = due?.ordinal ?? 0
    let total = due?.total ?? 1 + (rng.weighted([55, 30, 15]) ?? 0)
    var dispatch = SyntheticDispatch(person: person, ordinal: ordinal, total: total)
    fillOrganiser(&dispatch, previous: due?.organiser)
    dispatch.fill(earliestStart: due?.earliestStart, using: &rng)
    schedule(after: dispatch, row: row)
    dispatch.write(row: row, into: &cells)
    if rng.chance(badRowRate) {
      SyntheticBadRow.allCases[rng.below(SyntheticBadRow.allCases.count)].corrupt(&cells, row: row, using: &rng)
    }
  }

  /// The next person index whose slot exists in its household (see `SyntheticHousehold.maxWorkers`).
  private mutating func takeFreshPerson() -> Int {
    while true {
      let candidate = nextPerson
      nextPerson += 1
      let slot = candidate % SyntheticHousehold.maxWorkers
      if slot == 0 { return candidate }  // every household has at least one worker
      if slot < SyntheticHousehold(index: candidate / SyntheticHousehold.maxWorkers, seed: seed).workers {
        return candidate
      }
    }
  }

  /// Chooses the organiser: the previous one again half the time, a 三都 lead
  /// entrepreneur by plan, else by the region's weights; none for a third of unorganised placements.
  private mutating func fillOrganiser(_ dispatch: inout SyntheticDispatch, previous: SyntheticOrganiserRef?) {
    let regionIndex = dispatch.person.household.regionIndex
    var ref: SyntheticOrganiserRef?
    if let previous, rng.percent(50) {
      ref = previous
    } else if regionIndex == SyntheticRegion.sanduIndex, let lead = leadPlan.pick(using: &rng) {
      ref = SyntheticOrganiserRef(region: regionIndex, role: SyntheticOrganiserRole.leadEntrepreneur.rawValue, number: lead)
    } else if rng.percent(88), let role = rng.weighted(SyntheticRegion.all[regionIndex].organiserWeights) {
      let pool = organisers[regionIndex][role]
      if !pool.isEmpty { ref = SyntheticOrganiserRef(region: regionIndex, role: role, number: rng.below(pool.count)) }
    }
    dispatch.organiserRef = ref
    guard let ref else { return }
    if ref.role == SyntheticOrganiserRole.leadEntrepreneur.rawValue {
      dispatch.organiser = SyntheticOrganiser.leadEntrepreneur(ref.number)
    } else {
      dispatch.organiser = organisers[ref.region][ref.role][ref.number]
    }
  }

  /// Puts the worker's next dispatch on the heap, unless this was their last or
  /// the next would start after the last start date.
  private mutating func schedule(after dispatch: SyntheticDispatch, row: Int) {
    guard dispatch.ordinal + 1 < dispatch.total else { return }
    let previousEnd = dispatch.end ?? dispatch.start + rng.int(60...400)
    let earliest = previousEnd + rng.int(1...60)
    guard earliest <= Self.lastStart else { return }
    scheduled += 1
    followUps.push(SyntheticFollowUp(
      due: row + rng.int(gap), sequence: scheduled, person: dispatch.person.index,
      ordinal: dispatch.ordinal + 1, total: dispatch.total, earliestStart: earliest,
      organiser: dispatch.organiserRef))
  }
}
