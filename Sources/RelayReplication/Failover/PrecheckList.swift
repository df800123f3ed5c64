import RelayCore

/// The pre-checks a coordinator collects, with the ones every move of region A to region B
/// shares (switchover and forced failover): B healthy, B active, A not paused, B's copy of A
/// consistent.
struct PrecheckList {
    private(set) var checks: [FailoverReport.Check] = []

    /// Records one check and what it found.
    mutating func check(_ name: String, _ ok: Bool, _ detail: String) {
        checks.append(.init(name: name, ok: ok, detail: detail))
    }

    /// B's relay-dr and gateway answer healthy.
    mutating func targetHealthy(_ b: String, relayDR health: RegionClient.Answer?, gateway: RegionClient.Answer?) {
        check("\(b) healthy", health?.ok == true, "relay-dr is \(health?.body["status"]?.stringValue ?? "not answering")")
        check("\(b) gateway healthy", gateway?.ok == true, gateway.map { $0.ok ? "answers 200" : "answers \($0.status)" } ?? "does not answer")
    }

    /// B serves itself, and A is not in maintenance (unless the operator forces it).
    mutating func targetActiveAndNotPaused(_ stateA: RegionState, _ stateB: RegionState, force: Bool) {
        check("\(stateB.region) active", stateB.role == .active, "\(stateB.region) is \(stateB.role.name)")
        check("not paused", !stateA.paused || force,
              stateA.paused ? "\(stateA.region) is paused (maintenance); --force overrides" : "\(stateA.region) is not paused")
    }

    /// B's copy of A is not quarantined (B's status answers); returns that copy's status entry.
    @discardableResult
    mutating func copyConsistent(of a: String, at statusB: RegionProbe) -> JSONValue? {
        let replica = statusB.replica(of: a)
        let quarantined = replica?["quarantined"]?.boolValue ?? false
        check("\(statusB.region)'s copy of \(a) consistent", statusB.reachable && !quarantined,
              quarantined ? "quarantined: \(replica?["quarantine_reason"]?.stringValue ?? "")"
                : statusB.reachable ? "not quarantined" : "\(statusB.region)'s status unavailable")
        return replica
    }
}
