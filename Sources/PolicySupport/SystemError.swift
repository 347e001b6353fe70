import Foundation

/// Why the operating system refused a file operation, in both languages: `strerror` speaks English
/// only, so the reasons a clerk meets (no permission, disk full, no such folder…) are said here in
/// Chinese too; any other keeps the system's own words, quoted, with its number.
public enum SystemError {
  /// The reason for `code` (an `errno`).
  public static func text(errno code: Int32) -> LocalizedText {
    let system = String(cString: strerror(code))
    guard let zh = chinese[code] else { return LocalizedText(system, zh: "系统错误 \(code)：`\(system)`") }
    return LocalizedText(system, zh: zh)
  }

  /// The reason inside a Foundation error (a POSIX code, directly or underlying), else its text verbatim.
  public static func text(of error: any Error) -> LocalizedText {
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return text(errno: Int32(ns.code)) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return text(errno: Int32(underlying.code))
    }
    return .verbatim(ns.localizedDescription)
  }

  private static let chinese: [Int32: String] = [
    EACCES: "没有权限",
    EPERM: "操作不被允许",
    ENOENT: "文件或文件夹不存在",
    ENOTDIR: "路径中有一段不是文件夹",
    EISDIR: "这是一个文件夹",
    ENOSPC: "磁盘已满",
    EDQUOT: "超出磁盘配额",
    EROFS: "所在磁盘只读",
    EEXIST: "文件已存在",
    EMFILE: "打开的文件太多",
    ENFILE: "系统打开的文件太多",
    EIO: "读写磁盘出错",
    ENAMETOOLONG: "文件名太长",
    ELOOP: "符号链接层数太多",
    EBUSY: "文件正被占用",
    ETXTBSY: "文件正被占用",
    EXDEV: "不能跨磁盘改名",
    EFBIG: "文件太大",
    EINVAL: "参数无效",
  ]
}
