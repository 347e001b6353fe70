/// glibc's allocator tuned for a server that answers many requests of the same size: the memory
/// one answer frees is kept for the next rather than returned to the system and taken back.
///
/// By default glibc trims a thread arena's free top (`madvise`) once it passes a threshold that
/// adapts to the program, and the next answer (a 55 KB body, its JSON buffer, the facts of the case)
/// faults the same pages in again: under `wrk`, page faults, `madvise` and the TLB shootdowns it
/// sends to the other core were a twentieth of the server's CPU. A fixed trim threshold keeps up to
/// that much free memory per arena, enough for the answers in flight, not so much that the memory a
/// batch upload freed stays with the process; setting it also fixes the mmap threshold, so buffers
/// from a megabyte up (a batch's) keep their own mappings and go back to the system when freed.
/// Process-wide, so only `subsidy serve` sets it.
enum AllocatorTuning {
  /// Free memory an arena keeps before trimming (bytes).
  static let trimThreshold: Int32 = 16 << 20
  /// Allocations from this size up get their own mapping (bytes); below it they come from an arena.
  static let mmapThreshold: Int32 = 1 << 20

  static func apply() {
    #if os(Linux) && canImport(Glibc)
    _ = glibcMallopt(-1, trimThreshold)  // M_TRIM_THRESHOLD in <malloc.h>
    _ = glibcMallopt(-3, mmapThreshold)  // M_MMAP_THRESHOLD
    #endif
  }
}

#if os(Linux) && canImport(Glibc)
/// `int mallopt(int param, int value)` from <malloc.h>, which the Glibc module does not import.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
