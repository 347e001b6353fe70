import Foundation
import PolicySupport

/// A reproducible synthetic population of workers, households, organisers and
/// their dispatches across the five regions, written as the batch CSV of
/// shared/contract.md — for load tests of `subsidy batch` and for its tests.
///
/// The same seed, bad-row rate and row count always give the same bytes. The
/// output is streamed in chunks of about a megabyte that end on row boundaries;
/// memory stays flat however many rows are written (10 million included).
///
/// ```swift
/// try SyntheticPopulation(seed: 7).writeCSV(rows: 1_000_000, to: FileHandle.standardOutput)
/// ```
public struct SyntheticPopulation: Sendable {
  public let seed: UInt64
  /// Fraction of rows (0…1) with one defect each; see `SyntheticBadRow`.
  public let badRowRate: Double

  public init(seed: UInt64 = 1, badRowRate: Double = 0.001) {
    self.seed = seed
    self.badRowRate = min(1, max(0, badRowRate.isNaN ? 0 : badRowRate))
  }

  /// The header names, in the order written.
  public static var header: [String] { SyntheticColumn.allCases.map(\.name) }

  /// The CSV as a sequence of UTF-8 chunks (header first). Each chunk ends at a
  /// row boundary, so it can be decoded or written on its own.
  /// `excelBOM` adds the UTF-8 byte-order mark and CRLF line ends, as Excel
  /// saves "CSV UTF-8"; otherwise lines end with LF.
  public func chunks(rows: Int, excelBOM: Bool = false, chunkBytes: Int = 1 << 20) -> SyntheticCSVChunks {
    SyntheticCSVChunks(population: self, rows: max(0, rows), excelBOM: excelBOM, chunkBytes: max(1, chunkBytes))
  }

  /// Writes `rows` data rows (plus the header) to a file handle, chunk by chunk.
  public func writeCSV(rows: Int, to handle: FileHandle, excelBOM: Bool = false) throws {
    for chunk in chunks(rows: rows, excelBOM: excelBOM) {
      try handle.write(contentsOf: chunk)
    }
  }

  /// Writes `rows` data rows (plus the header) to a text stream, chunk by chunk.
  public func writeCSV<Stream: TextOutputStream>(rows: Int, to stream: inout Stream, excelBOM: Bool = false) {
    for chunk in chunks(rows: rows, excelBOM: excelBOM) {
      stream.write(String(decoding: chunk, as: UTF8.self))
    }
  }

  /// The whole CSV as one string: for tests and small samples only.
  public func csv(rows: Int, excelBOM: Bool = false) -> String {
    var text = ""
    writeCSV(rows: rows, to: &text, excelBOM: excelBOM)
    return text
  }
}

/// The chunks of one synthetic CSV; iterating it generates the rows.
public struct SyntheticCSVChunks: Sequence, IteratorProtocol {
  private var maker: SyntheticRowMaker
  private let rows: Int
  private let excelBOM: Bool
  private let chunkBytes: Int
  private var row = -1  // -1: the header is next
  private var cells: [String]
  private var buffer: [UInt8] = []

  init(population: SyntheticPopulation, rows: Int, excelBOM: Bool, chunkBytes: Int) {
    maker = SyntheticRowMaker(seed: population.seed, rows: rows, badRowRate: population.badRowRate)
    self.rows = rows
    self.excelBOM = excelBOM
    self.chunkBytes = chunkBytes
    cells = Array(repeating: "", count: SyntheticColumn.allCases.count)
  }

  public mutating func next() -> Data? {
    guard row < rows else { return nil }
    buffer.removeAll(keepingCapacity: true)
    if row < 0 {
      if excelBOM { buffer += [0xEF, 0xBB, 0xBF] }
      CSVField.appendRecord(SyntheticPopulation.header, crlf: excelBOM, to: &buffer)
      row = 0
    }
    while row < rows, buffer.count < chunkBytes {
      maker.makeRow(row, into: &cells)
      CSVField.appendRecord(cells, crlf: excelBOM, to: &buffer)
      row += 1
    }
    return Data(buffer)
  }
}
