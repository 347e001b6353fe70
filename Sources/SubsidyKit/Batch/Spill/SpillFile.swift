import Foundation
import PolicySupport

/// A temporary file of the run's spill with no name: created in the folder SQLite puts the spill
/// store's file in, and unlinked at once, as SQLite does with the store. The bytes live as long as
/// the descriptor: closed when the file is dropped, or by the system when the process ends however
/// it ends (a failure, Ctrl-C, a kill), so a run never leaves a file behind.
///
/// Read and written at explicit offsets (`pread`, `pwrite`), from the merging thread only. A failure
/// is a `SpillError` naming the folder and the system's reason, with the store's "disk full?" hint
/// only when the system says the disk is full.
final class SpillFile {
  let descriptor: Int32
  /// The folder the file was made in, for messages (the file itself has no name).
  let directory: String

  /// Creates the file in `directory` (default: the spill store's folder) and unlinks it.
  init(in directory: String? = nil) throws {
    guard let directory = directory ?? Self.temporaryDirectory() else {
      throw SpillError(text: LocalizedText("no writable temporary folder to spill to (set TMPDIR to one)",
                                           zh: "没有可写入的临时文件夹用于暂存（请将 TMPDIR 设为一个可写的文件夹）"))
    }
    self.directory = directory
    var attempt = 0
    while true {
      let candidate = directory + "/subsidy-spill-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).runs"
      let fd = open(candidate, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      if fd >= 0 {
        unlink(candidate)
        descriptor = fd
        return
      }
      attempt += 1
      guard errno == EEXIST, attempt < 100 else { throw Self.failure(.create, directory: directory, errno: errno) }
    }
  }

  /// Opens an existing file as it is, not unlinked: for tests that need a file the system refuses
  /// to write (`/dev/full`).
  init(opening path: String) throws {
    let fd = open(path, O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { throw Self.failure(.create, directory: path, errno: errno) }
    descriptor = fd
    directory = path
  }

  deinit { close(descriptor) }

  /// Writes all of `bytes` at `offset`.
  func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      let n = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
      if n < 0, errno == EINTR { continue }
      // A write that makes no progress without a reason is a full disk in all but name.
      guard n > 0 else { throw Self.failure(.write, directory: directory, errno: n == 0 ? ENOSPC : errno) }
      done += n
    }
  }

  /// Fills `bytes` from `offset`; the file must hold them all.
  func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      let n = pread(descriptor, base + done, bytes.count - done, off_t(offset + done))
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { throw Self.failure(.read, directory: directory, errno: errno) }
      guard n > 0 else {
        throw SpillError(text: LocalizedText("a temporary file in `\(directory)` ended early: it was changed by another program",
                                             zh: "`\(directory)` 中的临时文件提前结束：它被其他程序改动了"))
      }
      done += n
    }
  }

  /// The folder SQLite's unix VFS picks for a temporary database (`unixTempFileDir`): the first of
  /// `SQLITE_TMPDIR`, `TMPDIR`, /var/tmp, /usr/tmp, /tmp and . that is a folder this process can
  /// write in, so the run's spill files sit beside the spill store's.
  static func temporaryDirectory() -> String? {
    let environment = ProcessInfo.processInfo.environment
    let candidates = [environment["SQLITE_TMPDIR"], environment["TMPDIR"], "/var/tmp", "/usr/tmp", "/tmp", "."]
    for case let directory? in candidates where !directory.isEmpty {
      var info = stat()
      if stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, access(directory, W_OK | X_OK) == 0 {
        return directory
      }
    }
    return nil
  }

  private enum Operation { case create, write, read }

  private static func failure(_ operation: Operation, directory: String, errno code: Int32) -> SpillError {
    let reason = SystemError.text(errno: code)
    let full = code == ENOSPC || code == EDQUOT
    let en = switch operation {
    case .create: "cannot create a temporary file in `\(directory)` to spill to: \(reason.en)"
    case .write: "cannot write a temporary file in `\(directory)`: \(reason.en)"
    case .read: "cannot read a temporary file in `\(directory)`: \(reason.en)"
    }
    let zh = switch operation {
    case .create: "无法在 `\(directory)` 中创建用于暂存的临时文件：\(reason.zh)"
    case .write: "无法写入 `\(directory)` 中的临时文件：\(reason.zh)"
    case .read: "无法读取 `\(directory)` 中的临时文件：\(reason.zh)"
    }
    return SpillError(text: LocalizedText(en + (full ? SpillError.diskFullHint.en : ""), zh: zh + (full ? SpillError.diskFullHint.zh : "")))
  }
}
