import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import RelayCore

/// Policy engine backed by an OPA server over its REST API (docs/opa.md).
///
/// A decision is `POST {url}/v1/data/{policyPath}` with `{"input": …}`; the answer's
/// `result.allow` must be a boolean and `result.reason` a string or null (absent counts as null).
/// The decision's policy version is `result.policy_version` when the document has it (the
/// compiler emits it, so decision and version come from one module, atomically); otherwise it is
/// read like ``policyVersion()`` from `GET {url}/v1/data/relay/metadata/version`, which must be a
/// string.
///
/// Any failure throws ``OPAError`` — the gateway then fails closed. Nothing is cached, so the
/// engine recovers by itself as soon as OPA answers again.
///
/// The engine owns an `HTTPClient` with the configured connect and read timeouts: call
/// ``shutdown()`` once when done with it.
public final class OPAPolicyEngine: PolicyEngine {
    /// The OPA server and timeouts.
    public let configuration: OPAConfiguration
    private let client: HTTPClient

    /// The largest OPA answer read; decision documents are tiny.
    static let maxResponseBytes = 4 << 20

    /// Creates an engine and its HTTP client.
    public init(configuration: OPAConfiguration) {
        self.configuration = configuration
        let timeout = TimeAmount(configuration.timeout)
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout))
        // Enough keep-alive connections that 64 concurrent validations do not queue for one.
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    }

    /// Engine name for health output: "opa".
    public var name: String { "opa" }

    /// Asks OPA for the decision on one policy input document.
    public func evaluate(_ input: JSONValue) async throws -> PolicyDecision {
        let url = configuration.dataURL(configuration.policyPath)
        let answer = try await send(.POST, url: url, body: CanonicalJSON.bytes(["input": input]))
        guard case .object(let document) = try Self.result(of: answer, url: url) else {
            throw OPAError.invalidDocument(url: url, reason: "result is not an object with 'allow' and 'reason'")
        }
        guard case .bool(let allow)? = document["allow"] else {
            let found = document["allow"].map { "is \($0.typeName)" } ?? "is missing"
            throw OPAError.invalidDocument(url: url, reason: "result.allow \(found), expected a boolean")
        }
        let reason: String?
        switch document["reason"] {
        case nil, .null?: reason = nil
        case .string(let text)?: reason = text
        case let other?: throw OPAError.invalidDocument(url: url, reason: "result.reason is \(other.typeName), expected a string or null")
        }
        let version: String
        switch document["policy_version"] {
        case nil: version = try await policyVersion()
        case .string(let text)?: version = text
        case let other?:
            throw OPAError.invalidDocument(url: url, reason: "result.policy_version is \(other.typeName), expected a string")
        }
        return PolicyDecision(approved: allow, reason: allow ? nil : reason, policyVersion: version)
    }

    /// The version string at `relay/metadata/version`; throws when OPA does not answer with one.
    public func policyVersion() async throws -> String {
        let url = configuration.dataURL(OPAConfiguration.versionPath)
        guard case .string(let version) = try Self.result(of: try await send(.GET, url: url, body: nil), url: url) else {
            throw OPAError.invalidDocument(url: url, reason: "result is not a string")
        }
        return version
    }

    /// Shuts the HTTP client down; the engine must not be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// `result` of an OPA data answer; absent means the document is undefined.
    static func result(of answer: JSONValue, url: String) throws(OPAError) -> JSONValue {
        guard case .object(let top) = answer else {
            throw OPAError.malformedResponse(url: url, reason: "expected a JSON object, got \(answer.typeName)")
        }
        guard let result = top["result"] else { throw OPAError.undefinedDocument(url: url) }
        return result
    }

    private func send(_ method: HTTPMethod, url: String, body: [UInt8]?) async throws(OPAError) -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let bytes: ByteBuffer
        let status: HTTPResponseStatus
        do {
            // Connect and read timeouts are set on the client; the deadline bounds a trickling answer.
            let response = try await client.execute(request, deadline: .now() + TimeAmount(configuration.timeout * 2))
            status = response.status
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            throw OPAError.unreachable(url: url, reason: Self.describe(error))
        }
        guard status == .ok else {
            throw OPAError.httpStatus(url: url, status: Int(status.code), body: Self.snippet(bytes))
        }
        do {
            return try JSONParser.parse(bytes.readableBytesView)
        } catch {
            throw OPAError.malformedResponse(url: url, reason: error.description)
        }
    }

    /// A short, printable rendering of an HTTP client error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "timed out" }
            if error == .connectTimeout { return "connect timed out" }
            if error == .remoteConnectionClosed { return "connection closed by OPA before an answer" }
        }
        let text = "\(error)"
        // NIO's connect error reads "connection reset (error set): Connection refused) (errno: 111)".
        if text.contains("Connection refused") { return "connection refused (is OPA running at that address?)" }
        return text
    }

    /// The first 300 printable characters of an error body.
    static func snippet(_ buffer: ByteBuffer) -> String {
        let text = String(decoding: buffer.readableBytesView.prefix(300), as: UTF8.self)
        return String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
            .trimmingCharacters(in: .whitespaces)
    }
}
