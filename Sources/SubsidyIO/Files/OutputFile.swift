import Foundation
import PolicySupport

/// A file the product writes, all or nothing: bytes go to a temporary file beside the destination,
/// and only `commit()` renames it into place. A run that fails, or is killed, leaves the old file
/// (or none) rather than half a payouts list; an uncommitted file is removed when dropped.
///
/// On Linux the temporary file has no name until `commit()` (`O_TMPFILE`, `OutputFile+Unnamed.swift`):
/// a process killed while it writes (SIGKILL, the OOM killer, a second Ctrl-C, SIGTERM to a command
/// that does not catch it) leaves nothing, where a named `.payouts.csv.<n>.tmp` stayed beside the
/// destination with the run's ID numbers in it. Elsewhere, or on a file system without unnamed
/// files, the named temporary file is used.
///
/// Every command that writes a file goes through this type (batch payouts and rejects, compare's
/// HTML, ledger export, generate). A destination that is not a regular file (`/dev/null`, a pipe)
/// cannot be replaced by a rename and is written directly.
public final class OutputFile: @unchecked Sendable {
  // Unchecked: one writer owns a file at a time (the batch's merging thread, or the command that
  // opened it); `finished` changes only in `commit`, which that owner calls once at the end.

  /// The file could not be written, and why (the system's reason, in both languages).
  public struct Failure: LocalizedFailure {
    public var path: String
    public var reason: LocalizedText
    public var text: LocalizedText {
      LocalizedText("cannot write `\(path)`: \(reason.en)", zh: "无法写入 `\(path)`：\(reason.zh)")
    }
  }

  /// The path the user gave.
  public let path: String
  /// Where the bytes go until `commit()`.
  private let staging: Staging
  /// The file the rename replaces (a symlink's target, so the link itself survives).
  private let destination: String
  public let handle: FileHandle
  private var finished = false

  /// Creates the temporary file beside `path`'s destination.
  public init(_ path: String) throws {
    self.path = path
    let resolved = FileIdentity.resolvedPath(path)
    var info = stat()
    if stat(resolved, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
      guard info.st_mode & S_IFMT != S_IFDIR else { throw Failure(path: path, reason: LocalizedText("it is a directory", zh: "这是一个文件夹")) }
      guard let handle = FileHandle(forWritingAtPath: resolved) else { throw Failure(path: path, reason: SystemError.text(errno: errno)) }
      self.handle = handle
      staging = .direct
      destination = resolved
      return
    }
    let directory = (resolved as NSString).deletingLastPathComponent
    let prefix = (directory.isEmpty ? "." : directory) + "/." + (resolved as NSString).lastPathComponent
    // The same permissions as the file replaced; a new file gets the usual ones (0666 less the umask).
    let mode = stat(resolved, &info) == 0 ? mode_t(info.st_mode & 0o7777) : 0o666
    destination = resolved
    if let fd = Self.openUnnamed(in: directory.isEmpty ? "." : directory, mode: mode) {
      handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
      staging = .unnamed(prefix: prefix, mode: mode)
      return
    }
    let (fd, candidate) = try Self.createNamed(prefix, mode: mode, path: path)
    handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    staging = .named(candidate)
  }

  /// Where a file's bytes go until `commit()`.
  enum Staging {
    /// Straight to the destination (a device or a pipe).
    case direct
    /// A temporary file named `<prefix>.<n>.tmp` beside the destination.
    case named(String)
    /// An unnamed file in the destination's folder; named `<prefix>.<n>.tmp` only at `commit()`.
    case unnamed(prefix: String, mode: mode_t)
  }

  /// A new file `<prefix>.<random>.tmp` (mode `mode`, not less the umask), opened for writing.
  static func createNamed(_ prefix: String, mode: mode_t, path: String) throws -> (fd: Int32, path: String) {
    var attempt = 0
    while true {
      let candidate = prefix + ".\(UInt32.random(in: 0...UInt32.max)).tmp"
      let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      if fd >= 0 {
        if mode != 0o666 { fchmod(fd, mode) }
        return (fd, candidate)
      }
      attempt += 1
      guard errno == EEXIST, attempt < 100 else {
        throw Failure(path: path, reason: SystemError.text(errno: errno))
      }
    }
  }

  deinit { discard() }

  public func write(_ data: Data) throws {
    do {
      try handle.write(contentsOf: data)
    } catch {
      throw Failure(path: path, reason: SystemError.text(of: error))
    }
  }

  public func write(_ text: String) throws { try write(Data(text.utf8)) }

  /// Makes the file durable and puts it in place; after this the destination holds every byte written.
  public func commit() throws { try commit(linking: true) }

  /// `commit()`; without `linking`, an unnamed file is named by a copy, as where the system refuses
  /// the link (for the tests of that path).
  func commit(linking: Bool) throws {
    guard !finished else { return }
    finished = true
    let temporaryPath: String
    switch staging {
    case .direct:
      try? handle.close()
      return
    case .named(let named):
      temporaryPath = named
    case .unnamed(let prefix, let mode):
      do {
        temporaryPath = try name(prefix, mode: mode, linking: linking)
      } catch {
        try? handle.close()
        throw error as? Failure ?? Failure(path: path, reason: SystemError.text(of: error))
      }
    }
    do {
      try handle.synchronize()
      try handle.close()
    } catch {
      unlink(temporaryPath)
      throw Failure(path: path, reason: SystemError.text(of: error))
    }
    guard rename(temporaryPath, destination) == 0 else {
      let reason = SystemError.text(errno: errno)
      unlink(temporaryPath)
      throw Failure(path: path, reason: reason)
    }
  }

  /// Drops what was written; the destination is left as it was.
  public func discard() {
    guard !finished else { return }
    finished = true
    try? handle.close()
    if case .named(let temporaryPath) = staging { unlink(temporaryPath) }
  }

  /// Writes `text` to `path` all at once (a small report).
  public static func write(_ text: String, to path: String) throws {
    let file = try OutputFile(path)
    try file.write(text)
    try file.commit()
  }
}
