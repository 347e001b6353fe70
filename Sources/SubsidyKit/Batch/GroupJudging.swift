import Foundation
import PolicyEval
import PolicyValues

/// The group rules judged on a thread of their own at the end of a batch, while the merging thread
/// writes the limit winners: the two were the run's end phase, one after the other on one thread
/// while both workers sat idle.
///
/// The thread judges the book's groups a page at a time (`SpillingGroupBook.finish`) and hands each
/// page over as payout rows; the merging thread takes them in order once the winners are written,
/// and settles (ledger), counts and writes them as before, so the payouts file is byte for byte
/// what one thread wrote. At most `window` pages wait, so memory stays a few pages.
///
/// The book, its claims and the run's pool and spill store are the judging thread's alone from
/// `start` until `finish` returns: the merging thread, meanwhile, only drains a limit book held in
/// memory (`MergeState.finish` judges in parallel only then), which touches neither the pool nor the
/// store.
///
/// `@unchecked Sendable`: `book` and `claims` (which hold the run's pool and spill store) are used by
/// the judging thread only, from `start` until it signals `done`; the merging thread touches them
/// again only after waiting for `done` (`finish`), which orders every access of the thread before
/// its own. The pages, `ended`, `failure` and `stopped` are read and written only under `condition`'s lock.
final class GroupJudging: @unchecked Sendable {
  /// A rule and the status its refused results had (ineligible, not met, not applicable).
  struct Refusal: Hashable, Sendable {
    var rule: Int
    var status: Status
  }

  struct Page: Sendable {
    var rows: [PayoutRow]
    /// Results not written, counted by rule and status: a count, not a list, so a rule whose groups are
    /// all refused (no page of results to hand them over with) holds a few numbers, not one per group.
    var refused: [Refusal: Int]

    /// A page of the groups' results as payout rows and refusals; `refused`: groups refused before
    /// any result was built (judged unexplained), counted with the rest.
    init(_ results: [EvalResult], explanation: KeptExplanation, refused alreadyRefused: [Refusal: Int] = [:]) {
      let explain = explanation.writer(facts: Facts(schema: explanation.program.schema))
      rows = []
      refused = alreadyRefused
      rows.reserveCapacity(results.count)
      // Read in place: `for r in results` copied every result (each of its strings and lists retained,
      // then released) only to read a few fields of it.
      results.withUnsafeBufferPointer { results in
        for i in results.indices {
          let status = results[i].status
          if status == .ineligible || status == .notApplicable || status == .notMet {
            refused[Refusal(rule: results[i].ruleIndex, status: status), default: 0] += 1
          } else {
            rows.append(PayoutRow(results[i], explanation: explain))
          }
        }
      }
    }
  }

  static let window = 4

  private var book: SpillingGroupBook
  private var claims: SpillingGroupClaims
  private let program: Program
  private let asOf: CivilDate
  private let explanation: KeptExplanation
  private let condition = NSCondition()
  private var pages: [Page] = []
  private var ended = false
  private var failure: (any Error)?
  private var stopped = false
  private let done = DispatchSemaphore(value: 0)
  private var started = false

  struct Stopped: Error {}

  init(book: SpillingGroupBook, claims: SpillingGroupClaims, program: Program, asOf: CivilDate, explanation: KeptExplanation) {
    self.book = book
    self.claims = claims
    self.program = program
    self.asOf = asOf
    self.explanation = explanation
  }

  /// Starts judging on a thread of its own.
  func start() {
    started = true
    Thread.detachNewThread { [self] in
      do {
        // Without explanations to keep, the groups are judged as the rows are: unexplained, a refused
        // group only counted (with the next page, or a last one of its own).
        var refused: [Refusal: Int] = [:]
        try book.finish(program: program, asOf: asOf, page: 4_096, claims: &claims, explain: explanation.kept,
                        refused: { refused[Refusal(rule: $0, status: $1), default: 0] += 1 }) { results in
          try send(Page(results, explanation: explanation, refused: refused))
          refused = [:]
        }
        if !refused.isEmpty { try send(Page([], explanation: explanation, refused: refused)) }
        condition.withLock {
          ended = true
          condition.broadcast()
        }
      } catch {
        condition.withLock {
          if !(error is Stopped) { failure = error }
          ended = true
          condition.broadcast()
        }
      }
      done.signal()
    }
  }

  private func send(_ page: Page) throws {
    try condition.withLock {
      while pages.count >= Self.window, !stopped { condition.wait() }
      if stopped { throw Stopped() }
      pages.append(page)
      condition.broadcast()
    }
  }

  /// The next page in order; nil when every group is judged. Rethrows the judging thread's failure.
  func next() throws -> Page? {
    try condition.withLock {
      while pages.isEmpty, !ended { condition.wait() }
      if !pages.isEmpty {
        let page = pages.removeFirst()
        condition.broadcast()
        return page
      }
      if let failure { throw failure }
      return nil
    }
  }

  /// Stops the judging (the merging thread failed), waits for its thread, and returns the book:
  /// from here the merging thread may use the pool and the store again. Safe to call more than once.
  @discardableResult
  func finish() -> SpillingGroupBook {
    guard started else { return book }
    condition.withLock {
      stopped = true
      condition.broadcast()
    }
    done.wait()
    started = false
    return book
  }
}
