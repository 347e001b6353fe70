import Foundation
import PolicyEval
import PolicySupport
import SubsidyKit

/// Each served policy compiled alone, as `subsidy compare --policy ID` compiles it (its program
/// evaluates only its own rules on facts made local to it), from the texts of the snapshot being
/// served: nothing is read from disk, and a request never mixes two policy sets. Kept per
/// generation, so a policy is compiled once per reload, not once per request.
final class ComparedPolicies: @unchecked Sendable {
  // Unchecked: `generation` and `compiled` are read and written only under `lock`; the programs are `Sendable` values.
  private let lock = NSLock()
  private var generation = 0
  private var compiled: [String: ComparedPolicy] = [:]

  func policy(_ id: String, in snapshot: PolicySnapshot) throws -> ComparedPolicy {
    lock.lock()
    if generation == snapshot.generation, let found = compiled[id] {
      lock.unlock()
      return found
    }
    lock.unlock()
    let ids = snapshot.program.checkedPolicies.map(\.id)
    guard ids.contains(id) else {
      let unknown = Diagnostic.error("unknown-policy", "no policy `\(id)` is served", zh: "没有提供政策 `\(id)`", at: nil,
                                     help: EditDistance.didYouMean(id, among: ids), helpZh: EditDistance.didYouMeanZh(id, among: ids))
      throw Problem(.unprocessableContent, "unknown-policy", "unknown policy", detail: "no policy `\(id)` is served", diagnostics: [unknown])
    }
    let sources = snapshot.policySources.values.sorted { $0.path < $1.path }
    let outcome = PolicySetLoader.check(schemas: snapshot.schemaSources, policies: sources, only: [id], label: "served policies")
    guard let set = outcome.set, let policy = ComparedPolicy(program: Program(set)) else {
      throw Problem(.unprocessableContent, "not-comparable", "the policy cannot be compared",
                    detail: "policy `\(id)` has a jurisdiction that is not a 2-, 4- or 6-digit division prefix, so a cohort cannot be made local to it")
    }
    lock.lock()
    if snapshot.generation > generation {
      generation = snapshot.generation
      compiled = [:]
    }
    if snapshot.generation == generation { compiled[id] = policy }
    lock.unlock()
    return policy
  }
}
