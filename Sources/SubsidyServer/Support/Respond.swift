import Hummingbird
import PolicyValues
import SubsidyKit

/// Every body the server writes goes through here: JSON serialised once, and every ID-number-looking
/// run in it masked by the product's one masker (`PIIMask`), whatever route produced it.
enum Respond {
  /// JSON written as UTF-8 bytes and masked in place: no String is built for the body.
  static func json(_ value: JSON, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
    var bytes = value.utf8(pretty: false, capacity: 96 * 1024)
    bytes.append(UInt8(ascii: "\n"))
    PIIMask.mask(&bytes)
    return response(ByteBuffer(bytes: bytes), status: status, contentType: contentType + "; charset=utf-8")
  }

  /// A body written by `write` straight into one buffer (a served answer, no `JSON` tree built),
  /// masked in place and copied once into the response's buffer.
  static func json(capacity: Int = 96 * 1024, writing write: (inout JSONWriter) -> Void) -> Response {
    var out = JSONWriter(pretty: false, capacity: capacity)
    write(&out)
    out.append(raw: UInt8(ascii: "\n"))
    let body = out.withBytes { bytes in
      PIIMask.mask(bytes)
      return ByteBuffer(bytes: UnsafeBufferPointer(bytes))
    }
    return response(body, status: .ok, contentType: "application/json; charset=utf-8")
  }

  static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String) -> Response {
    response(ByteBuffer(string: PIIMask.mask(body)), status: status, contentType: contentType)
  }

  private static func response(_ body: ByteBuffer, status: HTTPResponse.Status, contentType: String) -> Response {
    var headers: HTTPFields = [.contentType: contentType]
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: body))
  }
}
