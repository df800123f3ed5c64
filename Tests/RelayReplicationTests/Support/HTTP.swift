import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import RelayCore

/// Minimal HTTP for tests (AsyncHTTPClient's shared client).
enum HTTP {
    struct Reply: Sendable {
        let status: Int
        let json: JSONValue
    }

    static func get(_ url: String) async throws -> Reply {
        try await send(url, method: .GET, body: nil)
    }

    static func post(_ url: String, body: [UInt8]) async throws -> Reply {
        try await send(url, method: .POST, body: body)
    }

    static func send(_ url: String, method: HTTPMethod, body: [UInt8]?) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), json: (try? JSONParser.parse(Array(buffer: bytes))) ?? .null)
    }
}
