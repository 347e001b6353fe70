/// "Did you mean" suggestions: the closest known name, if it is close enough to be a typo.
public enum EditDistance {
  /// Levenshtein distance over Unicode scalars.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      current[0] = i
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[y.count]
  }

  /// The best candidate within a third of the name's length (at least 1, at most 3 edits),
  /// so `income_prof` finds `income_proof` but `foo` does not find `organized`.
  public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
    let threshold = min(3, max(1, name.unicodeScalars.count / 3))
    var best: (String, Int)?
    for candidate in candidates {
      let d = distance(name, candidate)
      if d <= threshold, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// `help:` text for an unknown name, or nil when nothing is close.
  public static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String? {
    suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
  }
}
