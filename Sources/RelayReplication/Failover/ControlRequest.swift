import RelayCore

/// A coordinator's request to a region's relay-dr (`POST /v1/control`): write one
/// `region_control` entry into that region's ledger. The daemon computes the entry's epoch and
/// version from the state its database holds, so a request can never move a region backwards.
public struct ControlRequest: Sendable, Equatable {
    public var action: RegionControl.Action
    /// The region whose state changes.
    public var region: String
    public var successor: String?
    public var mode: TakeoverMode?
    public var eventID: String
    public var operatorName: String
    public var reason: String
    /// When set, the request is refused unless the region's last change belongs to this event
    /// (a switchover's takeover or rollback acts only on its own fence).
    public var expectEvent: String?
    /// Copied into the entry as they are, and checked by the entry's body parser: a forced
    /// failover's `accepted_loss`, a failback's `stranded`, a report's `report`.
    public var acceptedLoss: RegionControl.AcceptedLoss?
    public var stranded: RegionControl.Stranded?
    public var report: JSONValue?
    static let attachments = ["accepted_loss", "stranded", "report"]

    /// Creates a request.
    public init(
        action: RegionControl.Action, region: String, successor: String? = nil, mode: TakeoverMode? = nil, eventID: String,
        operatorName: String, reason: String, expectEvent: String? = nil
    ) {
        self.action = action
        self.region = region
        self.successor = successor
        self.mode = mode
        self.eventID = eventID
        self.operatorName = operatorName
        self.reason = reason
        self.expectEvent = expectEvent
    }

    /// The request body.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "action": .string(action.rawValue), "region": .string(region), "event_id": .string(eventID),
            "operator": .string(operatorName), "reason": .string(reason),
        ]
        if let successor { members["successor"] = .string(successor) }
        if let mode { members["mode"] = .string(mode.rawValue) }
        if let expectEvent { members["expect_event"] = .string(expectEvent) }
        members.merge(RegionControl.attachmentMembers(acceptedLoss: acceptedLoss, stranded: stranded, report: report)) { _, new in new }
        return .object(members)
    }

    /// `control` with this request's attachments.
    public func attached(to control: RegionControl) -> RegionControl {
        var control = control
        control.acceptedLoss = acceptedLoss
        control.stranded = stranded
        control.report = report
        return control
    }

    /// The request a body holds; throws a message naming the member that is wrong.
    public init(json: JSONValue) throws(ControlRequestError) {
        guard let m = json.objectValue else { throw ControlRequestError("the body is a JSON object") }
        let allowed = Set(["action", "region", "successor", "mode", "event_id", "operator", "reason", "expect_event"] + Self.attachments)
        if let unknown = m.keys.first(where: { !allowed.contains($0) }) { throw ControlRequestError("unknown member \(unknown)") }
        func text(_ key: String, required: Bool = true) throws(ControlRequestError) -> String? {
            guard let value = m[key], !value.isNull else {
                if required { throw ControlRequestError("\(key) is required") }
                return nil
            }
            guard let s = value.stringValue, !s.isEmpty, s.count <= 500 else { throw ControlRequestError("\(key) must be a non-empty string of at most 500 characters") }
            return s
        }
        guard let action = RegionControl.Action(rawValue: try text("action")!) else {
            throw ControlRequestError("action must be one of \(RegionControl.Action.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var mode: TakeoverMode?
        if let name = try text("mode", required: false) {
            guard let parsed = TakeoverMode(rawValue: name) else { throw ControlRequestError("mode must be switchover or failover") }
            mode = parsed
        }
        self.init(
            action: action, region: try text("region")!, successor: try text("successor", required: false), mode: mode,
            eventID: try text("event_id")!, operatorName: try text("operator")!, reason: try text("reason")!,
            expectEvent: try text("expect_event", required: false))
        // Read as the entry's body reads them: the entry carries them as they are.
        do { (acceptedLoss, stranded, report) = try RegionControl.attachments(in: m) } catch { throw ControlRequestError("\(error)") }
    }
}

/// Why a control request was refused (the daemon answers 422 or 409 with it).
public struct ControlRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
