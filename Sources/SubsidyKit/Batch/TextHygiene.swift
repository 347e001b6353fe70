import PolicyCheck
import PolicyEval
import PolicySupport

/// Ids and names may not hold control characters (`ControlCharacters`), whatever the reader.
///
/// A NUL in `person_id` cut the ledger key short, so `P\0Z` came out already paid because `P\0C`
/// was; a TAB before `=1+1` was trimmed silently, so a formula reached the payouts; ESC sequences
/// in a name set the terminal's title. An id is a key, not text to clean up, so it is refused with
/// where it is rather than trimmed or repaired; a name may hold a line break, nothing else. Other
/// cells are checked by their type's parser.
enum TextHygiene {
  /// Whether a field of this type is text kept as typed (ids, references, names).
  static func isText(_ type: FieldType) -> Bool { type.isText }

  /// The first control character a cell of `type` may not hold. A name may break across lines
  /// (Alt+Enter in an Excel cell gives CR LF inside quotes); an id may hold no control character.
  static func firstForbidden(in text: String, _ type: FieldType) -> Unicode.Scalar? {
    guard text.unicodeScalars.contains(where: ControlCharacters.isControl) else { return nil }
    let lineBreaksAllowed = type == .string
    return text.unicodeScalars.first { ControlCharacters.isControl($0) && !(lineBreaksAllowed && ($0 == "\n" || $0 == "\r")) }
  }

  /// Why a cell with `scalar` in it is refused.
  static func reason(_ scalar: Unicode.Scalar) -> LocalizedText {
    LocalizedText("holds the control character \(ControlCharacters.name(scalar)); ids and names may not contain control characters "
                    + "(a spreadsheet hides them, and they change which worker a row means)",
                  zh: "含有控制字符：\(ControlCharacters.nameZh(scalar))；编号和姓名里不能有控制字符（电子表格看不出它们，而它们会改变一行指的是哪位劳动者）")
  }

  /// The first id or text value of `facts` holding a control character: the field, the value, and
  /// the column of its record when the loader kept one.
  static func firstControlCharacter(in facts: Facts, schema: FactSchema) -> (field: String, value: String, scalar: Unicode.Scalar, column: Int?)? {
    for (kind, entity) in schema.entities.enumerated() where kind < facts.tables.count {
      let table = facts.tables[kind]
      let textSlots = entity.fields.filter { isText($0.type) && $0.name != "id" }
      for record in 0..<table.count {
        let column = table.span(of: record)?.start.column
        if let bad = ControlCharacters.first(in: table.ids[record]) {
          return ("\(entity.name).id", table.ids[record], bad.scalar, column)
        }
        for field in textSlots {
          guard case .string(let text) = table[record: record, slot: field.slot], let bad = firstForbidden(in: text, field.type) else { continue }
          return ("\(entity.name).\(field.name)", text, bad, column)
        }
      }
    }
    return nil
  }
}
