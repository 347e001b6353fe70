import Foundation

/// Timestamps as text in UTC, so they sort as strings and read the same in
/// every time zone the ledger is opened from.
package enum Timestamp {
  /// `2024-01-31T08:30:00.123Z`: what the ledger stores.
  package static func iso(_ date: Date = Date()) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }

  /// `20240131T083000Z`: for batch ids, with no characters a shell must quote.
  package static func compact(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
