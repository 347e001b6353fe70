import ArgumentParser
import Foundation
import Ledger
import LedgerPostgres
import PolicySupport
import SubsidyKit

/// `subsidy ledger`: read, export and void the payments that `subsidy batch
/// --commit` recorded. Reading never creates a ledger: a missing file is an
/// error (exit 1), so a mistyped `--ledger` is not mistaken for "nothing paid".
/// ID numbers are masked in every output unless `--show-pii`. `--ledger` takes a file (SQLite, the
/// default) or a `postgres://user@host:port/database` URL for a ledger several offices share.
struct LedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ledger",
    abstract: "List, summarise, export and void the payments in the payout ledger.",
    subcommands: [List.self, Summary.self, Export.self, VoidPayment.self, Batches.self, Migrate.self, Stress.self]
  )

  /// Where the ledger is; shared by every subcommand.
  struct Location: ParsableArguments {
    @Option(name: .customLong("ledger"), help: "The ledger: a file (SQLite), or postgres://user@host:port/database (PGHOST, PGUSER, PGPASSWORD… fill in what the URL leaves out).")
    var path: String = "subsidy-ledger.sqlite"

    @Option(help: "Text tables and messages in zh (default) or en; CSV and JSON keep the contract's names.")
    var lang: TextReport.Language = .zh

    var language: DiagnosticLanguage { lang.diagnostics }

    func open() throws -> any LedgerBackend {
      try LedgerCommand.run(language) { try LedgerOpening.open(path, createIfMissing: false) }
    }

    /// For list, summary, export and batches: read-only, so a ledger the user may only read can be read.
    func openForReading() throws -> any LedgerBackend {
      try LedgerCommand.run(language) { try LedgerOpening.openForReading(path) }
    }
  }

  /// Which payments to show; shared by list, summary and export.
  struct Filter: ParsableArguments {
    @Option(help: "Only this policy id.")
    var policy: String?

    @Option(help: "Only this rule id.")
    var rule: String?

    @Option(help: "Only this batch id.")
    var batch: String?

    @Option(help: "Only this beneficiary.")
    var beneficiary: String?

    @Flag(help: "Include voided payments.")
    var includeVoided = false

    var value: PaymentFilter {
      PaymentFilter(policy: policy, rule: rule, batch: batch, beneficiary: beneficiary, includeVoided: includeVoided)
    }
  }

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }

  /// Runs a ledger operation, turning its errors into one `错误：` / `error:` line and
  /// exit 1 (bad input: a missing or unreadable ledger, an unknown id).
  @discardableResult
  static func run<T>(_ language: DiagnosticLanguage, _ operation: () throws -> T) throws -> T {
    do {
      return try operation()
    } catch let error as any LocalizedFailure {
      Terminal.error(error, language: language)
      throw ExitCode.inputError
    } catch {
      let reason = LedgerFailureText.of(error)
      Terminal.error("ledger: \(reason.en)", zh: "台账出错：\(reason.zh)", language: language)
      throw ExitCode.inputError
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List payments, oldest first.")
    @OptionGroup var location: Location
    @OptionGroup var filter: Filter
    @Option(help: "Output: text, csv or json.")
    var format: Format = .text
    @Flag(help: "Show ID numbers unmasked.")
    var showPii = false

    func run() throws {
      let store = try location.openForReading()
      let payments = try LedgerCommand.run(location.language) { try store.payments(filter: filter.value) }
      switch format {
      case .text: Terminal.text(LedgerText.payments(payments, showPII: showPii, chinese: location.lang == .zh))
      case .csv: Terminal.out(PaymentCSV.render(payments, showPII: showPii))
      case .json: Terminal.out(try LedgerCommand.run(location.language) { try PaymentJSON.payments(payments, showPII: showPii) })
      }
    }
  }

  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Count and total by policy, rule and funding.")
    @OptionGroup var location: Location
    @OptionGroup var filter: Filter
    @Option(help: "Output: text, csv or json.")
    var format: Format = .text

    func run() throws {
      let store = try location.openForReading()
      let rows = try LedgerCommand.run(location.language) { try store.summary(filter: filter.value) }
      switch format {
      case .text: Terminal.text(LedgerText.summary(rows, chinese: location.lang == .zh))
      case .json: Terminal.out(try LedgerCommand.run(location.language) { try PaymentJSON.summary(rows) })
      case .csv: Terminal.out(PaymentCSV.summary(rows))
      }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write payments to a CSV file.")
    @OptionGroup var location: Location
    @OptionGroup var filter: Filter
    @Option(help: "The CSV file to write.")
    var out: String
    @Flag(help: "For Excel: a UTF-8 byte-order mark, CRLF, formulas defused.")
    var excel = false
    @Flag(help: "Show ID numbers unmasked.")
    var showPii = false

    func run() throws {
      do {
        var files = FileRoles()
        try files.ledger(location.path)
        try files.output(.option("--out"), out)
      } catch {
        Terminal.error(error, language: location.language)
        throw ExitCode.inputError
      }
      let store = try location.openForReading()
      let payments = try LedgerCommand.run(location.language) { try store.payments(filter: filter.value) }
      let text = PaymentCSV.render(payments, showPII: showPii, excel: excel)
      do {
        try OutputFile.write(text, to: out)
      } catch {
        Terminal.error(error, language: location.language)
        throw ExitCode.inputError
      }
      Terminal.text(location.lang == .zh ? "已把 \(payments.count) 笔款项写入 \(out)\n" : "wrote \(payments.count) payments to \(out)\n", toStderr: true)
    }
  }

  struct VoidPayment: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "void",
      abstract: "Void a payment with a reason. The row stays; its key may be paid again.")
    @OptionGroup var location: Location
    @Argument(help: "The payment id (from `subsidy ledger list`).")
    var id: Int64
    @Option(help: "Why the payment is void (kept with it).")
    var reason: String

    func run() throws {
      let store = try location.open()
      try LedgerCommand.run(location.language) { try store.void(paymentID: id, reason: reason) }
      Terminal.out(location.lang == .zh ? "已作废款项 \(id)\n" : "voided payment \(id)\n")
    }
  }

  struct Batches: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List committed batches with their engine version and policy hash.")
    @OptionGroup var location: Location
    @Option(help: "Output: text or json.")
    var format: Format = .text

    func run() throws {
      let store = try location.openForReading()
      let batches = try LedgerCommand.run(location.language) { try store.batches() }
      switch format {
      case .text, .csv: Terminal.text(LedgerText.batches(batches, chinese: location.lang == .zh))
      case .json: Terminal.out(try LedgerCommand.run(location.language) { try PaymentJSON.batches(batches) })
      }
    }
  }

  /// Hidden: a synthetic load for the crash and concurrency tests, which kill
  /// it mid-commit or run two at once on one ledger. Prints progress lines
  /// (`begin`, `half`, `commit`) on stdout as they happen.
  struct Stress: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Commit synthetic batches (for tests).", shouldDisplay: false)
    @OptionGroup var location: Location
    @Option(help: "How many batches.")
    var batches: Int = 1
    @Option(help: "Payments per batch.")
    var rows: Int = 100
    @Option(help: "The first payment number (keys overlap between runs that share numbers).")
    var keyOffset: Int = 0
    @Option(help: "Batch ids are PREFIX-0, PREFIX-1, …")
    var batchPrefix: String = "stress"
    @Option(help: "Sleep after each row, in microseconds.")
    var delayUs: UInt32 = 0
    @Option(help: "Payments per record call (the batch command records a chunk at a time).")
    var rowsPerCall: Int = 1

    func run() throws {
      let store = try LedgerCommand.run(location.language) { try LedgerOpening.open(location.path, createIfMissing: true) }
      try LedgerCommand.run(location.language) {
        try StressLoad.run(
          store: store, batches: batches, rows: rows, keyOffset: keyOffset, batchPrefix: batchPrefix,
          delayMicroseconds: delayUs, rowsPerCall: rowsPerCall, progress: { Terminal.out($0 + "\n") })
      }
    }
  }
}

