import Foundation
import PolicyValues
import Testing

/// Helpers shared by the `Batch*` suites: fixtures, a small RFC 4180 reader for the engine's outputs,
/// a row builder for generated scenarios, and one `subsidy batch` run with its outputs parsed.
enum BatchFixtures {
  static var directory: URL { Paths.root.appendingPathComponent("Tests/SubsidyTests/Fixtures/batch") }
  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

  /// The contract's batch columns, in the contract's order (shared/contract.md).
  static let columns = [
    "dispatch_id", "person_id", "person_name", "person_id_number", "person_hukou",
    "person_poverty_status", "person_relocated", "person_post_school_youth",
    "household_id", "household_members", "household_labor_income",
    "household_income_year", "organizer_id", "organizer_kind", "organizer_location",
    "organizer_licensed", "organizer_hr_license", "employer_id", "employer_kind",
    "employer_location", "destination", "organized", "start", "end", "contract",
    "contract_months", "social_insurance", "follow_up", "transport_cost", "evidence",
  ]

  /// A valid 18-digit 居民身份证号 for a region, birth date and sequence (check character computed).
  static func idNumber(_ region: String, born: String, sequence: Int) -> String {
    let first17 = region + born.replacingOccurrences(of: "-", with: "") + String(format: "%03d", sequence % 1000)
    return first17 + String(IDNumber.checkCharacter(for: first17)!)
  }
}

/// One parsed CSV record and the 1-based file line it starts on.
struct CSVRecord: Equatable {
  var line: Int
  var fields: [String]
}

/// A minimal RFC 4180 reader (quotes, `""`, CRLF, quoted line breaks, a leading BOM) for checking outputs.
enum TestCSV {
  static func parse(_ text: String) -> [CSVRecord] {
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var records: [CSVRecord] = []
    var fields: [String] = []
    var field = String.UnicodeScalarView()
    var line = 1, recordLine = 1
    var i = 0, inQuotes = false, sawAny = false
    func endField() {
      fields.append(String(field))
      field = String.UnicodeScalarView()
    }
    while i < scalars.count {
      let c = scalars[i]
      if inQuotes {
        if c == "\"" {
          if i + 1 < scalars.count, scalars[i + 1] == "\"" {
            field.append("\"")
            i += 2
            continue
          }
          inQuotes = false
        } else {
          if c == "\n" { line += 1 }
          field.append(c)
        }
        i += 1
        continue
      }
      switch c {
      case "\"":
        inQuotes = true
        sawAny = true
      case ",":
        endField()
        sawAny = true
      case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
        break
      case "\n":
        if sawAny || !field.isEmpty {
          endField()
          records.append(CSVRecord(line: recordLine, fields: fields))
        }
        fields = []
        sawAny = false
        line += 1
        recordLine = line
      default:
        field.append(c)
        sawAny = true
      }
      i += 1
    }
    if sawAny || !field.isEmpty {
      endField()
      records.append(CSVRecord(line: recordLine, fields: fields))
    }
    return records
  }

  /// Header + rows as dictionaries keyed by column name.
  static func table(_ text: String) -> (header: [String], rows: [[String: String]], lines: [Int]) {
    let records = parse(text)
    guard let header = records.first?.fields else { return ([], [], []) }
    let rows = records.dropFirst().map { record in
      Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0 < record.fields.count ? record.fields[$0] : "") })
    }
    return (header, rows, records.dropFirst().map(\.line))
  }

  static func field(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }
}

/// A batch row for a scenario: the contract's columns with sensible defaults, set by name.
struct BatchRow {
  var cells: [String: String]
  init(_ cells: [String: String]) { self.cells = cells }
  subscript(_ column: String) -> String {
    get { cells[column] ?? "" }
    set { cells[column] = newValue }
  }
  func csv(_ columns: [String] = BatchFixtures.columns) -> String { TestCSV.line(columns.map { cells[$0] ?? "" }) }
}

