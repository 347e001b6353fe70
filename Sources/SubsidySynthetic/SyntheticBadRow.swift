import PolicyValues

/// The kinds of broken row a synthetic batch contains, one defect per row.
///
/// A CSV has no comments, so a bad row is labelled by its `dispatch_id`:
/// `X<row>-<kind>` (e.g. `X00001234-impossible_date`) instead of `D<row>`.
/// A batch run can then check that exactly the `X` rows were rejected, each
/// for the reason its label names. Defects in person columns move the row to
/// a one-off person id (`PX<row>`), so the good rows' rule "one person id, one
/// set of person columns" still holds.
public enum SyntheticBadRow: String, CaseIterable, Sendable {
  /// `start` is 2023-02-30.
  case impossibleDate = "impossible_date"
  /// `destination` has five digits.
  case shortDivisionCode = "short_division_code"
  /// `person_poverty_status` is `poor`, not one of the enum's values.
  case unknownEnum = "unknown_enum"
  /// `organized` is `yes`, not `true`/`false`.
  case yesBoolean = "yes_boolean"
  /// `person_id_number`'s check character is wrong.
  case wrongChecksum = "wrong_checksum"
  /// `person_hukou` (required) is empty.
  case emptyHukou = "empty_hukou"
  /// `start` (required) is empty.
  case emptyStart = "empty_start"

  /// The dispatch id prefix of bad rows; good rows start with `D`.
  public static let idPrefix = "X"

  /// Applies this defect to a good row's cells.
  func corrupt(_ cells: inout [String], row: Int, using rng: inout SyntheticRandom) {
    let number = SyntheticText.padded(row + 1, width: 8)
    cells[SyntheticColumn.dispatchID.rawValue] = Self.idPrefix + number + "-" + rawValue
    switch self {
    case .impossibleDate: cells[SyntheticColumn.start.rawValue] = "2023-02-30"
    case .shortDivisionCode: cells[SyntheticColumn.destination.rawValue] = String(cells[SyntheticColumn.destination.rawValue].prefix(5))
    case .yesBoolean: cells[SyntheticColumn.organized.rawValue] = "yes"
    case .emptyStart: cells[SyntheticColumn.start.rawValue] = ""
    case .unknownEnum, .wrongChecksum, .emptyHukou:
      cells[SyntheticColumn.personID.rawValue] = "P" + Self.idPrefix + number
      switch self {
      case .unknownEnum: cells[SyntheticColumn.personPovertyStatus.rawValue] = "poor"
      case .emptyHukou: cells[SyntheticColumn.personHukou.rawValue] = ""
      default: cells[SyntheticColumn.personIDNumber.rawValue] = Self.breakChecksum(cells, using: &rng)
      }
    }
  }

  /// The row's ID number (or one built for its hukou if it had none) with a
  /// different, still well-formed, check character.
  private static func breakChecksum(_ cells: [String], using rng: inout SyntheticRandom) -> String {
    let number = cells[SyntheticColumn.personIDNumber.rawValue]
    let first17 = number.utf8.count == 18 ? String(number.prefix(17)) : cells[SyntheticColumn.personHukou.rawValue] + "19900101123"
    let right = IDNumber.checkCharacter(for: first17)
    let wrong = Array("0123456789X").filter { $0 != right }
    return first17 + String(rng.pick(wrong) ?? "0")
  }
}
