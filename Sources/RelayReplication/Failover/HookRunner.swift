import Foundation
import RelayCore
import RelaySystem

/// The two hooks of a region file (`hooks:`), by the name they have there.
public enum HookName: String, Sendable {
    /// Before the takeover; may veto it.
    case prePromote = "pre_promote"
    /// After the takeover; reported, never undoes it.
    case onRouteChange = "on_route_change"
}

/// The event a hook runs in, as its environment tells it.
public struct HookEvent: Sendable {
    /// `event_id` of the event's ledger entries.
    public var id: String
    /// `switchover`, `failover`, `failback` or `drill`.
    public var kind: String
    /// The region whose traffic moves.
    public var from: String
    /// The region taking it over (whose hooks run).
    public var to: String
    /// The epoch the successor serves `from` at, once known.
    public var epoch: Int64?

    /// An event `id` of `kind` moving `from`'s traffic to `to`.
    public init(id: String, kind: String, from: String, to: String, epoch: Int64? = nil) {
        self.id = id
        self.kind = kind
        self.from = from
        self.to = to
        self.epoch = epoch
    }

    /// The variables added to the hook's inherited environment.
    func environment(hook: HookName) -> [String: String] {
        var variables = [
            "RELAY_EVENT_ID": id, "RELAY_EVENT_KIND": kind, "RELAY_FROM": from, "RELAY_TO": to, "RELAY_HOOK": hook.rawValue,
        ]
        if let epoch { variables["RELAY_EPOCH"] = String(epoch) }
        return variables
    }
}

/// What one hook did: recorded in ``FailoverReport/hooks`` and its JSON.
public struct HookResult: Sendable, Equatable {
    public let name: HookName
    public let command: String
    public let termination: ShellCommand.Termination
    public let durationMilliseconds: Int64
    /// The last 4 KiB of its stdout and stderr together.
    public let output: String

    /// True when it exited 0 within its time limit.
    public var succeeded: Bool { termination == .exited(0) }

    /// The exit status, nil when it did not exit by itself.
    public var exitStatus: Int32? {
        if case .exited(let status) = termination { status } else { nil }
    }

    /// How it ended, in a few words (`exit 7`, `timed out after 30 s`).
    public var statusText: String {
        switch termination {
        case .exited(let status): "exit \(status)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .timedOut: "timed out after \(durationMilliseconds / 1000) s and was terminated"
        case .failedToStart(let reason): "could not start: \(reason)"
        }
    }

    /// The last non-empty line of its output, at most 200 characters (for one-line summaries).
    public var lastLine: String {
        let line = output.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return String(line.suffix(200))
    }

    /// `exit 7: refusing` (the status, and the last line of output when there is one).
    public var summary: String { lastLine.isEmpty ? statusText : "\(statusText): \(lastLine)" }

    /// The result as JSON (an element of the report's `hooks`).
    public var json: JSONValue {
        [
            "name": .string(name.rawValue), "command": .string(command),
            "exit_status": exitStatus.map { .number(Double($0)) } ?? .null, "timed_out": .bool(termination == .timedOut),
            "status": .string(statusText), "duration_ms": .number(Double(durationMilliseconds)), "output": .string(output),
        ]
    }
}

/// Runs a region's hooks for the coordinators (switchover, failover, failback, drill).
public enum HookRunner {
    /// The most output kept of a hook, in bytes (the end of it).
    public static let outputLimit = 4096

    /// Runs `hook` with `/bin/sh -c` (nil: nothing to run, returns nil). The event goes into its
    /// environment (`RELAY_EVENT_ID`, `RELAY_EVENT_KIND`, `RELAY_FROM`, `RELAY_TO`, `RELAY_EPOCH`
    /// when known, `RELAY_HOOK`); at its time limit its process group gets SIGTERM, then SIGKILL
    /// 2 s later. `say` gets one line when it starts; the command's environment is never shown.
    public static func runHook(
        _ hook: RegionHook?, name: HookName, event: HookEvent, say: (String) -> Void
    ) async -> HookResult? {
        guard let hook else { return nil }
        say("\(name.rawValue) hook: running `\(hook.command)` (timeout \(hook.timeout))")
        var command = ShellCommand(hook.command, environment: event.environment(hook: name), timeout: hook.timeout)
        command.outputLimit = outputLimit
        let result = await command.run()
        return HookResult(
            name: name, command: hook.command, termination: result.termination, durationMilliseconds: result.duration.milliseconds,
            output: result.output)
    }
}

extension FailoverReport {
    /// Runs hook `name` of the region taking the traffic (`to`; its region file says what to
    /// run) for this event and records its result and a step. Returns why it failed; nil when
    /// it passed or none is configured.
    mutating func runHook(_ name: HookName, regions: RegionSet, say: @Sendable (String) -> Void) async -> String? {
        let hooks = regions.region(to)?.hooks
        let hook = name == .prePromote ? hooks?.prePromote : hooks?.onRouteChange
        let event = HookEvent(id: eventID, kind: kind, from: from, to: to, epoch: epoch)
        guard let result = await HookRunner.runHook(hook, name: name, event: event, say: { self.step($0, say) }) else {
            step("\(name.rawValue) hook: none configured" + (name == .onRouteChange ? " (GET /v1/routing on any relay-dr shows the new route)" : ""), say)
            return nil
        }
        self.hooks.append(result)
        let verdict =
            result.succeeded ? "passed" : name == .prePromote ? "FAILED, the change is called off" : "WARNING: failed, the change stands"
        step("\(name.rawValue) hook \(verdict) (\(result.statusText), \(result.durationMilliseconds) ms)" + (result.lastLine.isEmpty ? "" : ": \(result.lastLine)"), say)
        return result.succeeded ? nil : result.summary
    }
}
