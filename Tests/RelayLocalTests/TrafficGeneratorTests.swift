import Foundation
import Testing

@testable import RelayLocal

/// The traffic generator against real HTTP servers on 127.0.0.1 (``ScriptedGateway``); against
/// a real gateway in ``SingleRegionTests``.
@Suite(.timeLimit(.minutes(2)))
struct TrafficGeneratorTests {
    /// What a run of `count` validations should count: request n (from 1) goes to gateway
    /// n % gateways, asks for (n × 7919) mod 6000 cents (approved up to 5000), and marks its
    /// seal executed when approved and (n / gateways) is a multiple of `executeEvery`.
    struct Expected: Equatable {
        var approved = 0
        var denied = 0
        var executed = 0

        init(count: Int, gateways: Int = 1, executeEvery: Int = 3, only gateway: Int? = nil) {
            for n in 1...count where gateway == nil || n % gateways == gateway {
                if (n * 7919) % 6000 <= 5000 {
                    approved += 1
                    if executeEvery > 0, (n / gateways) % executeEvery == 0 { executed += 1 }
                } else {
                    denied += 1
                }
            }
        }
    }

    @Test func aCountedRunSendsExactlyThatManyAndCountsEveryOutcome() async throws {
        try await ScriptedGateway.with { a in
            try await ScriptedGateway.with { b in
                let generator = try TrafficGenerator(gateways: [a.url, b.url], rate: 400, executeEvery: 3)
                let stats = await generator.run(count: 60)
                let expected = Expected(count: 60, gateways: 2)
                #expect(stats.sent == 60 && stats.errors == 0 && stats.skipped == 0, "\(stats)")
                #expect(stats.approved == expected.approved && stats.denied == expected.denied, "\(stats) vs \(expected)")
                #expect(stats.executed == expected.executed, "\(stats) vs \(expected)")
                #expect(expected.denied > 0 && expected.executed > 0)
                // Round robin: each server got its half, and the mark-executed calls of its seals.
                #expect(a.current.validations == 30 && b.current.validations == 30)
                #expect(a.current.executions == Expected(count: 60, gateways: 2, only: 0).executed)
                #expect(b.current.executions == Expected(count: 60, gateways: 2, only: 1).executed)
            }
        }
    }

    @Test func failedRequestsAreErrorsWithTheLastReason() async throws {
        try await ScriptedGateway.with(.init(executeStatus: 404)) { working in
            try await ScriptedGateway.with(.init(validateStatus: 503)) { broken in
                let generator = try TrafficGenerator(gateways: [working.url, broken.url], rate: 400, executeEvery: 1)
                let stats = await generator.run(count: 40)
                let fromWorking = Expected(count: 40, gateways: 2, executeEvery: 1, only: 0)
                // Validations on the broken one fail; the working one's mark-executed calls fail.
                #expect(stats.sent == 20 && stats.approved == fromWorking.approved && stats.executed == 0, "\(stats)")
                #expect(stats.errors == 20 + fromWorking.executed, "\(stats)")
                #expect(stats.lastError == "validate: HTTP 503" || stats.lastError == "mark-executed: HTTP 404", "\(stats)")
                #expect(broken.current.executions == 0)
            }
        }
        // Nothing listening: transport errors, counted too.
        let closed = try LoopbackPort.pickFree()
        let stats = await (try TrafficGenerator(gateways: ["http://127.0.0.1:\(closed)"], rate: 400)).run(count: 5)
        #expect(stats.errors == 5 && stats.sent == 0 && stats.lastError != nil, "\(stats)")
    }

    @Test func theRateIsNeverExceeded() async throws {
        try await ScriptedGateway.with { gateway in
            let generator = try TrafficGenerator(gateways: [gateway.url], rate: 40)
            let stats = await generator.run(for: .seconds(1))
            // Due at 0, 1/40 s, 2/40 s, …: at most 40 in the first second, however late the ticks.
            #expect(stats.due <= 40 && stats.due >= 20, "\(stats)")
            #expect(gateway.current.validations == stats.due)
        }
    }

    @Test func outstandingRequestsAreCappedAndTheRestSkipped() async throws {
        try await ScriptedGateway.with(.init(delay: .milliseconds(400))) { slow in
            let generator = try TrafficGenerator(gateways: [slow.url], rate: 200, executeEvery: 0, maxInFlight: 3)
            let stats = await generator.run(count: 30)
            #expect(stats.due == 30, "\(stats)")
            #expect(stats.skipped > 0 && stats.sent == 30 - stats.skipped, "\(stats)")
            #expect(slow.current.mostOpen <= 3, "\(slow.current)")
            #expect(slow.current.executions == 0)
        }
    }

    @Test func aStopEndsAnOpenEndedRun() async throws {
        try await ScriptedGateway.with { gateway in
            let generator = try TrafficGenerator(gateways: [gateway.url], rate: 50)
            let stop = StopSignal(catching: [])
            Task {
                try await Task.sleep(for: .milliseconds(500))
                stop.raise()
            }
            // Without the stop the run would not end (the suite's time limit would catch that).
            let (stats, elapsed) = await generator.run(for: nil, until: stop)
            #expect(elapsed >= .milliseconds(500), "it ran until the stop")
            #expect(stats.sent > 0 && stats.errors == 0, "\(stats)")
            #expect(stats.resultLine(elapsed: elapsed).hasPrefix("RESULT validated=\(stats.sent) approved=\(stats.approved) "))
        }
    }

    @Test func settingsAreCheckedAndTrafficStaysOnLoopback() {
        #expect(throws: TrafficError.self) { try TrafficGenerator(gateways: ["http://10.0.0.1:8081"], rate: 10) }
        #expect(throws: TrafficError.self) { try TrafficGenerator(gateways: [], rate: 10) }
        #expect(throws: TrafficError.self) { try TrafficGenerator(gateways: ["http://127.0.0.1:8081"], rate: 0) }
        #expect(throws: TrafficError.self) { try TrafficGenerator(gateways: ["http://127.0.0.1:8081"], rate: 100_001) }
        do {
            _ = try TrafficGenerator(gateways: ["http://example.com"], rate: 10)
        } catch {
            #expect(error.description == "traffic goes to 127.0.0.1 only (got http://example.com)")
        }
        #expect((try? TrafficGenerator(gateways: ["http://localhost:1", "http://127.0.0.1:2"], rate: 1, maxInFlight: 0))?.maxInFlight == 1)
    }

    @Test func theReportLinesKeepTheirFormat() {
        var stats = TrafficGenerator.Stats()
        stats.sent = 42
        stats.approved = 35
        stats.denied = 7
        stats.executed = 11
        stats.errors = 1
        stats.skipped = 2
        #expect(
            stats.resultLine(elapsed: .milliseconds(2100))
                == "RESULT validated=42 approved=35 denied=7 executed=11 errors=1 skipped=2 seconds=2.1 rate=20.0")
        #expect(stats.logLine(at: "T") == "T validated=42 approved=35 denied=7 executed=11 errors=1 skipped=2\n")
        stats.lastError = "validate: HTTP 500"
        #expect(stats.logLine(at: "T").hasSuffix(" skipped=2 last_error=validate: HTTP 500\n"))
    }
}
