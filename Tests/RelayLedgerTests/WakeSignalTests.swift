import RelayLedger
import Testing

/// The signal that ends a shipper's pause early (the chain grew; a peer is back). The waits here are 10 minutes long: only the signal (or a cancellation) can end them
/// within the suite's limit.
@Suite(.timeLimit(.minutes(2)))
struct WakeSignalTests {
    @Test func aRaiseWakesEveryWaiter() async {
        let signal = WakeSignal()
        let seen = signal.generation
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    await signal.wait(after: seen, timeout: .seconds(600))
                    return true
                }
            }
            // Raised until everyone is awake: a waiter that had not registered yet sees the new
            // generation and does not wait at all.
            group.addTask {
                while !Task.isCancelled {
                    signal.raise()
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            var woken = 0
            while woken < 3, let waiter = await group.next() { if waiter { woken += 1 } }
            group.cancelAll()
            #expect(woken == 3)
        }
        #expect(signal.generation > seen)
    }

    @Test func aRaiseBeforeTheWaitIsNotMissed() async {
        let signal = WakeSignal()
        let seen = signal.generation
        signal.raise()  // between the reader's look and its wait
        await signal.wait(after: seen, timeout: .seconds(600))
    }

    @Test func withoutARaiseTheWaitEndsAfterItsTimeout() async {
        let signal = WakeSignal()
        let started = ContinuousClock.now
        await signal.wait(after: signal.generation, timeout: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test func aCancelledWaitEnds() async {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(after: signal.generation, timeout: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
    }
}
