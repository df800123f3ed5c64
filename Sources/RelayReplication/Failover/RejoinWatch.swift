import Foundation
import Logging
import RelayCore
import RelayLedger
import RelayStore
import ServiceLifecycle

/// relay-dr's side of the restart guard (migration 0009). Whenever the region's database has
/// restarted since the last confirmation, it asks every peer's routing map how that peer sees
/// the region (`RejoinCheck`): a newer takeover there makes it fence the region in its own
/// ledger first; then it confirms, and the region's gateways may write again.
final class RejoinWatch: Service, Sendable {
    let region: String
    let peers: [String]
    let guardStore: RejoinStore
    let states: RegionStateStore
    let client: RegionClient
    let patience: Duration
    let gate: ReadyGate
    let clock: RelayClock
    let logger: Logger

    /// How often the guard is read (a restart is noticed within this).
    static let interval: Duration = .seconds(1)

    init(
        region: String, peers: [String], database: Database, client: RegionClient, patience: Duration, gate: ReadyGate, clock: RelayClock,
        logger: Logger
    ) {
        self.region = region
        self.peers = peers
        self.guardStore = RejoinStore(database: database)
        self.states = RegionStateStore(database: database)
        // A peer that is down must not hold the region's writes up for long per round.
        self.client = client.bounded(by: .seconds(2))
        self.patience = patience
        self.gate = gate
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        await runRounds(after: gate, every: Self.interval) {
            do {
                if try await self.guardStore.awaitsConfirmation(region: self.region) {
                    do { try await self.rejoin() } catch where !(error is CancellationError) {
                        self.logger.warning(
                            "restart check failed; retrying (the region's writes stay refused until it succeeds)",
                            metadata: ["error": "\(DatabaseError.logText(error))"])
                    }
                }
            } catch {
                // The database is down or restarting: the next round tries again.
                self.logger.debug("restart guard not read", metadata: ["error": "\(DatabaseError.logText(error))"])
            }
        }
    }

    /// Asks the peers until the check decides, then fences (when it must) and confirms.
    func rejoin() async throws {
        let started = ContinuousClock.now
        logger.notice("database (re)started: asking the peers whether another region took this one over before its writes resume")
        while true {
            try Task.checkCancellation()
            let local = try await states.state(of: region) ?? RegionState(region: region)
            let views = await peerViews()
            let unanswered = peers.filter { views[$0] == nil }
            let decision = RejoinCheck.decide(
                local: local, views: views, unanswered: unanswered, patienceLeft: ContinuousClock.now - started < patience)
            switch decision {
            case .wait:
                try await Task.sleep(for: .milliseconds(500))
            case .fence(let successor, let epoch, let peer):
                let reason = "restarted after \(successor) took \(region) over at epoch \(epoch) (as \(peer) sees it): fenced until the takeover entry arrives"
                logger.warning("fencing this region: it was taken over while it was away", metadata: [
                    "successor": "\(successor)", "epoch": "\(epoch)", "seen_at": "\(peer)",
                ])
                let id = UUID().uuidString.lowercased()
                let control = try local.next(.fence, controlID: id, eventID: id, operatorName: "relay-dr \(region)", reason: reason, at: clock.now())
                try await states.write(control, ledgerRegion: region)
                let basis = "fenced: \(peer) holds a takeover by \(successor) at epoch \(epoch)"
                try await guardStore.confirm(region: region, basis: basis)
                logger.notice("restart confirmed: the region stays fenced", metadata: ["basis": "\(basis)"])
                return
            case .confirm(let basis):
                try await guardStore.confirm(region: region, basis: basis)
                logger.notice("restart confirmed: the region's writes resume", metadata: ["basis": "\(basis)"])
                return
            }
        }
    }

    /// How each peer that answers sees this region.
    private func peerViews() async -> [String: RegionState] {
        await gatherConcurrently(peers) { peer in await self.client.state(of: self.region, asSeenBy: peer) }
    }
}
