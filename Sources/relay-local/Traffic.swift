import ArgumentParser
import Foundation
import RelayLocal

/// `relay-local traffic`: fixed-rate validate (+ mark-executed) load on local gateways.
struct Traffic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate new manifests at a fixed total rate against local gateways (127.0.0.1 only).",
        discussion: """
            Open loop: requests are sent on schedule whatever the latency; when --max-in-flight are \
            outstanding, due requests are skipped and counted. Prints one line at the end:
            RESULT validated=… approved=… denied=… executed=… errors=… skipped=… seconds=… rate=…
            """)

    @Option(help: "Gateway base URL (repeatable), e.g. http://127.0.0.1:8081.")
    var gateway: [String]

    @Option(help: "Validations per second, all gateways together.")
    var rate: Double = 20

    @Option(help: "Seconds to run (0: until SIGINT/SIGTERM).")
    var duration: Double = 0

    @Option(help: "Mark every n-th approved seal executed (0: never).")
    var executeEvery = 3

    @Option(help: "Largest number of requests outstanding.")
    var maxInFlight = 256

    func run() async throws {
        let generator: TrafficGenerator
        do {
            generator = try TrafficGenerator(gateways: gateway, rate: rate, executeEvery: executeEvery, maxInFlight: maxInFlight)
        } catch { throw ValidationError("\(error)") }
        let (stats, elapsed) = await generator.run(
            for: duration > 0 ? .milliseconds(Int(duration * 1000)) : nil, until: StopSignal(catching: [SIGINT, SIGTERM]))
        print(stats.resultLine(elapsed: elapsed))
        if let e = stats.lastError { FileHandle.standardError.write(Data("last error: \(e)\n".utf8)) }
    }
}
