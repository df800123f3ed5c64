import AsyncHTTPClient
import Foundation
import NIOCore
import RelayCore
import Synchronization

/// Open-loop demo and benchmark traffic: validates new manifests against the gateways at a fixed
/// total rate (round robin), and marks every `executeEvery`-th approved seal executed.
/// Requests due while `maxInFlight` are already outstanding are skipped and counted, so the rate
/// never exceeds the target and a slow gateway cannot build an unbounded queue.
public final class TrafficGenerator: Sendable {
    /// Gateway base URLs (`http://127.0.0.1:8081`); 127.0.0.1 only.
    public let gateways: [String]
    /// Requests per second, all gateways together.
    public let rate: Double
    /// Mark every n-th approved seal executed (0: never).
    public let executeEvery: Int
    /// Largest number of requests outstanding.
    public let maxInFlight: Int
    /// When set, each gateway's share goes where the regions' routing map sends it (read every second).
    public let routing: TrafficRouting?
    let stats = Mutex(Stats())
    private let inFlight = Atomic<Int>(0)
    /// With routing: when each region's validations succeeded, and which region served them
    /// (the most recent `successLimit` per region) — what a drill measures its RTO from.
    private let successes = Mutex<[String: [(at: ContinuousClock.Instant, servedBy: String)]]>([:])
    static let successLimit = 50_000

    /// Checks the settings: at least one gateway, all on loopback, a rate in (0, 100000].
    public init(
        gateways: [String], rate: Double, executeEvery: Int = 3, maxInFlight: Int = 256, routing: TrafficRouting? = nil
    ) throws(TrafficError) {
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
        self.routing = routing
    }

    /// The counters so far.
    public var current: Stats { stats.withLock { $0 } }

    /// The first validation of `region`'s traffic that succeeded at `server` after `instant`
    /// (needs routing); nil when there is none yet.
    public func firstSuccess(of region: String, at server: String, after instant: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        successes.withLock { $0[region]?.first { $0.at > instant && $0.servedBy == server }?.at }
    }

    /// Sends until `duration` passes, `count` requests were due, or the task is cancelled
    /// (whichever comes first); waits for the requests in flight and returns the counters.
    public func run(for duration: Duration? = nil, count: Int? = nil) async -> Stats {
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .seconds(5), read: .seconds(30))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, maxInFlight / gateways.count))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let refresher = routing.map { routing in Task { await routing.follow(client: client) } }
        let start = ContinuousClock.now
        let run = UInt32.random(in: 0...UInt32.max)
        var issued = 0
        let tick = Duration.milliseconds(10)
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let elapsed = now - start
            if let duration, elapsed >= duration { break }
            let due = min(Int(elapsed.inSeconds * rate) + 1, count ?? .max)
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
            if let count, issued >= count { break }
            try? await Task.sleep(until: now + tick)
        }
        // Let the requests in flight finish (each is bounded by the client's timeouts).
        let drain = ContinuousClock.now + .seconds(35)
        while inFlight.load(ordering: .relaxed) > 0, ContinuousClock.now < drain {
            try? await Task.sleep(for: .milliseconds(20))
        }
        refresher?.cancel()
        _ = await refresher?.value
        try? await client.shutdown()
        return stats.withLock { $0 }
    }

    private func one(_ n: Int, run: UInt32, client: HTTPClient) async {
        let route = routing?.route(for: n % gateways.count)
        let base = route?.gateway ?? gateways[n % gateways.count]
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
            if let route {
                let at = ContinuousClock.now
                successes.withLock {
                    $0[route.region, default: []].append((at, route.servedBy))
                    if $0[route.region]!.count > Self.successLimit { $0[route.region]!.removeFirst(Self.successLimit / 10) }
                }
            }
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
