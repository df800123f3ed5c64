import RelayCore
import RelayReplication

/// `relay-local up --regions … --once`: the traffic went through, and the regions caught up.
struct ConvergenceCheck: Sendable {
    /// The regions whose relay-drs are asked.
    let regions: RegionSet
    /// How long the regions have to catch up.
    var timeout: Duration = .seconds(60)

    /// Checks the traffic counters (none when traffic was off), then waits (bounded) until every
    /// region is reachable, nothing is quarantined and every pair's lag is 0; prints the status
    /// table either way. Gives up (throwing ``StopSignal/Raised``) when `stop` is raised.
    func run(traffic stats: TrafficGenerator.Stats?, stop: StopSignal) async throws {
        if let stats {
            StandardOutput.say(
                "traffic: \(stats.sent) validated (\(stats.approved) approved, \(stats.denied) denied), \(stats.executed) executed, \(stats.errors) errors")
            if stats.errors > 0 || stats.sent == 0 { throw LocalRunError.trafficFailed(stats.lastError ?? "nothing sent") }
        }
        let deadline = ContinuousClock.now + timeout
        var status = await StatusProbe(regions: regions).run()
        while ContinuousClock.now < deadline {
            try stop.check()
            if Self.caughtUp(status, wrote: stats != nil) {
                StandardOutput.say(status.table)
                StandardOutput.say("check passed: every region reachable, every pair caught up")
                return
            }
            try await Task.sleep(for: .milliseconds(250))
            status = await StatusProbe(regions: regions).run()
        }
        StandardOutput.say(status.table)
        throw LocalRunError.notConverged(seconds: Int(timeout.components.seconds))
    }

    /// Every region answers, nothing is quarantined, nothing is left to chain or ship; when
    /// traffic was written, every region has a head and every pair has applied something.
    static func caughtUp(_ status: ClusterStatus, wrote: Bool) -> Bool {
        status.healthy && status.pairs.allSatisfy { $0.lagRecords == 0 && (!wrote || $0.replicaSeq != nil) }
            && status.regions.allSatisfy { ($0.unchained ?? 1) == 0 && (!wrote || ($0.headSeq ?? 0) > 0) }
    }
}
