import Foundation
import PolicyCheck
import PolicyEval
import PolicyValues

/// Conditions in plain words, said once per policy set rather than once per result: saying one walks
/// its expression and the schema's labels, and the same rules fail for case after case.
///
/// What a condition's words depend on besides the rule and the language is which version of each of
/// its policy's parameters is in force on the rule's date (the amounts and thresholds it names), so
/// that is the key, not the date: a new case with new dates finds the words said for an earlier one.
/// A date on which some parameter has no version is keyed by the date itself (the words then name
/// it). The server keeps one per `PolicySnapshot`, so a reload starts afresh; `capacity` bounds it.
public final class ConditionTexts: @unchecked Sendable {
  // Unchecked: `words` and `parameters` are read and written under `lock`.
  struct Key: Hashable {
    let rule: Int
    let index: Int
    let language: TextReport.Language
    /// Per parameter of the rule's policy, how many of its versions have started on the date.
    let versions: [Int]
    /// Only when a parameter has no version in force on that date.
    let date: CivilDate?
  }

  struct Words {
    let condition: String
    let witnesses: [String]
  }

  /// At most this many conditions are remembered (each policy set has a few hundred conditions).
  static let capacity = 8192

  /// The `index` of a rule's event date (`dated:` or the schema's default) and of its `vesting.on`
  /// date among the expressions remembered, beside its conditions (0 and up): a date's words depend on
  /// the same versions of parameters as a condition's.
  static let eventDateIndex = -1
  static let vestingDateIndex = -2

  private let lock = NSLock()
  private var said: [Key: Words] = [:]
  /// For each rule (by program rule index), each of its policy's parameters' versions: the day each
  /// starts and whether it has a value. Only these make the key: copying the parameters themselves
  /// (their syntax and spans) to count them was two thirds of finding the words said.
  private var versions: [Int: [[(from: CivilDate, valued: Bool)]]] = [:]

  /// Each policy's title and its rules' clause texts, by policy id and rule id (the first of each id,
  /// as a search finds it), made on first use: a result's `words` look them up, and a search per
  /// result copied every policy and rule it passed.
  private var clauses: [String: (title: String, rules: [String: String])]?

  public init() {}

  /// The title of policy `policy` and the text of its rule `rule` (nil where there is no such policy or rule).
  func clause(policy: String, rule: String, program: Program) -> (title: String?, text: String?) {
    lock.withLock {
      if clauses == nil {
        var table: [String: (title: String, rules: [String: String])] = [:]
        for p in program.checkedPolicies where table[p.id] == nil {
          var rules: [String: String] = [:]
          for r in p.rules where rules[r.id] == nil { rules[r.id] = r.syntax.text }
          table[p.id] = (p.syntax.title, rules)
        }
        clauses = table
      }
      guard let found = clauses?[policy] else { return (nil, nil) }
      return (found.title, found.rules[rule])
    }
  }

  func key(rule: Int, index: Int, language: TextReport.Language, date: CivilDate, program: Program) -> Key? {
    guard let versions = lock.withLock({ self.versions[rule] }) ?? versions(rule: rule, program: program) else { return nil }
    return Self.key(rule: rule, index: index, language: language, date: date, versions: versions)
  }

  /// The words said already for expression `index` of rule `rule` on `date` (nil if none), and the key
  /// to remember them by once said (nil where the rule is not known): one lock for both.
  func said(rule: Int, index: Int, language: TextReport.Language, date: CivilDate, program: Program) -> (key: Key?, words: Words?) {
    let found: (Key?, Words?)? = lock.withLock {
      guard let versions = self.versions[rule] else { return nil }
      let key = Self.key(rule: rule, index: index, language: language, date: date, versions: versions)
      return (key, said[key])
    }
    if let found { return found }
    return (key(rule: rule, index: index, language: language, date: date, program: program), nil)
  }

  /// The versions of rule `rule`'s parameters, found and remembered (nil where there is no such rule).
  private func versions(rule: Int, program: Program) -> [[(from: CivilDate, valued: Bool)]]? {
    guard let parameters = program.rule(at: rule)?.parameters else { return nil }
    let found = parameters.map { $0.versions.map { (from: $0.from, valued: $0.value != nil) } }
    lock.withLock { self.versions[rule] = found }
    return found
  }

  private static func key(rule: Int, index: Int, language: TextReport.Language, date: CivilDate,
                          versions parameters: [[(from: CivilDate, valued: Bool)]]) -> Key {
    var versions: [Int] = []
    versions.reserveCapacity(parameters.count)
    var unvalued = false
    for parameter in parameters {
      var started = 0
      for version in parameter where version.from <= date { started += 1 }
      if started == 0 || !parameter[started - 1].valued { unvalued = true }
      versions.append(started)
    }
    return Key(rule: rule, index: index, language: language, versions: versions, date: unvalued ? date : nil)
  }

  func words(_ key: Key) -> Words? {
    lock.withLock { said[key] }
  }

  func remember(_ words: Words, for key: Key) {
    lock.withLock {
      if said.count < Self.capacity { said[key] = words }
    }
  }
}
