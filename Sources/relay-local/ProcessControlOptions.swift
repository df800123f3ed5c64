import ArgumentParser
import Foundation
import RelayLocal

/// The options `kill`, `restart` and `stop` share: which region, which of its processes, and
/// which running `relay-local up --regions` (by its state folder).
struct ProcessControlOptions: ParsableArguments {
    @Option(help: "Region id, as in its region file (e.g. us-east-1).")
    var region: String

    @Option(
        help: ArgumentHelp(
            "Which of the region's processes: postgres, gateway, dr or all (repeatable; default: all).",
            valueName: "component"))
    var component: [String] = []

    @Option(help: "The state folder of the running `relay-local up --regions` (its --state-dir).")
    var stateDir = ".local"

    @Option(help: "Seconds to wait for the running up to carry the request out.")
    var timeout: Double = 300

    func validate() throws {
        do { _ = try RegionComponent.parse(component) } catch { throw ValidationError(error.description) }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Sends the request to the running up and prints its lines; a refusal or failure goes to
    /// standard error with exit status 1.
    func send(_ action: ProcessControlRequest.Action, signal: RegionSignal = .kill) async throws {
        let request = ProcessControlRequest(action: action, region: region, components: try RegionComponent.parse(component), signal: signal)
        do {
            let lines = try await ProcessControlClient(state: LocalStateFolder(stateDir)).send(
                request, timeout: .milliseconds(Int(timeout * 1000)))
            for line in lines { print(line) }
        } catch {
            FileHandle.standardError.write(Data("relay-local \(action.rawValue): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
