import Foundation
import PolicySupport

/// Which file a path names, so that two paths naming one file are caught before anything is written:
/// `--out` onto the ledger destroyed it, `--out` equal to `--rejects` lost the payouts, and `--out`
/// equal to the input overwrote it.
///
/// An existing file is known by its device and inode (so a symlink, a hard link, `./x` and `x` all
/// match); a file not yet written by its resolved folder's device and inode and its name.
public enum FileIdentity: Hashable, Sendable {
  case file(device: UInt64, inode: UInt64)
  case planned(folderDevice: UInt64, folderInode: UInt64, name: String)

  /// The identity of `path`, or nil when neither it nor its folder exists (it cannot clash then).
  public static func of(_ path: String) -> FileIdentity? {
    var info = stat()
    if stat(path, &info) == 0 { return .file(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
    let resolved = resolvedPath(path)
    let folder = (resolved as NSString).deletingLastPathComponent
    guard stat(folder.isEmpty ? "." : folder, &info) == 0 else { return nil }
    return .planned(folderDevice: UInt64(info.st_dev), folderInode: UInt64(info.st_ino), name: (resolved as NSString).lastPathComponent)
  }

  /// `path` made absolute with symlinks resolved, as far as it exists (its folder when the file does not).
  static func resolvedPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    if let real = realpath(absolute, nil) {
      defer { free(real) }
      return String(cString: real)
    }
    let folder = (absolute as NSString).deletingLastPathComponent
    let name = (absolute as NSString).lastPathComponent
    guard let real = realpath(folder, nil) else { return absolute }
    defer { free(real) }
    return String(cString: real) + (String(cString: real).hasSuffix("/") ? "" : "/") + name
  }
}

/// The files one command reads and writes, by role; refuses a file written under one role and read
/// or written under another. (Two inputs may be one file: reading twice harms nothing.)
public struct FileRoles {
  /// What a file is to the command, as the refusal names it.
  public enum Role: Sendable, Equatable {
    /// The batch CSV (or JSON Lines) a command reads.
    case input
    /// A policy file the command loads.
    case policyFile
    /// The cohort `compare` runs.
    case cohort
    /// The SQLite ledger of `--ledger`.
    case ledger
    /// A file SQLite keeps beside the ledger (`-wal`, `-shm`, `-journal`).
    case ledgerCompanion(String)
    /// A file named by an option, e.g. `--out`.
    case option(String)

    public var text: LocalizedText {
      switch self {
      case .input: LocalizedText("the input", zh: "输入文件")
      case .policyFile: LocalizedText("the policy file", zh: "政策文件")
      case .cohort: LocalizedText("the cohort", zh: "人群文件")
      case .ledger: LocalizedText("the ledger (--ledger)", zh: "台账（`--ledger`）")
      case .ledgerCompanion(let suffix): LocalizedText("the ledger's \(suffix) file", zh: "台账的 `\(suffix)` 文件")
      case .option(let name): LocalizedText(name, zh: "`\(name)`")
      }
    }
  }

  public struct Clash: LocalizedFailure {
    public var first: (role: Role, path: String)
    public var second: (role: Role, path: String)
    public var text: LocalizedText {
      let same = first.path == second.path ? "`\(first.path)`" : "`\(first.path)` and `\(second.path)`"
      let sameZh = first.path == second.path ? "`\(first.path)`" : "`\(first.path)` 和 `\(second.path)`"
      return LocalizedText(
        "\(first.role.text.en) and \(second.role.text.en) are the same file (\(same)); writing one would destroy the other: choose different files",
        zh: "\(first.role.text.zh) 和 \(second.role.text.zh) 是同一个文件（\(sameZh)）；写入一个会毁掉另一个：请选用不同的文件")
    }
  }

  private var entries: [(role: Role, path: String, identity: FileIdentity, written: Bool)] = []

  public init() {}

  /// Adds a file the command reads.
  public mutating func input(_ role: Role, _ path: String?) throws { try add(role, path, written: false) }

  /// Adds a file the command writes (or must keep intact, as the ledger).
  public mutating func output(_ role: Role, _ path: String?) throws { try add(role, path, written: true) }

  /// Throws when an earlier role names the same file and one of the two is written.
  /// Paths that resolve nowhere are skipped: their folder does not exist, so nothing can clash.
  private mutating func add(_ role: Role, _ path: String?, written: Bool) throws {
    guard let path, let identity = FileIdentity.of(path) else { return }
    if let earlier = entries.first(where: { $0.identity == identity && ($0.written || written) }) {
      throw Clash(first: (earlier.role, earlier.path), second: (role, path))
    }
    entries.append((role, path, identity, written))
  }
}
