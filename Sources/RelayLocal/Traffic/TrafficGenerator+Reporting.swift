import Foundation

extension TrafficGenerator {
    /// Runs until cancelled, appending a counters line to `log` every 10 s; returns the totals.
    public func reporting(to log: URL) async -> Stats {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                let line = current.logLine(at: "\(Date())")
                if let h = try? FileHandle(forWritingTo: log) {
                    _ = try? h.seekToEnd()
                    h.write(Data(line.utf8))
                    try? h.close()
                }
            }
        }
        let totals = await run()
        reporter.cancel()
        return totals
    }

    /// `relay-local traffic`: runs for `duration` (nil: until `stop`), stopping early when
    /// `stop` is raised; returns the totals and the time it took.
    public func run(for duration: Duration?, until stop: StopSignal) async -> (stats: Stats, elapsed: Duration) {
        let began = ContinuousClock.now
        let work = Task { await run(for: duration) }
        let stopper = Task {
            await stop.wait()
            work.cancel()
        }
        let stats = await work.value
        stopper.cancel()
        return (stats, ContinuousClock.now - began)
    }
}
