import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// A misbehaving OPA over real HTTP: answers the decision and version paths with whatever the
/// test sets (status, body, delay), to drive the gateway's fail-closed paths.
final class FakeOPA: Sendable {
    /// One canned answer.
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var body: String
        var delay: Duration = .zero
    }

    private let decision = Mutex(Answer(body: #"{"result": {"allow": true, "reason": null}}"#))
    private let version = Mutex(Answer(body: #"{"result": "fake-1"}"#))

    /// Sets the answer to `POST /v1/data/relay/policies/main`.
    func answerDecisions(_ answer: Answer) { decision.withLock { $0 = answer } }
    /// Sets the answer to `GET /v1/data/relay/metadata/version`.
    func answerVersion(_ answer: Answer) { version.withLock { $0 = answer } }

    /// Serves the fake on a loopback port and runs `body` with that port.
    func run<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/data/relay/policies/main") { _, _ in try await self.respond(self.decision.withLock { $0 }) }
        router.get("/v1/data/relay/metadata/version") { _, _ in try await self.respond(self.version.withLock { $0 }) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    private func respond(_ answer: Answer) async throws -> Response {
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(
            status: answer.status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