extension LedgerCommand {
  /// `subsidy ledger migrate --from FILE --to postgres://…`: moves an office's SQLite ledger to
  /// the shared server, once (a database that already holds a ledger is refused).
  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy an SQLite ledger (ids, batches, voids, identities) into a PostgreSQL database that has no ledger yet.")
    @Option(help: "The SQLite ledger file to copy.")
    var from: String
    @Option(help: "postgres://user@host:port/database (PGHOST, PGUSER, PGPASSWORD… fill in the rest).")
    var to: String
    @Option(help: "Messages in zh (default) or en.")
    var lang: TextReport.Language = .zh

    func run() throws {
      guard LedgerOpening.isServer(to) else {
        Terminal.error("--to must be a postgres:// URL", zh: "`--to` 必须是 `postgres://` 地址", language: lang.diagnostics)
        throw ExitCode.inputError
      }
      let report = try LedgerCommand.run(lang.diagnostics) { try LedgerMigration.run(from: from, to: to) }
      Terminal.out(lang == .zh
        ? "已迁移 \(report.batches) 个批次、\(report.payments) 笔款项（其中 \(report.voids) 笔已作废）和 \(report.identities) 个身份记录\n"
        : "migrated \(report.batches) batches, \(report.payments) payments (\(report.voids) voided) and \(report.identities) identities\n")
    }
  }
}
