import Foundation
import PolicySupport

/// The unnamed temporary file of an `OutputFile` on Linux: created with `O_TMPFILE` in the
/// destination's folder, so it exists under no name while the command writes it, and is freed by the
/// system if the process ends before `commit()` however it ends. `commit()` gives it a temporary name
/// beside the destination (a hard link through /proc/self/fd, as open(2) describes) and renames that
/// over the destination, as for a named temporary file.
extension OutputFile {
  /// An unnamed file in `directory`, open for reading and writing, or nil: on another system, on a
  /// file system without unnamed files, or without /proc to name it through. The caller then
  /// creates a named temporary file, which also reports why the folder cannot be written in.
  static func openUnnamed(in directory: String, mode: mode_t) -> Int32? {
    #if os(Linux)
    guard access("/proc/self/fd", X_OK) == 0 else { return nil }
    // O_TMPFILE is `__O_TMPFILE | O_DIRECTORY`, a macro Swift does not import; __O_TMPFILE is
    // 020000000 on every architecture Swift runs on (only alpha, parisc and sparc differ).
    let fd = open(directory, 0o20000000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, mode)
    guard fd >= 0 else { return nil }
    if mode != 0o666 { fchmod(fd, mode) }
    return fd
    #else
    return nil
    #endif
  }

  /// Gives the unnamed file a temporary name beside the destination (`<prefix>.<n>.tmp`), ready to
  /// be renamed over it: a hard link, or a copy where the system refuses the link (or `linking` is
  /// false).
  func name(_ prefix: String, mode: mode_t, linking: Bool) throws -> String {
    if linking {
      let source = "/proc/self/fd/\(handle.fileDescriptor)"
      for _ in 0..<100 {
        let candidate = prefix + ".\(UInt32.random(in: 0...UInt32.max)).tmp"
        if linkat(AT_FDCWD, source, AT_FDCWD, candidate, AT_SYMLINK_FOLLOW) == 0 { return candidate }
        guard errno == EEXIST else { break }
      }
    }
    return try copyToNamed(prefix, mode: mode)
  }

  /// A named temporary file with the unnamed one's bytes, written to disk.
  private func copyToNamed(_ prefix: String, mode: mode_t) throws -> String {
    let (target, candidate) = try Self.createNamed(prefix, mode: mode, path: path)
    defer { close(target) }
    func fail(_ code: Int32) -> Failure {
      unlink(candidate)
      return Failure(path: path, reason: SystemError.text(errno: code))
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var offset: off_t = 0
    while true {
      let n = buffer.withUnsafeMutableBytes { pread(handle.fileDescriptor, $0.baseAddress, $0.count, offset) }
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { throw fail(errno) }
      if n == 0 { break }
      var done = 0
      while done < n {
        let written = buffer.withUnsafeBytes { pwrite(target, $0.baseAddress! + done, n - done, offset + off_t(done)) }
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { throw fail(written == 0 ? ENOSPC : errno) }
        done += written
      }
      offset += off_t(n)
    }
    guard fsync(target) == 0 else { throw fail(errno) }
    return candidate
  }
}
