import Hummingbird
import HummingbirdTesting
import NIOCore
import RelayCore

extension HTTPTestClient {
    /// A reply with its headers, for tests of the edge (request ids, rate limits, CORS).
    struct Exchange: Sendable {
        let status: Int
        let headers: HTTPFields
        let raw: String
        let json: JSONValue
    }

    /// Sends a request with `headers` and returns status, headers and body.
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: JSONValue? = nil) async throws -> Exchange {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: CanonicalJSON.bytes($0)) })
        let raw = String(buffer: response.body)
        return Exchange(
            status: response.status, headers: response.headers, raw: raw,
            json: (try? JSONParser.parse(Array(raw.utf8))) ?? .null)
    }
}
