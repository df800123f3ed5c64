import AsyncHTTPClient
import Foundation
import NIOCore
import RelayCore
import Synchronization

/// Open-loop demo and benchmark traffic: validates new manifests against the gateways at a fixed
/// total rate (round robin), and marks every `executeEvery`-th approved seal executed.
/// Requests due while `maxInFlight` are already outstanding are skipped and counted, so the rate
/// never exceeds the target and a slow gateway cannot build an unbounded queue.
final class TrafficGenerator: Sendable {
    /// Counters, read while running and at the end.
    struct Stats: Sendable {
        var sent = 0
        var approved = 0
        var denied = 0
        var errors = 0
        var executed = 0
        var skipped = 0
        var lastError: String?
    }

    /// Gateway base URLs (`http://127.0.0.1:8081`); 127.0.0.1 only.
    let gateways: [String]
    /// Requests per second, all gateways together.
    let rate: Double
    /// Mark every n-th approved seal executed (0: never).
    let executeEvery: Int
    /// Largest number of requests outstanding.
    let maxInFlight: Int
    let stats = Mutex(Stats())
    private let inFlight = Atomic<Int>(0)

    init(gateways: [String], rate: Double, executeEvery: Int = 3, maxInFlight: Int = 256) throws {
        for url in gateways {
            guard let host = URL(string: url)?.host, ["127.0.0.1", "localhost", "::1"].contains(host) else {
                throw TrafficError("traffic goes to 127.0.0.1 only (got \(url))")
            }
        }
        guard !gateways.isEmpty, rate > 0, rate <= 100_000 else { throw TrafficError("need gateways and a rate in (0, 100000]") }
        self.gateways = gateways
        self.rate = rate
        self.executeEvery = executeEvery
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Sends until `duration` passes (or the task is cancelled when nil); returns the counters.
    func run(for duration: Duration? = nil) async -> Stats {
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .seconds(5), read: .seconds(30))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, maxInFlight / gateways.count))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let start = ContinuousClock.now
        let run = UInt32.random(in: 0...UInt32.max)
        var issued = 0
        let tick = Duration.milliseconds(10)
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let elapsed = now - start
            if let duration, elapsed >= duration { break }
            let due = Int(elapsed.inSeconds * rate) + 1
            while issued < due {
                issued += 1
                if inFlight.load(ordering: .relaxed) >= maxInFlight {
                    stats.withLock { $0.skipped += 1 }
                    continue
                }
                inFlight.add(1, ordering: .relaxed)
                let n = issued
                // Unstructured, so the ticker never waits for a reply (open loop).
                Task {
                    await self.one(n, run: run, client: client)
                    self.inFlight.subtract(1, ordering: .relaxed)
                }
            }
            try? await Task.sleep(until: now + tick)
        }
        // Let the requests in flight finish (each is bounded by the client's timeouts).
        let drain = ContinuousClock.now + .seconds(35)
        while inFlight.load(ordering: .relaxed) > 0, ContinuousClock.now < drain {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? await client.shutdown()
        return stats.withLock { $0 }
    }

    private func one(_ n: Int, run: UInt32, client: HTTPClient) async {
        let base = gateways[n % gateways.count]
        let id = String(format: "%08x-%04x-4000-8000-%012x", run, (n >> 48) & 0xffff, n & 0xffff_ffff_ffff)
        // Amounts cycle so about one decision in six is a denial (over the 5000-cent limit).
        let amount = (n * 7919) % 6000
        let body = """
            {"manifest":{"manifest_id":"\(id)","agent":{"agent_id":"agent_traffic","org_id":"org_traffic"},\
            "action":{"provider":"stripe","method":"create_payment","parameters":{"amount":\(amount),"currency":"usd"}},\
            "justification":{"reasoning":"local traffic","confidence_score":0.9}}}
            """
        do {
            let reply = try await post(client, base + "/v1/manifest/validate", body: body)
            guard reply.status == 200 else { return fail("validate: HTTP \(reply.status)") }
            let approved = reply.json["approved"]?.boolValue ?? false
            stats.withLock {
                $0.sent += 1
                if approved { $0.approved += 1 } else { $0.denied += 1 }
            }
            guard approved, executeEvery > 0, (n / gateways.count) % executeEvery == 0, let seal = reply.json["seal"]?["seal_id"]?.stringValue else { return }
            let executed = try await post(client, base + "/v1/seal/mark-executed?seal_id=\(seal)", body: nil)
            guard executed.status == 200 else { return fail("mark-executed: HTTP \(executed.status)") }
            stats.withLock { $0.executed += 1 }
        } catch {
            fail("\(error)")
        }
    }

    private func fail(_ reason: String) {
        stats.withLock {
            $0.errors += 1
            $0.lastError = reason
        }
    }

    private func post(_ client: HTTPClient, _ url: String, body: String?) async throws -> (status: Int, json: JSONValue) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONParser.parse(Array(buffer: bytes))) ?? .null)
    }
}

/// A traffic set-up error.
struct TrafficError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TrafficGenerator {
    /// Runs until cancelled, appending a counters line to `log` every 10 s; returns the totals.
    func reporting(to log: URL) async -> Stats {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                let s = stats.withLock { $0 }
                let line = "\(Date()) validated=\(s.sent) approved=\(s.approved) denied=\(s.denied) executed=\(s.executed) errors=\(s.errors) skipped=\(s.skipped)\(s.lastError.map { " last_error=\($0)" } ?? "")\n"
                if let h = try? FileHandle(forWritingTo: log) {
                    _ = try? h.seekToEnd()
                    h.write(Data(line.utf8))
                    try? h.close()
                }
            }
        }
        let totals = await run()
        reporter.cancel()
        return totals
    }
}
