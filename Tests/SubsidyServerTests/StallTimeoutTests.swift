import NIOCore
@testable import SubsidyServer
import Testing

/// The write-stall and idle timeout is 3 × `--request-seconds`, at least 1 s, to the millisecond.
@Suite struct StallTimeoutTests {
  @Test(arguments: [(0.2, 1_000), (0.5, 1_500), (1, 3_000), (2.25, 6_750), (10, 30_000)])
  func threeTimesTheRequestSeconds(seconds: Double, milliseconds: Int64) {
    let options = ServerOptions(policies: [ServerPaths.policies], requestSeconds: seconds)
    #expect(SubsidyServer.stallTimeout(options) == .milliseconds(milliseconds), "--request-seconds \(seconds)")
  }
}
