import Hummingbird
import NIOCore
import RelayCore

/// A JSON response built from a `JSONValue`. Nulls are written (clients rely on `"seal": null`).
public struct JSONResponse: ResponseGenerator {
    public var status: HTTPResponse.Status
    public var body: JSONValue
    public var headers: HTTPFields

    /// Creates a response.
    public init(_ status: HTTPResponse.Status = .ok, _ body: JSONValue, headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(body))))
    }
}
