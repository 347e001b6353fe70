import Foundation
import FuzzSupport
import PolicyEval
import PolicySupport
import PolicyValues
import SubsidyKit

/// The shipped policies, checked and compiled once.
let program: Program = {
  let (program, outcome) = Subsidy.compile(Repository.policies)
  guard let program else { Repository.setupFailed("the shipped policies do not check: \(outcome.diagnostics.diagnostics.map(\.message))") }
  return program
}()

/// Payouts and rejects are written (and discarded) here, as `batch --out --rejects` writes them.
let scratch = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/subsidy-fuzz-csv-\(getpid())"
try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
atexit { try? FileManager.default.removeItem(atPath: scratch) }

/// A batch CSV's bytes through `subsidy batch` without a ledger: the reader cuts records in chunks
/// (small read blocks and chunks here, so records straddle both), the header gives the column plan,
/// rows are decoded by the field decoder (bad rows become rejects), evaluated and merged.
/// An error the command reports (an unclosed quote, CR-only lines, a GBK file) is a thrown
/// `CSVReader.Failure`; anything else must not happen.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Repository.bytes(data, size)
  var options = BatchOptions(input: "fuzz.csv", asOf: CivilDate.parse("2025-06-30")!)
  options.outPath = scratch + "/payouts.csv"
  options.rejectsPath = scratch + "/rejects.csv"
  options.threads = 1
  options.chunkRows = 3
  let reader = CSVReader(bytes: bytes, blockSize: 16 + size % 97)
  var d = DiagnosticBag()
  do {
    let outputs = try BatchOutputs.open(options)
    _ = try BatchRunner(program: program, options: options).run(reading: reader, ledger: nil, outputs: outputs, into: &d)
  } catch is CSVReader.Failure {
    return 0
  } catch {
    fatalError("batch threw something other than a reader failure: \(error)")
  }
  return 0
}

Repository.fuzz(fuzzCSV)
