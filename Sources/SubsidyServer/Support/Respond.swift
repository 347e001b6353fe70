import Hummingbird
import PolicyValues
import SubsidyKit

/// Every body the server writes goes through here: JSON serialised once, and every ID-number-looking
/// run in it masked by the product's one masker (`PIIMask`), whatever route produced it.
enum Respond {
  static func json(_ value: JSON, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
    text(value.serialized(pretty: false) + "\n", status: status, contentType: contentType + "; charset=utf-8")
  }

  static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String) -> Response {
    let masked = PIIMask.mask(body)
    var headers: HTTPFields = [.contentType: contentType]
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: masked)))
  }
}
