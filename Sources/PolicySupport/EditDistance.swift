/// "Did you mean" suggestions: the closest known name, if it is close enough to be a typo.
public enum EditDistance {
  /// Optimal string alignment distance over Unicode scalars: insertions, deletions, substitutions
  /// and transpositions of neighbours each cost 1, since swapped letters (`hukuo`) are the commonest
  /// typo and plain Levenshtein counts them as two edits, too many for a short name.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var beforePrevious = [Int](repeating: 0, count: y.count + 1)
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      current[0] = i
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          current[j] = min(current[j], beforePrevious[j - 2] + 1)
        }
      }
      (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[y.count]
  }

  /// The best candidate within a third of the name's length (at least 1, at most 3 edits),
  /// so `income_prof` finds `income_proof` but `foo` does not find `organized`. The name itself
  /// is never suggested: "did you mean `x`?" about `x` only confuses.
  public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
    let threshold = min(3, max(1, name.unicodeScalars.count / 3))
    var best: (String, Int)?
    for candidate in candidates where candidate != name {
      let d = distance(name, candidate)
      if d <= threshold, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// `help:` text for an unknown name, or nil when nothing is close.
  public static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String? {
    suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
  }

  /// The same in Chinese: "是否应为 `organized`？".
  public static func didYouMeanZh(_ name: String, among candidates: some Sequence<String>) -> String? {
    suggestion(for: name, among: candidates).map { "是否应为 `\($0)`？" }
  }
}
