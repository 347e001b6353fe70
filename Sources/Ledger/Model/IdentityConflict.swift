import PolicySupport

/// Why the ledger refuses an identity claim: what an earlier batch (or this one) recorded. Data, not
/// words: both ledgers (SQLite, PostgreSQL) answer with it, and it is worded once, here, in the
/// language the batch writes its rejects in.
public enum IdentityConflict: Sendable, Equatable, CustomStringConvertible {
  /// The claim's id was recorded with another number, by `batch`.
  case anotherNumber(kind: String, id: String, batch: String)
  /// The claim's number was recorded under another id, `holder`, by `batch`.
  case numberOfAnother(kind: String, holder: String, batch: String)

  /// The reason a rejected row gives; `kindZh` is the kind's Chinese label (`人员` for `person`).
  public func text(kindZh: String) -> LocalizedText {
    switch self {
    case .anotherNumber(let kind, let id, let batch):
      LocalizedText("\(kind) `\(id)` has another ID number in the ledger (batch \(batch)); one \(kind) has one ID number",
                    zh: "\(kindZh) `\(id)` 在账本里（批次 \(batch)）登记的是另一个身份证号；一个\(kindZh)只有一个身份证号")
    case .numberOfAnother(let kind, let holder, let batch):
      LocalizedText("is the ID number of \(kind) `\(holder)` in the ledger (batch \(batch)); an ID number identifies one \(kind)",
                    zh: "在账本里（批次 \(batch)）是\(kindZh) `\(holder)` 的身份证号；一个身份证号只对应一个\(kindZh)")
    }
  }

  /// English, with the kind's own name.
  public var description: String {
    switch self {
    case .anotherNumber(let kind, _, _), .numberOfAnother(let kind, _, _): text(kindZh: kind).en
    }
  }
}
