import RelayCore
import Synchronization

/// The I/O side of `ReceiverAdmission`: batches wait on continuations that other batches'
/// outcomes resume, and a timer per waiting batch reports its deadline. Decisions stay in the
/// state machine; this only delivers them.
final class AdmissionDesk: Sendable {
    typealias Ticket = ReceiverAdmission.Ticket

    /// What a batch does now.
    enum Turn: Sendable {
        /// Apply it.
        case apply
        /// Wait to be woken (and, with a deadline, no longer than that).
        case wait(deadline: ContinuousClock.Instant?)
    }

    /// What a waiting batch is woken with.
    enum Wake: Sendable {
        /// Its turn: apply it.
        case apply
        /// Its twin was applied: answer what the twin answered.
        case answer(status: Int, body: JSONValue)
        /// The turn did not come in time.
        case busy
        /// The predecessor did not arrive in time.
        case gap(expectedSeq: Int64)
    }

    private struct State {
        var admission: ReceiverAdmission
        var nextTicket: UInt64 = 0
        var waiting: [Ticket: CheckedContinuation<Wake, Never>] = [:]
        /// Wakes that came before their batch started waiting.
        var early: [Ticket: Wake] = [:]
        var timers: [Ticket: Task<Void, Never>] = [:]
    }

    private let state: Mutex<State>

    /// A desk with admission's bounds.
    init(turnWait: Duration, reorderWait: Duration) {
        state = Mutex(State(admission: ReceiverAdmission(turnWait: turnWait, reorderWait: reorderWait)))
    }

    /// Registers a verified batch of `origin`: its ticket and what it does first.
    func arrive(origin: String, shape: ReceiverAdmission.Shape) -> (Ticket, Turn) {
        state.withLock { s in
            s.nextTicket += 1
            let ticket = Ticket(s.nextTicket)
            switch s.admission.arrived(ticket, origin: origin, shape: shape, now: .now) {
            case .apply: return (ticket, .apply)
            case .join: return (ticket, .wait(deadline: nil))
            case .wait(let deadline): return (ticket, .wait(deadline: deadline))
            }
        }
    }

    /// What the batch that just finished does.
    enum Next: Sendable {
        /// Answer what it computed.
        case answer
        /// It came before its predecessor: wait for it (no longer than the deadline).
        case wait(deadline: ContinuousClock.Instant)
        /// It ends as this says (its predecessor's deadline already passed).
        case end(Wake)
    }

    /// The batch of `ticket` was applied (or refused) with `outcome`, answering (`status`, `body`):
    /// wakes its twins and the next batch, and says what it does itself.
    func finish(_ ticket: Ticket, outcome: ReceiverAdmission.Outcome, status: Int, body: JSONValue) -> Next {
        let steps = state.withLock { $0.admission.finished(ticket, outcome: outcome, now: .now) }
        var mine = Next.answer
        for (t, step) in steps {
            let wake: Wake
            switch step {
            case .apply: wake = .apply
            case .share: wake = .answer(status: status, body: body)
            case .busy: wake = .busy
            case .gap(let expected): wake = .gap(expectedSeq: expected)
            case .wait(let deadline):
                if t == ticket { mine = .wait(deadline: deadline) } else { arm(t, deadline) }
                continue
            }
            if t == ticket { mine = .end(wake) } else { self.wake(t, wake) }
        }
        return mine
    }

    /// Suspends `ticket` until it is woken; with a deadline, a timer wakes it then if nothing else did.
    func wait(_ ticket: Ticket, deadline: ContinuousClock.Instant?) async -> Wake {
        if let deadline { arm(ticket, deadline) }
        return await withCheckedContinuation { c in
            let ready = state.withLock { s -> Wake? in
                if let wake = s.early.removeValue(forKey: ticket) { return wake }
                s.waiting[ticket] = c
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    /// Batches of `origin` being applied or waiting here.
    func inProgress(_ origin: String) -> Int {
        state.withLock { $0.admission.inProgress(origin) }
    }

    private func arm(_ ticket: Ticket, _ deadline: ContinuousClock.Instant) {
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled, let self else { return }
            switch self.state.withLock({ $0.admission.expired(ticket) }) {
            case .busy: self.wake(ticket, .busy)
            case .gap(let expected): self.wake(ticket, .gap(expectedSeq: expected))
            default: break
            }
        }
        let previous = state.withLock { s in
            defer { s.timers[ticket] = timer }
            return s.timers[ticket]
        }
        previous?.cancel()
    }

    private func wake(_ ticket: Ticket, _ wake: Wake) {
        let (waiter, timer) = state.withLock { s -> (CheckedContinuation<Wake, Never>?, Task<Void, Never>?) in
            let timer = s.timers.removeValue(forKey: ticket)
            guard let waiter = s.waiting.removeValue(forKey: ticket) else {
                s.early[ticket] = wake
                return (nil, timer)
            }
            return (waiter, timer)
        }
        timer?.cancel()
        waiter?.resume(returning: wake)
    }
}
