import ArgumentParser
import Foundation
import Ledger
import PolicySupport
import SubsidyKit
import SubsidyServer

/// `subsidy serve`: the JSON API (and later the page) over HTTP; only argument parsing here.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the policies over HTTP: eval, check, compare, batch, the ledger, policies, /healthz, /metrics and the page at /.")

  @Option(help: "A policy directory or file; repeat to add overlays (default: policies).")
  var policies: [String] = []

  @Option(help: "The payout ledger of POST /v1/batch?commit=true and /v1/ledger/…: a file (SQLite, created if missing) or postgres://user@host:port/database.")
  var ledger: String?

  @Option(help: "The address to bind: loopback unless told otherwise.")
  var host = "127.0.0.1"

  @Option(help: "The port to listen on (0 picks a free one).")
  var port = 8080

  @Option(help: "A file holding the bearer token that authorises writes (reload, batch commit, void) and ledger reads; without it they are refused.")
  var tokenFile: String?

  @Option(help: "The largest request body accepted, in bytes.")
  var maxBody = ServerOptions.defaultMaxBody

  @Option(help: "Seconds a request body may take to arrive (for a batch upload: the longest pause in it).")
  var requestSeconds = 10.0

  @Option(help: "The most rows one POST /v1/batch upload may have.")
  var maxBatchRows = ServerOptions.defaultMaxBatchRows

  @Option(help: "The memory budget of one POST /v1/batch run in megabytes (as `subsidy batch --memory`): what spans rows past it spills to a temporary database.")
  var batchMemory = ServerOptions.defaultBatchMemory

  @Option(help: "The language of this command's own messages at start (errors, warnings): zh (default) or en. Each request chooses its own.")
  var lang: TextReport.Language = .zh

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    guard maxBody >= 1024, maxBody <= 256 * 1024 * 1024 else { throw ValidationError("--max-body must be between 1024 and 268435456 bytes") }
    guard requestSeconds > 0, requestSeconds <= 600 else { throw ValidationError("--request-seconds must be more than 0 and at most 600") }
    guard maxBatchRows >= 1 else { throw ValidationError("--max-batch-rows must be at least 1") }
    guard batchMemory >= 0 else { throw ValidationError("--batch-memory must not be negative") }
  }

  func run() async throws {
    var token: String?
    if let tokenFile {
      guard let data = FileManager.default.contents(atPath: tokenFile), let text = String(data: data, encoding: .utf8) else {
        Terminal.error("cannot read the token file `\(tokenFile)`", zh: "无法读取令牌文件 `\(tokenFile)`", language: lang.diagnostics)
        throw ExitCode.inputError
      }
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard trimmed.count >= 16 else {
        Terminal.error("the token in `\(tokenFile)` is shorter than 16 characters", zh: "`\(tokenFile)` 中的令牌短于 16 个字符", language: lang.diagnostics)
        throw ExitCode.inputError
      }
      token = trimmed
    }
    if !["127.0.0.1", "::1", "localhost"].contains(host) {
      Terminal.line(.warning, LocalizedText("--host \(host) makes the API reachable from other machines; it serves personal data without TLS",
                                            zh: "`--host \(host)` 使其他机器也能访问接口；它在没有 TLS 加密的情况下提供个人数据"),
                    language: lang.diagnostics)
    }
    let paths = policies.isEmpty ? ["policies"] : policies
    let options = ServerOptions(policies: paths, ledger: ledger, host: host, port: port, token: token, maxBody: maxBody,
                                requestSeconds: requestSeconds, maxBatchRows: maxBatchRows, batchMemory: batchMemory)
    do {
      try await SubsidyServer.run(options)
    } catch let error as LedgerError {
      Terminal.error(error, language: lang.diagnostics)
      throw ExitCode.inputError
    } catch let rejected as PolicySetRejected {
      let outcome = PolicySetLoader.check(paths)
      Terminal.report(rejected.diagnostics, sources: outcome.sources, language: lang.diagnostics)
      let check = "subsidy check \(paths.joined(separator: " "))"
      Terminal.error("the policies have errors; run `\(check)`", zh: "政策有错误；请运行 `\(check)`", language: lang.diagnostics)
      throw ExitCode.checkErrors
    }
  }
}
