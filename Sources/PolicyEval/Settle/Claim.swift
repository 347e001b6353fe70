import PolicyDSL
import PolicyValues

/// What a limit allows one payment for: the rule, and the parts of beneficiary, payee and year its
/// `limit:` names (the others empty), always in that order whatever order the policy wrote them in.
///
/// The one definition of a limit's key: `eval`, `batch`, `compare` and `test` settle claims by it, and
/// the ledger's idempotency key is written from it (`ledgerKey`).
///
/// Two slots are the same when their ids are the same bytes, as everywhere ids are compared (the
/// batch's registries, its fingerprints, the spill store and the ledger's keys): `String`'s `==`
/// deems canonically equivalent text equal (`HK` and `H` + KELVIN SIGN), so a batch settled such ids
/// as one beneficiary while its slots were in memory and as two once they had spilled to disk.
public struct LimitSlot: Hashable, Sendable {
  public var rule: Int32
  public var beneficiary: String
  public var payee: String
  public var year: Int32

  public static func == (a: LimitSlot, b: LimitSlot) -> Bool {
    a.rule == b.rule && a.year == b.year && a.beneficiary.utf8.elementsEqual(b.beneficiary.utf8) && a.payee.utf8.elementsEqual(b.payee.utf8)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(rule)
    hasher.combine(year)
    // Each text's bytes and then a byte that is not UTF-8, so "ab" + "c" and "a" + "bc" differ.
    for byte in beneficiary.utf8 { hasher.combine(byte) }
    hasher.combine(UInt8(0xFF))
    for byte in payee.utf8 { hasher.combine(byte) }
  }

  /// The slot a result of a rule with `limit` keys claims; nil when a part the limit names is not known.
  public init?(rule: Int, limit: [String], beneficiary: String?, payee: String?, eventDate: CivilDate?) {
    guard !limit.isEmpty else { return nil }
    let wantsBeneficiary = limit.contains("beneficiary"), wantsPayee = limit.contains("payee"), wantsYear = limit.contains("year")
    if wantsBeneficiary, beneficiary == nil { return nil }
    if wantsPayee, payee == nil { return nil }
    if wantsYear, eventDate == nil { return nil }
    self.rule = Int32(truncatingIfNeeded: rule)
    self.beneficiary = wantsBeneficiary ? beneficiary ?? "" : ""
    self.payee = wantsPayee ? payee ?? "" : ""
    self.year = wantsYear ? Int32(eventDate?.year ?? 0) : 0
  }

  /// A slot read back from where it was stored (a batch's spill store).
  package init(stored rule: Int32, beneficiary: String, payee: String, year: Int32) {
    self.rule = rule
    self.beneficiary = beneficiary
    self.payee = payee
    self.year = year
  }

  /// The ledger's idempotency key, `policy|rule|<parts in limit order>`: `yingjiang|employment-service-subsidy|P1|2024`.
  /// Built in one string, with no array of parts: a batch writes one per payment.
  public func ledgerKey(policy: String, rule name: String, limit: [String]) -> String {
    var key = ""
    key.reserveCapacity(policy.utf8.count + name.utf8.count + beneficiary.utf8.count + payee.utf8.count + 8)
    key += policy
    key += "|"
    key += name
    for part in Rule.limitKeys where limit.contains(part) {
      key += "|"
      switch part {
      case "beneficiary": key += beneficiary
      case "payee": key += payee
      default: key += String(year)
      }
    }
    return key
  }

  /// What the ledger records as the period paid: the limit's year, or `once`.
  public var period: String { year != 0 ? String(year) : "once" }

  /// The idempotency key of a result whose rule has no limit: paid once per subject and payee.
  public static func unlimitedKey(policy: String, rule: String, subject: String, payee: String?) -> String {
    "\(policy)|\(rule)|\(subject)|\(payee ?? "")"
  }
}

/// Which claim keeps a limit's one payment: the most advanced status (already paid, payable, missing
/// evidence, undetermined, pending), then the earlier event date, then the subject id. So a complete
/// claim is never refused because an earlier one still lacks a document, and the choice does not depend
/// on the order of the input.
public struct ClaimOrder: Comparable, Sendable {
  public private(set) var rank: Int
  public private(set) var date: CivilDate
  public private(set) var subject: String

  public init(status: Status, date: CivilDate, subject: String) {
    self.init(rank: status.claimRank, date: date, subject: subject)
  }

  /// An order from its parts (`Status.claimRank`): a store that keeps the rank and date apart compares
  /// those first and reads the subject only on a tie.
  public init(rank: Int, date: CivilDate, subject: String) {
    self.rank = rank
    self.date = date
    self.subject = subject
  }

  public static func < (a: ClaimOrder, b: ClaimOrder) -> Bool { (a.rank, a.date, a.subject) < (b.rank, b.date, b.subject) }
}

/// The best claim so far for each limit slot, in the order slots were first claimed, mergeable chunk by
/// chunk: the settlement of limits that `eval` (one case), `batch` and `compare` (a file in chunks) share.
public struct LimitBook<Claim: Sendable>: Sendable {
  private typealias Entry = (claim: Claim, by: ClaimOrder)
  /// Each slot's place among the claims: slots are numbered in the order they were first claimed, so
  /// the winners come out in that order with no sort.
  private var places: [LimitSlot: Int] = [:]
  /// The claims in pages of `pageSize`: a book of a long file grows a page at a time, where one array
  /// doubled, holding its old and new storage at once (most of a 1M-row batch's peak memory).
  private var pages: [[Entry]] = []
  public private(set) var count = 0
  private static var pageSize: Int { 4_096 }

  public init() {}

  /// Offers a claim for `slot`. Returns the claim that lost: the one offered, or the holder it displaced;
  /// nil when the slot was free.
  @discardableResult
  public mutating func offer(_ claim: Claim, slot: LimitSlot, order: ClaimOrder) -> Claim? {
    guard let place = places[slot] else {
      places[slot] = count
      if count % Self.pageSize == 0 {
        pages.append([])
        pages[pages.count - 1].reserveCapacity(Self.pageSize)
      }
      pages[pages.count - 1].append((claim, order))
      count += 1
      return nil
    }
    let page = place / Self.pageSize, offset = place % Self.pageSize
    if order < pages[page][offset].by {
      let displaced = pages[page][offset].claim
      pages[page][offset] = (claim, order)
      return displaced
    }
    return claim
  }

  /// The claim holding `slot`, if any.
  public func holder(of slot: LimitSlot) -> Claim? {
    places[slot].map { pages[$0 / Self.pageSize][$0 % Self.pageSize].claim }
  }

  /// The winning claims in the order their slots were first claimed; the book is emptied.
  public mutating func drain() -> [Claim] {
    var settled: [Claim] = []
    settled.reserveCapacity(count)
    drain { settled.append($0) }
    return settled
  }

  /// Each winning claim in the order its slot was first claimed; the book is emptied. The index of
  /// slots is freed first and the claims are moved out, not copied: a book moved to disk when memory
  /// runs short is never held twice.
  public mutating func drain(_ body: (Claim) throws -> Void) rethrows {
    places = [:]
    var held = pages
    pages = []
    count = 0
    // Each page is freed once it has been handed over.
    for i in held.indices {
      for entry in held[i] { try body(entry.claim) }
      held[i] = []
    }
  }
}
