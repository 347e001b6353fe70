import Foundation

/// Holds the policy set being served and swaps it whole on reload. The lock guards only the swap
/// and the read of the reference; evaluation runs on the snapshot a request took, outside the lock.
public final class PolicyStore: @unchecked Sendable {
  // Unchecked: `current` is read and swapped under `lock`; reloads take turns under `reloading`.
  private let lock = NSLock()
  private var current: PolicySnapshot
  /// One reload at a time: two at once would both load and the later would win at random.
  private let reloading = NSLock()
  public let paths: [String]

  public init(paths: [String], initial: PolicySnapshot) {
    self.paths = paths
    self.current = initial
  }

  /// The set to use for one whole request.
  public var snapshot: PolicySnapshot {
    lock.lock()
    defer { lock.unlock() }
    return current
  }

  /// Loads the policy folders again. A set that fails `check` is refused with its diagnostics and
  /// the previous set keeps serving.
  public func reload() -> Result<PolicySnapshot, PolicySetRejected> {
    reloading.lock()
    defer { reloading.unlock() }
    let next = PolicySnapshot.load(paths, generation: snapshot.generation + 1)
    if case .success(let loaded) = next {
      lock.lock()
      current = loaded
      lock.unlock()
    }
    return next
  }
}
