import Dispatch
import Foundation

/// A progress line on stderr while a batch runs (rows, rows/s, elapsed, ETA); silent when stderr is not a terminal.
final class Progress {
  private let enabled: Bool
  private let total: Int?
  private let started = DispatchTime.now()
  private var lastPrint: UInt64 = 0

  init(enabled: Bool, total: Int?) {
    self.enabled = enabled && isatty(2) == 1
    self.total = total
  }

  func update(rows: Int, bytes: Int) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    guard now - lastPrint > 200_000_000 else { return }
    lastPrint = now
    let elapsed = Double(now - started.uptimeNanoseconds) / 1e9
    let rate = elapsed > 0 ? Int(Double(rows) / elapsed) : 0
    var line = "\r\(rows) rows · \(rate) rows/s · \(Self.clock(elapsed)) elapsed"
    if let total, total > 0, bytes > 0 {
      let remaining = elapsed * Double(max(0, total - bytes)) / Double(bytes)
      line += " · ETA \(Self.clock(remaining)) · \(bytes * 100 / total)%"
    }
    FileHandle.standardError.write(Data((line + "   ").utf8))
  }

  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds)
    return "\(s / 60):\(s % 60 < 10 ? "0" : "")\(s % 60)"
  }
}
