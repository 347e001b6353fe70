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

  private let lock = NSLock()
  private var said: [Key: Words] = [:]
  /// Each rule's policy parameters, by program rule index.
  private var parameters: [Int: [CheckedParameter]] = [:]

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
    let known = lock.withLock { self.parameters[rule] }
    let parameters: [CheckedParameter]
    if let known {
      parameters = known
    } else {
      guard let found = program.rule(at: rule)?.parameters else { return nil }
      lock.withLock { self.parameters[rule] = found }
      parameters = found
    }
    var versions: [Int] = []
    versions.reserveCapacity(parameters.count)
    var unvalued = false
    for parameter in parameters {
      var started = 0
      for version in parameter.versions where version.from <= date { started += 1 }
      if started == 0 || parameter.versions[started - 1].value == nil { unvalued = true }
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
