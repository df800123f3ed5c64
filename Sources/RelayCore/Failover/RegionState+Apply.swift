/// Why a control entry cannot be written in a region's current state.
public struct RegionControlRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension RegionState {
    /// The next control entry for `action` from this state (epoch and version filled in), or why
    /// the action is not allowed now. Coordinators write only what this returns.
    public func next(
        _ action: RegionControl.Action, successor: String? = nil, mode: TakeoverMode? = nil,
        controlID: String, eventID: String, operatorName: String, reason: String, at: Timestamp
    ) throws(RegionControlRefusal) -> RegionControl {
        var epoch = self.epoch
        switch (action, role) {
        case (.fence, .active), (.unfence, .fenced), (.pause, _), (.resume, _), (.report, _): break
        case (.fence, _): throw RegionControlRefusal("\(region) is \(role.name), not active: it cannot be fenced")
        case (.unfence, _): throw RegionControlRefusal("\(region) is \(role.name), not fenced: there is nothing to unfence")
        case (.takeover, .takenOver(let by, _)): throw RegionControlRefusal("\(region) is already taken over by \(by)")
        case (.takeover, .fenced):
            epoch += 1
        case (.takeover, .active):
            // A planned move drains a fenced region first; only a forced failover skips the fence.
            guard mode == .failover else { throw RegionControlRefusal("\(region) is active: fence and drain it before a switchover's takeover") }
            epoch += 1
        case (.failback, .takenOver): epoch += 1
        case (.failback, _): throw RegionControlRefusal("\(region) is \(role.name), not taken over: there is nothing to fail back")
        }
        if action == .pause, paused { throw RegionControlRefusal("\(region) is already paused") }
        if action == .resume, !paused { throw RegionControlRefusal("\(region) is not paused") }
        if action == .takeover, successor == nil || successor == region || mode == nil {
            throw RegionControlRefusal("a takeover of \(region) names another region as successor, and a mode")
        }
        return RegionControl(
            controlID: controlID, action: action, region: region, successor: action == .takeover ? successor : nil,
            mode: action == .takeover ? mode : nil, epoch: epoch, version: action == .report ? version : version + 1, eventID: eventID,
            operatorName: operatorName, reason: reason, at: at)
    }

    /// This state after `control` (which must be about this region). Entries that are not newer
    /// change nothing, so applying the same entries again, or in another order across ledgers,
    /// converges to the same state.
    public func applying(_ control: RegionControl) -> RegionState {
        guard control.region == region, control.action != .report, isOlder(than: control) else { return self }
        var next = self
        switch control.action {
        case .fence: next.role = .fenced
        case .unfence, .failback:
            next.role = .active
            next.takeoverSeq = nil
        case .takeover:
            next.role = .takenOver(by: control.successor ?? "", mode: control.mode ?? .failover)
            next.takeoverSeq = control.takeoverSeq
        case .pause: next.paused = true
        case .resume: next.paused = false
        case .report: break
        }
        next.epoch = control.epoch
        next.version = control.version
        next.since = control.at
        next.reason = control.reason
        next.operatorName = control.operatorName
        next.eventID = control.eventID
        return next
    }
}
