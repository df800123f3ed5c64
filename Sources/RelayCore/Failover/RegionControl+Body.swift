extension RegionControl {
    /// The entry's body (docs/ledger-format.md, `region_control`); its canonical bytes are hashed.
    public var body: JSONValue {
        var members: [String: JSONValue] = [
            LedgerKind.regionControl.subjectField: .string(controlID), "action": .string(action.rawValue),
            "region": .string(region), "epoch": .number(Double(epoch)), "version": .number(Double(version)),
            "event_id": .string(eventID), "operator": .string(operatorName), "reason": .string(reason), "at": .string(at.iso8601),
        ]
        if let successor { members["successor"] = .string(successor) }
        if let mode { members["mode"] = .string(mode.rawValue) }
        if let takeoverSeq { members["takeover_seq"] = .number(Double(takeoverSeq)) }
        members.merge(attachments) { _, new in new }
        return .object(members)
    }

    /// The members a coordinator supplies with its request: `accepted_loss`, `stranded`, `report`.
    public var attachments: [String: JSONValue] {
        Self.attachmentMembers(acceptedLoss: acceptedLoss, stranded: stranded, report: report)
    }

    /// Those members, as an entry body and a control request (`ControlRequest`) both carry them.
    public static func attachmentMembers(acceptedLoss: AcceptedLoss?, stranded: Stranded?, report: JSONValue?) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let acceptedLoss { members["accepted_loss"] = acceptedLoss.json }
        if let stranded { members["stranded"] = stranded.json }
        if let report { members["report"] = report }
        return members
    }

    /// Reads those members from a body's or a request's members; throws naming the one that is wrong.
    public static func attachments(
        in members: [String: JSONValue]
    ) throws(RecordBodyError) -> (acceptedLoss: AcceptedLoss?, stranded: Stranded?, report: JSONValue?) {
        func object(_ key: String) throws(RecordBodyError) -> [String: JSONValue]? {
            guard let value = members[key] else { return nil }
            guard let o = value.objectValue else { throw RecordBodyError(path: key, reason: "a JSON object is required") }
            return o
        }
        var acceptedLoss: AcceptedLoss?
        var stranded: Stranded?
        if let loss = try object("accepted_loss") {
            guard let seconds = loss["seconds"]?.numberValue, seconds >= 0 else {
                throw RecordBodyError(path: "accepted_loss.seconds", reason: "a non-negative number is required")
            }
            acceptedLoss = AcceptedLoss(
                lastKnownSeq: try integer("last_known_seq", in: loss, path: "accepted_loss.last_known_seq", minimum: 0),
                records: try integer("records", in: loss, path: "accepted_loss.records", minimum: 0), seconds: seconds)
        }
        if let s = try object("stranded") {
            stranded = Stranded(
                fromSeq: try integer("from_seq", in: s, path: "stranded.from_seq"),
                throughSeq: try integer("through_seq", in: s, path: "stranded.through_seq"),
                records: try integer("records", in: s, path: "stranded.records", minimum: 0))
        }
        _ = try object("report")
        return (acceptedLoss, stranded, members["report"])
    }

    /// `object[key]` as an integer of at least `minimum` (JSON's exact range); `path` names it in the error.
    private static func integer(_ key: String, in object: [String: JSONValue], path: String, minimum: Double = 1) throws(RecordBodyError) -> Int64 {
        guard let n = object[key]?.numberValue, n >= minimum, n <= 9_007_199_254_740_991, n.rounded() == n else {
            throw RecordBodyError(path: path, reason: minimum >= 1 ? "a positive integer is required" : "a non-negative integer is required")
        }
        return Int64(n)
    }

    /// The control entry a body holds; throws naming the member that is missing or wrong.
    public init(body: JSONValue) throws(RecordBodyError) {
        guard let members = body.objectValue else { throw RecordBodyError(path: "", reason: "a region_control body is a JSON object") }
        func string(_ key: String) throws(RecordBodyError) -> String {
            guard let value = members[key]?.stringValue, !value.isEmpty else { throw RecordBodyError(path: key, reason: "a non-empty string is required") }
            return value
        }
        func integer(_ key: String, minimum: Double = 1) throws(RecordBodyError) -> Int64 {
            try Self.integer(key, in: members, path: key, minimum: minimum)
        }
        let actionName = try string("action")
        guard let action = Action(rawValue: actionName) else {
            throw RecordBodyError(path: "action", reason: "unknown action \(actionName); one of \(Action.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var mode: TakeoverMode?
        if let name = members["mode"]?.stringValue {
            guard let m = TakeoverMode(rawValue: name) else { throw RecordBodyError(path: "mode", reason: "unknown mode \(name)") }
            mode = m
        }
        let at: Timestamp
        do { at = try Timestamp(iso8601: try string("at")) } catch { throw RecordBodyError(path: "at", reason: "an ISO 8601 UTC time is required") }
        let successor = members["successor"]?.stringValue
        if action == .takeover, successor == nil || mode == nil {
            throw RecordBodyError(path: successor == nil ? "successor" : "mode", reason: "a takeover names its successor and mode")
        }
        // A report keeps the region's (epoch, version), which is 0 before its first change.
        self.init(
            controlID: try string(LedgerKind.regionControl.subjectField), action: action, region: try string("region"),
            successor: successor, mode: mode, epoch: try integer("epoch"),
            version: try integer("version", minimum: action == .report ? 0 : 1),
            eventID: try string("event_id"), operatorName: try string("operator"), reason: try string("reason"), at: at)
        if members["takeover_seq"] != nil { takeoverSeq = try integer("takeover_seq", minimum: 0) }
        (acceptedLoss, stranded, report) = try Self.attachments(in: members)
    }
}

extension RegionControl.AcceptedLoss {
    /// The `accepted_loss` member.
    public var json: JSONValue {
        ["last_known_seq": .number(Double(lastKnownSeq)), "records": .number(Double(records)), "seconds": .number((seconds * 1000).rounded() / 1000)]
    }
}

extension RegionControl.Stranded {
    /// The `stranded` member.
    public var json: JSONValue {
        ["from_seq": .number(Double(fromSeq)), "through_seq": .number(Double(throughSeq)), "records": .number(Double(records))]
    }
}
