import Synchronization

/// A pause that an event can end early. The chainer raises one after linking entries ("the chain
/// grew"), so a shipper lingering on an idle pipe ships at once; a peer's relay-dr that starts
/// again raises another ("I am back"), so a shipper backing off retries at once. A generation
/// counter makes a raise between a waiter's look and its wait count: the waiter waits only while
/// the generation is still the one it read before looking.
public final class WakeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waiters cancelled before they registered (their registration must not wait).
        var cancelled: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// A signal nobody has raised yet.
    public init() {}

    /// The number of times it was raised; read it before looking (for new entries, at the peer).
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func raise() {
        let woken = state.withLock { s in
            s.generation &+= 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once the generation differs from `seen`, after `timeout`, or when cancelled.
    public func wait(after seen: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.raised(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func raised(after seen: UInt64) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter &+= 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.generation != seen || s.cancelled.remove(id) != nil { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if let waiter = s.waiters.removeValue(forKey: id) { return waiter }
                s.cancelled.insert(id)
                return nil
            }
            waiter?.resume()
        }
        // A cancellation that came after a raise had already woken it leaves its mark: drop it.
        _ = state.withLock { $0.cancelled.remove(id) }
    }
}
