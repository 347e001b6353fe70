import Foundation
import PolicyValues

extension CivilDate {
  /// Today's date in China (UTC+8), where the policies apply; nil only if the clock is off the calendar.
  public static var today: CivilDate? {
    let seconds = Int(Date().timeIntervalSince1970) + 8 * 3600
    return CivilDate(dayNumber: seconds / 86_400)
  }
}
