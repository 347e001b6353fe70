import Foundation
import PolicySupport

/// A file the product writes, all or nothing: bytes go to a temporary file beside the destination,
/// and only `commit()` renames it into place. A run that fails, or is killed, leaves the old file
/// (or none) rather than half a payouts list; an uncommitted file is removed when dropped.
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
  /// Where the bytes go until `commit()`; nil when writing straight to a device or pipe.
  private let temporaryPath: String?
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
      temporaryPath = nil
      destination = resolved
      return
    }
    let directory = (resolved as NSString).deletingLastPathComponent
    let name = (resolved as NSString).lastPathComponent
    // The same permissions as the file replaced; a new file gets the usual ones (0666 less the umask).
    let mode = stat(resolved, &info) == 0 ? mode_t(info.st_mode & 0o7777) : 0o666
    var attempt = 0
    while true {
      let candidate = (directory.isEmpty ? "." : directory) + "/.\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
      let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      if fd >= 0 {
        if mode != 0o666 { fchmod(fd, mode) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        temporaryPath = candidate
        break
      }
      attempt += 1
      guard errno == EEXIST, attempt < 100 else {
        throw Failure(path: path, reason: SystemError.text(errno: errno))
      }
    }
    destination = resolved
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
  public func commit() throws {
    guard !finished else { return }
    finished = true
    guard let temporaryPath else {
      try? handle.close()
      return
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
    if let temporaryPath { unlink(temporaryPath) }
  }

  /// Writes `text` to `path` all at once (a small report).
  public static func write(_ text: String, to path: String) throws {
    let file = try OutputFile(path)
    try file.write(text)
    try file.commit()
  }
}
