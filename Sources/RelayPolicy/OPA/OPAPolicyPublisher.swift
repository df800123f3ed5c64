import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Uploads Rego modules to an OPA server: `PUT {url}/v1/policies/{id}` with the module text
/// (`Content-Type: text/plain`), as `relay-gateway policy push` and `relay-local` do.
public struct OPAPolicyPublisher: Sendable {
    /// The OPA server's base URL, without a trailing `/`.
    public let url: String
    /// Time allowed for each upload (OPA compiles the module before answering).
    public let timeout: Duration

    /// Creates a publisher for the OPA server at `url` (validated like `RELAY_OPA_URL`).
    public init(url: String, timeout: Duration = .seconds(30)) throws(OPAConfigurationError) {
        self.url = try OPAConfiguration.normalise(url: url)
        self.timeout = timeout
    }

    /// Uploads `modules` in order; stops at the first refusal and throws it with OPA's answer.
    public func push(_ modules: [RegoModule]) async throws(OPAError) {
        for module in modules { try await push(module) }
    }

    /// Uploads one module.
    public func push(_ module: RegoModule) async throws(OPAError) {
        let target = url + "/v1/policies/" + module.id
        var request = HTTPClientRequest(url: target)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: module.text))
        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(timeout))
            status = response.status
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw OPAError.unreachable(url: target, reason: OPAPolicyEngine.describe(error))
        }
        guard status == .ok else {
            throw OPAError.pushRejected(url: target, status: Int(status.code), body: String(buffer: body))
        }
    }
}
