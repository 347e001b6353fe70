/// 三都's lead entrepreneurs (带头能人) and how often each organises a 三都 dispatch.
///
/// The county rewards one who organises 30–99 distinct workers out of the county
/// in a year with 10 000 and 100 or more with 20 000, so the plan sizes each
/// entrepreneur's share of 三都 rows from the file's length: the first aims at
/// about 110–120 workers a year, the second at 40–80, the rest at 20–120 —
/// both tiers and the "not enough" case occur at any row count large enough to hold them.
struct SyntheticLeadPlan {
  /// Cumulative chance, in parts per million of 三都 rows, for each entrepreneur.
  let cumulativePPM: [Int]

  static let maxEntrepreneurs = 8
  /// At most this share of 三都 rows goes to entrepreneurs, leaving room for the other organisers.
  static let maxTotalPPM = 450_000

  init(rows: Int, seed: UInt64) {
    var rng = SyntheticRandom(seed: seed, stream: 20, index: 0)
    let totalShare = SyntheticRegion.all.reduce(0) { $0 + $1.share }
    // 三都 rows per start year (starts span ten years, 2016–2025).
    let perYear = max(1, rows * SyntheticRegion.sandu.share / totalShare / 10)
    var cumulative: [Int] = []
    var total = 0
    for n in 0..<Self.maxEntrepreneurs {
      let target = n == 0 ? rng.int(110...120) : n == 1 ? rng.int(40...80) : rng.int(20...120)
      let ppm = min(target * 1_000_000 / perYear, Self.maxTotalPPM - total)
      guard ppm > 0 else { break }
      total += ppm
      cumulative.append(total)
    }
    cumulativePPM = cumulative
  }

  /// The entrepreneur organising this 三都 row, if any.
  func pick(using rng: inout SyntheticRandom) -> Int? {
    let roll = rng.below(1_000_000)
    return cumulativePPM.firstIndex { roll < $0 }
  }
}
