import RelayLedger
import ServiceLifecycle

/// The loop of relay-dr's background checks (continuous verification, the restart guard): once
/// the schema is ready (`gate`), `round` runs, then again `interval` after it ends, until graceful
/// shutdown or cancellation.
func runRounds(after gate: ReadyGate, every interval: Duration, _ round: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        await gate.wait()
        while !Task.isCancelled {
            await round()
            try? await Task.sleep(for: interval)
        }
    }
}
