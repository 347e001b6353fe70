import Foundation

/// What the process holds in memory now (its resident set), for sharing `--memory` out at the start
/// of a batch. Linux's `/proc/self/statm`; nil where there is none.
enum ProcessMemory {
  /// Gives the pages of freed memory back to the system (glibc's `malloc_trim`), so the resident set
  /// the pool is held against (`SpillPlace`'s ceiling) shows what is in use.
  ///
  /// glibc keeps what is freed for the next allocation, and serves blocks from the heap rather than
  /// their own mappings once a large one was freed: when a part spilled, the resident set stayed
  /// where it was, a 1M-row run stood at its ceiling with a quarter of its pool in use, and every
  /// part spilled in turn. Asked only when the process is found over `--memory`, not per allocation.
  static func releaseFreedMemory() {
    // `malloc_trim` is in malloc.h, which the Glibc module does not bring in: looked up by name.
    // Where there is none (another C library), nothing changes.
    typealias MallocTrim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
  }

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
