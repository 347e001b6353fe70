import Foundation

/// What the files process `pid` has open point at (`/proc/PID/fd`; empty where there is no /proc).
/// An unlinked file shows as `PATH (deleted)`, an unnamed one (`O_TMPFILE`) as `FOLDER/#INODE (deleted)`.
func openFiles(of pid: Int32) -> [String] {
  let folder = "/proc/\(pid)/fd"
  let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
  return descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0) }
}
