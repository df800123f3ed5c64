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
        return .object(members)
    }

    /// The control entry a body holds; throws naming the member that is missing or wrong.
    public init(body: JSONValue) throws(RecordBodyError) {
        guard let members = body.objectValue else { throw RecordBodyError(path: "", reason: "a region_control body is a JSON object") }
        func string(_ key: String) throws(RecordBodyError) -> String {
            guard let value = members[key]?.stringValue, !value.isEmpty else { throw RecordBodyError(path: key, reason: "a non-empty string is required") }
            return value
        }
        func integer(_ key: String) throws(RecordBodyError) -> Int64 {
            guard let n = members[key]?.numberValue, n >= 1, n <= 9_007_199_254_740_991, n.rounded() == n else {
                throw RecordBodyError(path: key, reason: "a positive integer is required")
            }
            return Int64(n)
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
        self.init(
            controlID: try string(LedgerKind.regionControl.subjectField), action: action, region: try string("region"),
            successor: successor, mode: mode, epoch: try integer("epoch"), version: try integer("version"),
            eventID: try string("event_id"), operatorName: try string("operator"), reason: try string("reason"), at: at)
    }
}
