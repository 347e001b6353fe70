import Foundation
import PolicySupport

/// The folder one batch run writes its payouts and rejects to while it runs (`OutputFile` needs a path
/// to rename its temporary file to). The folder lives no longer than the run, whatever the client or
/// the server does, because it holds payment data and ID numbers:
///
/// - a run that succeeds hands its files over as open handles (`open()`), and the folder is removed
///   at once, before the answer is built: the bytes then live only as long as the handles, which close
///   when the answer is sent, or dropped unsent (a client gone before the head was written, a write
///   that failed or stalled), and which the system closes when the process ends however it ends;
/// - a run that fails removes it (`remove()`);
/// - a spool dropped any other way removes it in `deinit`;
/// - a process the shutdown deadline ends mid-run removes the folders still there (`removeAll()`),
///   since `exit` runs no `deinit`.
///
/// Only a process killed outright (SIGKILL, a crash) while a run is in progress can leave one, and
/// on Linux it is empty then: the outputs have no name until the run commits them (`OutputFile`).
final class Spool: Sendable {
  let folder: String
  var payouts: String { folder + "/payouts.csv" }
  var rejects: String { folder + "/rejects.csv" }
  var explanations: String { folder + "/explanations.jsonl" }

  /// Creates the folder (mode 0700) in the temporary folder (`TMPDIR`, else /tmp).
  init() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("subsidy-batch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    folder = url.path
    Self.live.insert(folder)
  }

  deinit { remove() }

  /// Removes the folder and what is in it; calling it again does nothing.
  func remove() {
    guard Self.live.take(folder) else { return }
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// The files, open for reading (the explanations only when they were written), and the folder
  /// removed: after this nothing of the run is left under a name. On failure the folder is removed too.
  func open(explained: Bool) throws -> SpooledFiles {
    defer { remove() }
    return SpooledFiles(payouts: try Self.openForReading(payouts), rejects: try Self.openForReading(rejects),
                        explanations: explained ? try Self.openForReading(explanations) : nil)
  }

  /// Removes every spool folder of this process still there: for a process about to `exit`.
  static func removeAll() {
    for folder in live.takeAll() { try? FileManager.default.removeItem(atPath: folder) }
  }

  /// The folders of the runs in progress.
  private static let live = FolderSet()

  /// A spooled file could not be opened again (the folder was removed under the run?).
  struct Unreadable: Error, CustomStringConvertible {
    let file: String
    let reason: String
    var description: String { "cannot read the spooled `\(file)`: \(reason)" }
  }

  private static func openForReading(_ path: String) throws -> FileHandle {
    let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Unreadable(file: (path as NSString).lastPathComponent, reason: SystemError.text(errno: errno).en) }
    return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
  }
}

/// A run's payouts and rejects once the run is over: open for reading, their folder already removed.
/// The handles close when this is dropped, and the system frees the bytes then.
struct SpooledFiles: Sendable {
  let payouts: FileHandle
  let rejects: FileHandle
  /// `explain=true`: one JSON line per payouts row.
  let explanations: FileHandle?
}

/// The paths of the spool folders that exist, under a lock: a run's thread adds and removes its own,
/// the shutdown deadline's queue takes them all.
private final class FolderSet: @unchecked Sendable {
  // Unchecked: `folders` is read and written only while holding `lock`.
  private let lock = NSLock()
  private var folders: Set<String> = []

  func insert(_ folder: String) { lock.withLock { _ = folders.insert(folder) } }

  /// Whether `folder` was there (it is no longer).
  func take(_ folder: String) -> Bool { lock.withLock { folders.remove(folder) != nil } }

  func takeAll() -> Set<String> {
    lock.withLock {
      defer { folders = [] }
      return folders
    }
  }
}
