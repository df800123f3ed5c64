import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP server on 127.0.0.1 answering the two routes the traffic generator calls, the
/// way a gateway answers them (approved up to 5000 cents, as gateway/policies/finance.yaml
/// decides, with a seal id), except for the statuses and delays a test chooses; it counts what
/// arrives and the most requests it had open at once.
final class ScriptedGateway: Sendable {
    /// What the server answers.
    struct Script: Sendable {
        /// Status of every `POST /v1/manifest/validate`.
        var validateStatus = 200
        /// Status of every `POST /v1/seal/mark-executed`.
        var executeStatus = 200
        /// How long each answer takes.
        var delay: Duration = .zero
    }

    /// What arrived.
    struct Counts: Sendable {
        var validations = 0
        var executions = 0
        var open = 0
        var mostOpen = 0
    }

    /// Base URL, `http://127.0.0.1:<port>`.
    let url: String
    private let state: Box
    private let group: ServiceGroup
    private let server: Task<Void, any Error>

    private init(url: String, state: Box, group: ServiceGroup, server: Task<Void, any Error>) {
        self.url = url
        self.state = state
        self.group = group
        self.server = server
    }

    /// What arrived so far.
    var current: Counts { state.counts.withLock { $0 } }

    /// Runs `body` with a server following `script`, and stops the server whatever happens.
    static func with<T: Sendable>(_ script: Script = Script(), _ body: (ScriptedGateway) async throws -> T) async throws -> T {
        let gateway = try await start(script)
        do {
            let result = try await body(gateway)
            await gateway.stop()
            return result
        } catch {
            await gateway.stop()
            throw error
        }
    }

    private static func start(_ script: Script) async throws -> ScriptedGateway {
        let state = Box()
        let router = Router()
        router.post("/v1/manifest/validate") { request, _ -> Response in
            state.counts.withLock { $0.validations += 1 }
            return try await state.answer(script.validateStatus, delay: script.delay) {
                let body = try await request.body.collect(upTo: 1 << 20)
                let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                let manifest = json?["manifest"] as? [String: Any]
                let parameters = (manifest?["action"] as? [String: Any])?["parameters"] as? [String: Any]
                let amount = parameters?["amount"] as? Int ?? 0
                let approved = amount <= 5000
                return approved ? #"{"approved":true,"seal":{"seal_id":"seal_scripted_\#(UUID().uuidString)"}}"# : #"{"approved":false}"#
            }
        }
        router.post("/v1/seal/mark-executed") { request, _ -> Response in
            state.counts.withLock { $0.executions += 1 }
            return try await state.answer(script.executeStatus, delay: script.delay) {
                request.uri.queryParameters.get("seal_id").map { #"{"seal_id":"\#($0)","executed":true}"# } ?? "{}"
            }
        }
        let (portStream, ports) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "scripted-gateway")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                ports.yield(channel.localAddress?.port ?? 0)
                ports.finish()
            }, logger: logger)
        // No shutdown signals: this is the test process, whose signals are not ours to take.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task { try await group.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            throw CancellationError()
        }
        return ScriptedGateway(url: "http://127.0.0.1:\(port)", state: state, group: group, server: server)
    }

    /// Stops accepting, lets open requests finish, and returns once the server is down.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await server.value
    }

    /// The counters, shared by the route handlers.
    private final class Box: Sendable {
        let counts = Mutex(Counts())

        func answer(_ status: Int, delay: Duration, body: () async throws -> String) async throws -> Response {
            counts.withLock {
                $0.open += 1
                $0.mostOpen = max($0.mostOpen, $0.open)
            }
            defer { counts.withLock { $0.open -= 1 } }
            if delay > .zero { try await Task.sleep(for: delay) }
            let text = status == 200 ? try await body() : #"{"error":"scripted"}"#
            return Response(
                status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
