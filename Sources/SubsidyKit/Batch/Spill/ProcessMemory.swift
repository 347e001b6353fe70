import Foundation

/// What the process holds in memory now (its resident set), for sharing `--memory` out at the start
/// of a batch. Linux's `/proc/self/statm`; nil where there is none.
enum ProcessMemory {
  static func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// The most the process has held so far (`VmHWM`), for the memory figures of the debug line.
  static func peakBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kb * 1024
  }
}
