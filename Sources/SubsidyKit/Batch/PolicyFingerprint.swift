import PolicySupport

/// A fingerprint of the policy files a run used (FNV-1a, 64 bits, over each path and text in order),
/// recorded with every payment so a payout can be matched to the exact rules that decided it.
/// It identifies; it is not a security hash.
public enum PolicyFingerprint {
  public static func of(_ sources: [SourceFile]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for source in sources.sorted(by: { $0.path < $1.path }) {
      for byte in (source.path.split(separator: "/").last.map(String.init) ?? source.path).utf8 + [0] + source.text.utf8 + [0] {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
      }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
