import PolicyCheck
import PolicyDSL

/// What each field type accepts, in words: one place for docs/facts.md and the editors' JSON Schema,
/// so the two describe the loaders (`FieldConverter`, `CellConverter`) the same way.
enum FieldTypeText {
  /// The type's name in Chinese, with its rule in a facts file and in a CSV cell.
  static func describe(_ type: FieldType, schema: FactSchema) -> (zh: String, rule: String) {
    switch type {
    case .id: ("编号", "文本，同类记录中唯一")
    case .string: ("文本", "任意文本")
    case .bool: ("是否", "`true` 或 `false`（不加引号）")
    case .number: ("数值", "数字，最多 4 位小数，如 `12.5`；不用千分位、不用科学计数")
    case .money: ("金额（元）", "数字，最多 4 位小数，如 `350.00`；不用千分位、不用 ¥")
    case .integer: ("整数", "整数，如 `12`")
    case .date: ("日期", "`YYYY-MM-DD`，如 `2024-06-30`，须为真实存在的日期")
    case .code: ("行政区划代码", "6 位数字（GB/T 2260），如 `\"533123\"`；YAML 中加引号")
    case .idNumber: ("居民身份证号", "18 位，末位可为 X，校验码须正确；输出中除 `--show-pii` 外一律打码")
    case .enumeration(let name): ("枚举 `\(name)`", "下列值之一：" + (schema.enums[name]?.cases.map { "`\($0)`" }.joined(separator: "、") ?? ""))
    case .reference(let name): ("引用 `\(name)`", "另一条\(schema.entity(name)?.label?.zh ?? name)记录的编号")
    case .list(let inner):
      ("列表（\(describe(inner, schema: schema).zh)）", "事实文件中写成列表 `[a, b]`（或 `\"a;b\"`）；CSV 中写成 `a;b`")
    }
  }

  /// The type as a schema file writes it: `list(evidence)`, not the parsed `list(enum(evidence))`.
  static func name(_ type: FieldType) -> String {
    if case .list(.enumeration(let name)) = type { return "list(\(name))" }
    return type.description
  }

  /// A fact's path written from a schema file other than the base: the region that adds it.
  static func origin(_ path: String?) -> String? {
    guard let path else { return nil }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard name != "facts.schema.yaml", name.hasSuffix(".schema.yaml") else { return nil }
    return String(name.dropLast(".schema.yaml".count))
  }

  /// "中文 (English)", or whichever of the two is there.
  static func label(_ label: Label?) -> String {
    guard let label else { return "" }
    if label.en.isEmpty { return label.zh }
    return "\(label.zh)（\(label.en)）"
  }
}
