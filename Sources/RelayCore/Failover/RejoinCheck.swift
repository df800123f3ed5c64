/// What relay-dr decides when its region's database has restarted (a crash, a lost host): the
/// region may have been taken over while it was away, before its successor's takeover entry
/// reached it. Its writes stay refused (migration 0009) until this says `confirm`; when a peer's
/// routing map holds a newer takeover of the region, the region is fenced first.
public enum RejoinCheck {
    /// The decision for one round of asking the peers.
    public enum Decision: Sendable, Equatable {
        /// Writes may resume; `basis` says what that rests on (for the log and `region_rejoin`).
        case confirm(basis: String)
        /// `peer` holds a takeover of the region by `successor` at `epoch`, newer than the
        /// region's own view: record a fence of the region, then confirm.
        case fence(successor: String, epoch: Int64, peer: String)
        /// Some peers have not answered and there is patience left: ask again.
        case wait
    }

    /// Decides from the region's own view of itself (`local`), each answering peer's view of the
    /// region (`views`), the peers that did not answer, and whether waiting for them is still allowed.
    public static func decide(
        local: RegionState, views: [String: RegionState], unanswered: [String], patienceLeft: Bool
    ) -> Decision {
        if local.role != .active {
            return .confirm(basis: "the region is already \(local.role.name) in its own database")
        }
        let newer = views.compactMap { peer, view -> (peer: String, state: RegionState)? in
            guard case .takenOver = view.role, view.isNewer(than: local) else { return nil }
            return (peer, view)
        }
        if let newest = newer.max(by: { ($0.state.epoch, $0.state.version, $1.peer) < ($1.state.epoch, $1.state.version, $0.peer) }),
           case .takenOver(let successor, _) = newest.state.role {
            return .fence(successor: successor, epoch: newest.state.epoch, peer: newest.peer)
        }
        if !unanswered.isEmpty, patienceLeft { return .wait }
        let asked = views.keys.sorted()
        var basis =
            asked.isEmpty ? (unanswered.isEmpty ? "the region has no peers" : "no peer answered")
            : "no newer takeover at \(asked.joined(separator: ", "))"
        if !unanswered.isEmpty { basis += "; no answer from \(unanswered.sorted().joined(separator: ", ")) within the rejoin patience" }
        return .confirm(basis: basis)
    }
}
