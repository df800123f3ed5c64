import Dispatch
import Logging
import RelayStore
import Synchronization
import Testing

struct DatabaseTimeoutTests {
    let database = Database(
        configuration: DatabaseConfiguration(host: "127.0.0.1", port: 1, database: "none", username: "none"),
        logger: Logger(label: "timeout-test"))

    /// Work that ignores cancellation (as a connection lease can) must not hold the caller: a
    /// task group would wait for it, and /health would hang with it.
    @Test func givesUpOnWorkThatIgnoresCancellation() async throws {
        let finished = Atomic<Bool>(false)
        await #expect(throws: Database.TimedOut.self) {
            try await database.bounded(.milliseconds(100)) {
                await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
                        finished.store(true, ordering: .relaxed)
                        c.resume()
                    }
                }
            }
        }
        let ended = finished.load(ordering: .relaxed)
        #expect(!ended, "returned before the stuck work ended")
    }

    @Test func returnsTheResultOrTheErrorOfWorkThatFinishesInTime() async throws {
        #expect(try await database.bounded(.seconds(5)) { 42 } == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await database.bounded(.seconds(5)) { () -> Int in throw Boom() } }
    }

    @Test func pingIsFalseWhenNothingListens() async {
        #expect(await database.ping(timeout: .milliseconds(500)) == false)
    }
}
