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
  // Unchecked: `said`, `periods` and `clauses` are read and written under `lock`.
  struct Key: Hashable {
    let rule: Int
    let index: Int
    let language: TextReport.Language
    /// Which of the rule's periods the date falls in: the days on which a version of some parameter of
    /// its policy starts divide time into periods, and in each the same versions are in force (so a
    /// period is the versions in force, with no list of them made for every condition said).
    let period: Int
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
  /// For each rule (by program rule index), its periods (`Key.period`): copying the parameters
  /// themselves (their syntax and spans) to count their versions was two thirds of finding the words said.
  private var periods: [Int: Periods] = [:]

  /// The days on which a version of some parameter of a rule's policy starts, in order, and for each
  /// period (before the first day, then from each day) whether some parameter has no value in it.
  struct Periods {
    let starts: [CivilDate]
    let unvalued: [Bool]

    init(_ parameters: [CheckedParameter]) {
      let starts = Array(Set(parameters.flatMap { $0.versions.map(\.from) })).sorted()
      self.starts = starts
      // A period's versions are those started on its first day (none before the first start).
      unvalued = (0...starts.count).map { period in
        parameters.contains { parameter in
          let started = period == 0 ? 0 : parameter.versions.count(where: { $0.from <= starts[period - 1] })
          return started == 0 || parameter.versions[started - 1].value == nil
        }
      }
    }

    /// The period `date` falls in.
    func period(of date: CivilDate) -> Int {
      var period = 0
      while period < starts.count, starts[period] <= date { period += 1 }
      return period
    }
  }

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
    guard let periods = lock.withLock({ self.periods[rule] }) ?? periods(rule: rule, program: program) else { return nil }
    return Self.key(rule: rule, index: index, language: language, date: date, periods: periods)
  }

  /// The words said already for expression `index` of rule `rule` on `date` (nil if none), and the key
  /// to remember them by once said (nil where the rule is not known): one lock for both.
  func said(rule: Int, index: Int, language: TextReport.Language, date: CivilDate, program: Program) -> (key: Key?, words: Words?) {
    let found: (Key?, Words?)? = lock.withLock {
      guard let periods = self.periods[rule] else { return nil }
      let key = Self.key(rule: rule, index: index, language: language, date: date, periods: periods)
      return (key, said[key])
    }
    if let found { return found }
    return (key(rule: rule, index: index, language: language, date: date, program: program), nil)
  }

  /// The periods of rule `rule`, found and remembered (nil where there is no such rule).
  private func periods(rule: Int, program: Program) -> Periods? {
    guard let parameters = program.rule(at: rule)?.parameters else { return nil }
    let found = Periods(parameters)
    lock.withLock { self.periods[rule] = found }
    return found
  }

  private static func key(rule: Int, index: Int, language: TextReport.Language, date: CivilDate, periods: Periods) -> Key {
    let period = periods.period(of: date)
    return Key(rule: rule, index: index, language: language, period: period, date: periods.unvalued[period] ? date : nil)
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
