import PolicySupport

/// The batch's own reasons for refusing a row, each in English and Chinese, in one place: the
/// decoder's (a row cut short, an empty id, a repeated dispatch id) and the merge's (a dispatch id an
/// earlier chunk gave, an ID number two people give). A bad cell's reason comes with its problem
/// (`FieldDecoder.Problem.text`), a bad byte's with the chunk (`CellProblem`), the ledger's with its
/// answer (`IdentityConflict`: what an earlier batch recorded, not this file).
///
/// Both languages say what is wrong with the cell in the column the rejects file names beside it
/// ("is empty, but required", "是空的，但此项必填").
enum RejectReason {
  /// A row cut short or run long: its cells are under the wrong columns.
  static func cellCount(_ cells: Int, header: Int) -> LocalizedText {
    LocalizedText("has \(cells) cells, but the header has \(header) columns", zh: "这一行有 \(cells) 个单元格，但表头有 \(header) 列")
  }

  /// The row's own id (or a record every row must name) left empty.
  static let emptyID = LocalizedText("is empty, but every row needs it", zh: "是空的，但每一行都须填写此项")
  /// A required cell left empty.
  static let emptyRequired = LocalizedText("is empty, but required", zh: "是空的，但此项必填")

  /// A dispatch id given by an earlier line of the file.
  static func repeatedDispatch(_ line: Int) -> LocalizedText {
    LocalizedText("repeats the dispatch id of line \(line)", zh: "与第 \(line) 行的派遣编号重复")
  }

  /// A repeated dispatch id whose first line is not known here (the merge names it).
  static let repeatedDispatchEarlier = LocalizedText("repeats an earlier row's dispatch id", zh: "与前面一行的派遣编号重复")

  /// A person (or other record with an ID number) given another number than on an earlier line.
  static func anotherNumber(kind: Kind, id: String, line: UInt64) -> LocalizedText {
    LocalizedText("\(kind.en) `\(id)` has another ID number on line \(line); one \(kind.en) has one ID number",
                  zh: "\(kind.zh) `\(id)` 在第 \(line) 行的身份证号与此不同；一个\(kind.zh)只有一个身份证号")
  }

  /// An ID number given by another record on an earlier line.
  static func numberOfAnother(kind: Kind, line: UInt64) -> LocalizedText {
    LocalizedText("is the ID number of another \(kind.en) on line \(line); an ID number identifies one \(kind.en)",
                  zh: "是第 \(line) 行另一个\(kind.zh)的身份证号；一个身份证号只对应一个\(kind.zh)")
  }

  /// An entity kind as the reasons name it: its schema name in English (`person`), its label in Chinese (`人员`).
  struct Kind: Sendable {
    var en: String
    var zh: String
  }
}
