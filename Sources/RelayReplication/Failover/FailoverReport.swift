import Foundation
import RelayCore

/// What a switchover (or failover, failback, drill) did: its pre-checks, each step with its time
/// since the start, the outcome and the exit code; printed as text or JSON.
public struct FailoverReport: Sendable {
    /// One pre-check and what it found.
    public struct Check: Sendable, Equatable {
        public let name: String
        public let ok: Bool
        public let detail: String
    }

    /// One step, `ms` after the command started.
    public struct Step: Sendable {
        public let ms: Int64
        public let text: String
    }

    public let kind: String
    public let from: String
    public let to: String
    public var eventID: String
    public let dryRun: Bool
    public var prechecks: [Check] = []
    public var steps: [Step] = []
    public var outcome: CoordinatorOutcome?
    /// The epoch the successor serves the region at, once taken over.
    public var epoch: Int64?
    /// The source's seq the target had applied when the drain ended.
    public var drainedSeq: Int64?
    /// Command start → the post-check saw the successor serving (completed events only).
    public var rtoMilliseconds: Int64?
    /// Takeovers: the seq of the source's ledger the successor held.
    public var takeoverSeq: Int64?
    /// Forced failovers: the loss the operator accepted (estimated before the takeover).
    public var acceptedLoss: RegionControl.AcceptedLoss?
    /// Failbacks: the region's stranded records (seq, kind, subject, committed_at each).
    public var strandedEntries: [JSONValue] = []
    /// Records acknowledged at the source that its successor never received: 0 for a
    /// switchover, the stranded client records for a failback; nil when not known.
    public var rpoRecords: Int64?
    /// The hooks of the region taking over that ran, in order.
    public var hooks: [HookResult] = []
    /// Drills: each move (switchover, failover, failback) with its RTO as the load saw it.
    public var phases: [JSONValue] = []
    let started = ContinuousClock.now

    init(kind: String, from: String, to: String, eventID: String, dryRun: Bool) {
        self.kind = kind
        self.from = from
        self.to = to
        self.eventID = eventID
        self.dryRun = dryRun
    }

    var elapsed: Int64 { (ContinuousClock.now - started).milliseconds }

    mutating func step(_ text: String, _ say: @Sendable (String) -> Void) {
        let step = Step(ms: elapsed, text: text)
        steps.append(step)
        say(String(format: "%7.3fs  ", Double(step.ms) / 1000) + text)
    }

    mutating func finish(_ outcome: CoordinatorOutcome) {
        self.outcome = outcome
        // A drill has set the RTO of its move as the load saw it; every other event ends at its RTO.
        if outcome == .completed, rtoMilliseconds == nil { rtoMilliseconds = elapsed }
    }

    /// 0 completed (or a dry run whose pre-checks all pass), 1 refused or rolled back (nothing
    /// changed in the end), 3 stuck (an operator must act: run the command again to resume).
    public var exitCode: Int32 {
        switch outcome {
        case .completed: 0
        case .planned(let failures): failures.isEmpty ? 0 : 1
        case .refused, .abortedAndRolledBack: 1
        case .stuck, nil: 3
        }
    }

    /// One line for the outcome.
    public var outcomeText: String {
        switch outcome {
        case .completed: completedText
        case .planned(let failures): failures.isEmpty ? "dry run: every pre-check passes; nothing was changed" : "dry run: \(failures.count) pre-check(s) fail; nothing was changed"
        case .refused(let failures): "refused, nothing changed: " + failures.joined(separator: "; ")
        case .abortedAndRolledBack(let reason): "aborted and rolled back (\(from) serves its traffic again): \(reason)"
        case .stuck(let reason): "STUCK, operator action needed: \(reason). Run the same command again to resume it."
        case nil: "not finished"
        }
    }

    /// `completed`, `planned`, `refused`, `aborted`, `stuck` or `unfinished`.
    var outcomeName: String {
        switch outcome {
        case .completed: "completed"
        case .planned: "planned"
        case .refused: "refused"
        case .abortedAndRolledBack: "aborted"
        case .stuck: "stuck"
        case nil: "unfinished"
        }
    }