/// The parsed outputs of one `subsidy batch` run.
struct BatchRun {
  var status: Int32
  var stdout: String
  var stderr: String
  var payoutsText: String
  var rejectsText: String
  /// Payout data lines (no header), as written.
  var payoutLines: [String]
  var payouts: [[String: String]]
  var rejects: [[String: String]]

  var rowsRead: Int? { summaryNumbers?.0 }
  var rowsEvaluated: Int? { summaryNumbers?.1 }
  var rowsRejected: Int? { summaryNumbers?.2 }

  /// (read, evaluated, rejected) from `rows read N = evaluated E + rejected R`.
  var summaryNumbers: (Int, Int, Int)? {
    let text = stdout + stderr
    guard let range = text.range(of: #"rows read (\d+) = evaluated (\d+) \+ rejected (\d+)"#, options: .regularExpression) else { return nil }
    let numbers = text[range].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    guard numbers.count == 3 else { return nil }
    return (numbers[0], numbers[1], numbers[2])
  }

  /// (committed, already paid) from the summary's `ledger:` line; (0, 0) when it has none.
  var ledgerCounts: (committed: Int, alreadyPaid: Int) {
    let text = stdout + stderr
    guard let range = text.range(of: #"ledger: (\d+) payments committed, (\d+) already paid"#, options: .regularExpression) else { return (0, 0) }
    let numbers = text[range].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    return (numbers[0], numbers[1])
  }

  func payouts(rule: String) -> [[String: String]] { payouts.filter { $0["rule"] == rule } }
}

/// Runs `subsidy batch FILE --as-of DATE --out … --rejects …` (plus `extra`) and parses its outputs.
func runBatch(_ file: String, asOf: String, _ extra: [String] = [], in dir: URL, name: String = UUID().uuidString) throws -> BatchRun {
  let out = dir.appendingPathComponent("\(name)-payouts.csv").path
  let rej = dir.appendingPathComponent("\(name)-rejects.csv").path
  // An explicit ledger in the test's own folder (absent unless the test commits to it).
  let ledger = extra.contains("--ledger") ? [] : ["--ledger", dir.appendingPathComponent("\(name)-ledger.sqlite").path]
  let r = try runCLI(["batch", file, "--as-of", asOf, "--out", out, "--rejects", rej, "--lang", "en"] + ledger + extra)  // the summary in English, which these tests read
  let payoutsText = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
  let rejectsText = (try? String(contentsOfFile: rej, encoding: .utf8)) ?? ""
  let payouts = TestCSV.table(payoutsText).rows
  let rejects = TestCSV.table(rejectsText).rows
  var lines = payoutsText.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
  if !lines.isEmpty { lines.removeFirst() }
  return BatchRun(status: r.status, stdout: r.stdout, stderr: r.stderr, payoutsText: payoutsText, rejectsText: rejectsText,
                  payoutLines: lines, payouts: payouts, rejects: rejects)
}

/// Writes `subsidy generate --rows N --seed S` to `dir` and returns its header and data records.
func generateBatch(rows: Int, seed: Int, in dir: URL, badRate: String? = nil) throws -> (path: String, header: [String], records: [[String]]) {
  let path = dir.appendingPathComponent("generated-\(rows)-\(seed).csv").path
  var args = ["generate", "--rows", String(rows), "--seed", String(seed), "--out", path]
  if let badRate { args += ["--bad-rate", badRate] }
  let r = try runCLI(args)
  #expect(r.status == 0, "generate failed: \(r.stderr)")
  let text = try String(contentsOfFile: path, encoding: .utf8)
  // The generator quotes nothing; splitting is much faster than the scalar-by-scalar reader in a debug build.
  let records = text.contains("\"")
    ? TestCSV.parse(text).map(\.fields)
    : text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  return (path, records.first ?? [], Array(records.dropFirst()))
}

/// A fresh temporary directory, removed by the caller's `defer`.
func batchTemporaryDirectory() -> URL { Paths.temporaryDirectory() }

func write(_ text: String, to dir: URL, _ name: String) throws -> String {
  let url = dir.appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}
