/// Which received batch is applied when (docs/replication.md, "Receiving"), without I/O: each
/// origin's batches are applied one at a time, in the order their seqs need; an identical batch
/// arriving while one is being applied shares its outcome instead of doing the work again; a
/// batch waits in memory, never holding a database connection, and only for a bounded time.
///
/// Without this, every re-sent batch became one more transaction queued on the origin's replica
/// head lock, each holding a pooled connection: a shipper whose answers came late re-sent its
/// whole window, the queue outgrew the pool, and the receiver stopped answering anything.
public struct ReceiverAdmission: Sendable {
    /// One received batch, from arrival to answer.
    public struct Ticket: Hashable, Sendable {
        public let id: UInt64

        /// A ticket.
        public init(_ id: UInt64) {
            self.id = id
        }
    }

    /// What identifies a batch's content: its range and head (the header is signed).
    public struct Shape: Hashable, Sendable {
        public var firstSeq: Int64
        public var lastSeq: Int64
        public var headHash: [UInt8]

        /// A shape.
        public init(firstSeq: Int64, lastSeq: Int64, headHash: [UInt8]) {
            self.firstSeq = firstSeq
            self.lastSeq = lastSeq
            self.headHash = headHash
        }
    }

    /// How an attempt to apply a batch ended, as far as admission cares.
    public enum Outcome: Sendable, Equatable {
        /// The replica of the origin now ends at `headSeq` (applied, or already held).
        case held(headSeq: Int64)
        /// The batch starts beyond the replica head: `expectedSeq` comes first.
        case gap(expectedSeq: Int64)
        /// Anything else (refused, or the database failed): nothing changed.
        case other
    }

    /// What a batch does on arrival.
    public enum Arrival: Sendable, Equatable {
        /// Apply it now.
        case apply
        /// An identical batch is being applied: wait for its outcome.
        case join
        /// Wait for the origin's turn (`resume` hands it out), until `deadline`.
        case wait(deadline: ContinuousClock.Instant)
    }

    /// What a batch does next (after another batch's outcome, or its own gap).
    public enum Step: Sendable, Equatable {
        /// Its turn: apply it (again, after a gap).
        case apply
        /// The identical batch it joined ended: answer what that one answered.
        case share
        /// Wait (in memory) until `resume` hands out its turn, or `deadline` passes (`expired`).
        case wait(deadline: ContinuousClock.Instant)
        /// Its turn did not come in time: answer 503 busy (the shipper retries).
        case busy
        /// Its predecessor did not arrive in time: answer 409 gap.
        case gap(expectedSeq: Int64)
    }

    private struct Waiter: Sendable {
        var ticket: Ticket
        var shape: Shape
        var arrived: ContinuousClock.Instant
        var deadline: ContinuousClock.Instant
        /// Set after a gap: the seq the origin's replica must reach before it is worth retrying.
        var needs: Int64?
        var expectedSeq: Int64
    }

    private struct Origin: Sendable {
        var running: (ticket: Ticket, shape: Shape, arrived: ContinuousClock.Instant)?
        var joined: [Ticket] = []
        var waiting: [Waiter] = []
        /// The highest head this receiver has seen the origin's replica reach.
        var held: Int64 = 0
    }

    /// How long a batch waits for its turn before it is answered busy.
    public let turnWait: Duration
    /// How long a batch that arrived before its predecessor waits for it before it is a gap.
    public let reorderWait: Duration
    private var origins: [String: Origin] = [:]
    private var homes: [Ticket: String] = [:]

    /// Admission with these bounds.
    public init(turnWait: Duration, reorderWait: Duration) {
        self.turnWait = turnWait
        self.reorderWait = reorderWait
    }

    /// The replica head of `origin` as far as this receiver knows (0 before any outcome).
    public func held(_ origin: String) -> Int64 { origins[origin]?.held ?? 0 }

    /// Batches of `origin` being applied or waiting (for health and tests).
    public func inProgress(_ origin: String) -> Int {
        guard let o = origins[origin] else { return 0 }
        return (o.running == nil ? 0 : 1) + o.joined.count + o.waiting.count
    }

    /// A verified batch of `origin` arrived at `now`.
    public mutating func arrived(_ ticket: Ticket, origin: String, shape: Shape, now: ContinuousClock.Instant) -> Arrival {
        homes[ticket] = origin
        var o = origins[origin] ?? Origin()
        defer { origins[origin] = o }
        guard let running = o.running else {
            o.running = (ticket, shape, now)
            return .apply
        }
        if running.shape == shape {
            o.joined.append(ticket)
            return .join
        }
        let deadline = now + turnWait
        o.waiting.append(Waiter(ticket: ticket, shape: shape, arrived: now, deadline: deadline, needs: nil, expectedSeq: 0))
        return .wait(deadline: deadline)
    }

    /// The batch being applied for `ticket` ended with `outcome` at `now`. Returns what every
    /// affected ticket does next: the twins that joined it, itself when it must wait for its
    /// predecessor, and the batch whose turn comes next.
    public mutating func finished(_ ticket: Ticket, outcome: Outcome, now: ContinuousClock.Instant) -> [(Ticket, Step)] {
        // A batch's reorder deadline counts from its arrival, however often it is retried.
        guard let origin = homes[ticket], var o = origins[origin], let running = o.running, running.ticket == ticket else { return [] }
        var steps: [(Ticket, Step)] = []
        let twins = o.joined
        o.running = nil
        o.joined = []
        for t in [ticket] + twins { homes[t] = nil }
        switch outcome {
        case .held(let seq):
            o.held = max(o.held, seq)
            steps += twins.map { ($0, .share) }
        case .other:
            steps += twins.map { ($0, .share) }
        case .gap(let expected):
            // It (and its twins) came before its predecessor: they wait for it, counted from arrival.
            // The database's head is the truth, even below what this receiver saw (a restore).
            o.held = expected - 1
            let deadline = running.arrived + reorderWait
            for t in [ticket] + twins {
                guard deadline > now else {
                    steps.append((t, .gap(expectedSeq: expected)))
                    continue
                }
                homes[t] = origin
                o.waiting.append(
                    Waiter(
                        ticket: t, shape: running.shape, arrived: running.arrived, deadline: deadline,
                        needs: running.shape.firstSeq - 1, expectedSeq: expected))
                steps.append((t, .wait(deadline: deadline)))
            }
        }
        // The next batch whose turn it is: the first waiting one that can go (in arrival order;
        // one waiting for its predecessor goes once the replica reached it). Its twins join it.
        let held = o.held
        if let i = o.waiting.firstIndex(where: { $0.needs.map { held >= $0 } ?? true }) {
            let next = o.waiting.remove(at: i)
            o.running = (next.ticket, next.shape, next.arrived)
            o.joined = o.waiting.filter { $0.shape == next.shape }.map(\.ticket)
            o.waiting.removeAll { $0.shape == next.shape }
            steps = steps.filter { $0.0 != next.ticket } + [(next.ticket, .apply)]
        }
        origins[origin] = o
        return steps
    }

    /// `ticket`'s deadline passed. Returns its step (busy, or gap), or nil when it is no longer waiting.
    public mutating func expired(_ ticket: Ticket) -> Step? {
        guard let origin = homes[ticket], var o = origins[origin], let i = o.waiting.firstIndex(where: { $0.ticket == ticket }) else {
            return nil
        }
        let waiter = o.waiting.remove(at: i)
        origins[origin] = o
        homes[ticket] = nil
        return waiter.needs == nil ? .busy : .gap(expectedSeq: max(waiter.expectedSeq, o.held + 1))
    }
}