    private var completedText: String {
        let epochText = epoch.map { " at epoch \($0)" } ?? ""
        switch kind {
        case "failover":
            let loss = acceptedLoss.map { "\($0.records) record(s), \(String(format: "%.3f", $0.seconds)) s" } ?? "unknown"
            return "completed: \(to) serves \(from)'s traffic\(epochText) (forced; accepted loss: \(loss); "
                + "\(from)'s seals issued before the takeover no longer execute)"
        case "drill":
            let moves = phases.map { p in "\(p["kind"]?.stringValue ?? "?") RTO \(p["rto_ms"]?.numberValue.map { String(Int64($0)) + " ms" } ?? "unknown")" }
            return "completed: \(moves.joined(separator: ", ")); RPO \(rpoRecords.map(String.init) ?? "?") record(s); \(from) serves its traffic again"
        case "failback":
            return "completed: \(to) serves its own traffic again\(epochText) (realised RPO \(rpoRecords ?? 0) record(s): "
                + "\(strandedEntries.count) stranded entr\(strandedEntries.count == 1 ? "y" : "ies") kept in \(to)'s ledger and listed in the history)"
        default:
            return "completed: \(to) serves \(from)'s traffic (RPO 0: drained to seq \(drainedSeq.map(String.init) ?? "?"))"
        }
    }

    /// Adds `move` as a phase of this drill, with its RTO as the drill measured it.
    mutating func add(phase move: FailoverReport, rtoMilliseconds: Int64?) {
        phases.append([
            "kind": .string(move.kind), "event_id": .string(move.eventID), "outcome": .string(move.outcomeName),
            "rto_ms": rtoMilliseconds.map { .number(Double($0)) } ?? .null,
            "command_ms": move.rtoMilliseconds.map { .number(Double($0)) } ?? .null,
            "rpo_records": move.rpoRecords.map { .number(Double($0)) } ?? (move.kind == "switchover" ? 0 : .null),
            "accepted_loss": move.acceptedLoss?.json ?? .null, "epoch": move.epoch.map { .number(Double($0)) } ?? .null,
        ])
    }

    /// What the history keeps of the event (its `report` entry): the JSON report without the
    /// step log, and the stranded records as their range (they stay listed in the region's ledger).
    var historyJSON: JSONValue {
        guard case .object(var members) = json else { return json }
        members["steps"] = nil
        members["stranded"] = nil
        if let first = strandedEntries.first?["seq"], let last = strandedEntries.last?["seq"] {
            members["stranded"] = ["from_seq": first, "through_seq": last, "entries": .number(Double(strandedEntries.count))]
        }
        return .object(members)
    }

    /// The report as JSON (`--json`).
    public var json: JSONValue {
        [
            "kind": .string(kind), "from": .string(from), "to": .string(to), "event_id": .string(eventID), "dry_run": .bool(dryRun),
            "outcome": .string(outcomeName), "summary": .string(outcomeText), "exit_code": .number(Double(exitCode)),
            "epoch": epoch.map { .number(Double($0)) } ?? .null, "drained_seq": drainedSeq.map { .number(Double($0)) } ?? .null,
            "rto_ms": rtoMilliseconds.map { .number(Double($0)) } ?? .null,
            "rpo_records": rpoRecords.map { .number(Double($0)) } ?? (outcome == .completed && kind == "switchover" ? 0 : .null),
            "takeover_seq": takeoverSeq.map { .number(Double($0)) } ?? .null,
            "accepted_loss": acceptedLoss?.json ?? .null,
            "stranded": .array(strandedEntries), "phases": .array(phases),
            "prechecks": .array(prechecks.map { ["name": .string($0.name), "ok": .bool($0.ok), "detail": .string($0.detail)] }),
            "steps": .array(steps.map { ["ms": .number(Double($0.ms)), "step": .string($0.text)] }),
            "hooks": .array(hooks.map(\.json)),
        ]
    }
}
