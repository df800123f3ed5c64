import RelayCore
@testable import RelayReplication
import Testing

/// A coordinator's control request as the daemon reads it, and which region's ledger records it:
/// no daemon, database or network.
struct ControlRequestTests {
    /// The request as JSON text, read back.
    func readBack(_ request: ControlRequest) throws -> ControlRequest {
        try ControlRequest(json: try JSONParser.parse(CanonicalJSON.bytes(request.json)))
    }

    var failover: ControlRequest {
        var request = ControlRequest(
            action: .takeover, region: "a", successor: "b", mode: .failover, eventID: "failover:b:1", operatorName: "sre",
            reason: "a is down")
        request.acceptedLoss = .init(lastKnownSeq: 44, records: 2, seconds: 12.5)
        return request
    }

    var failback: ControlRequest {
        var request = ControlRequest(
            action: .failback, region: "a", eventID: "failback:a:1", operatorName: "sre", reason: "a is back", expectEvent: "failover:b:1")
        request.stranded = .init(fromSeq: 42, throughSeq: 44, records: 2)
        return request
    }

    var report: ControlRequest {
        var request = ControlRequest(action: .report, region: "b", eventID: "failover:b:1", operatorName: "sre", reason: "ended")
        request.report = ["rto_seconds": 4.25, "rpo_records": 2, "prechecks": ["b healthy"]]
        return request
    }

    /// `json` with `member` set to `value`, which must be refused; returns the reason.
    func refusal(of json: JSONValue, _ member: String, _ value: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard case .object(var members) = json else { return "" }
        members[member] = value
        do {
            let read = try ControlRequest(json: .object(members))
            Issue.record("expected \(member) = \(value) to be refused, read \(read)", sourceLocation: sourceLocation)
            return ""
        } catch {
            return error.reason
        }
    }

    @Test func theAttachmentsAreSentAndReadBack() throws {
        #expect(failover.json["accepted_loss"] == ["last_known_seq": 44, "records": 2, "seconds": 12.5])
        #expect(failback.json["stranded"] == ["from_seq": 42, "through_seq": 44, "records": 2])
        #expect(failback.json["expect_event"] == "failover:b:1")
        #expect(report.json["report"] == ["rto_seconds": 4.25, "rpo_records": 2, "prechecks": ["b healthy"]])
        for request in [failover, failback, report] {
            #expect(try readBack(request) == request, "\(request.action)")
        }
        let plain = ControlRequest(action: .pause, region: "a", eventID: "e", operatorName: "o", reason: "r")
        #expect(try readBack(plain) == plain)
        #expect(plain.json["accepted_loss"] == nil && plain.json["stranded"] == nil && plain.json["report"] == nil)
    }

    @Test func theAttachmentsGoIntoTheEntry() {
        let control = RegionControl(
            controlID: "c", action: .takeover, region: "a", successor: "b", mode: .failover, epoch: 2, version: 1, eventID: "failover:b:1",
            operatorName: "sre", reason: "a is down", at: Timestamp(microseconds: 0))
        let attached = failover.attached(to: control)
        #expect(attached.acceptedLoss == failover.acceptedLoss && attached.stranded == nil && attached.report == nil)
        #expect(attached.body["accepted_loss"] == failover.json["accepted_loss"])
        #expect(report.attached(to: control).report == report.report)
    }

    @Test func aMalformedAttachmentIsRefusedNamingIt() {
        let loss = refusal(of: failover.json, "accepted_loss", ["last_known_seq": 44, "records": -1, "seconds": 1])
        #expect(loss.contains("accepted_loss.records") && loss.contains("non-negative integer"), "\(loss)")
        #expect(refusal(of: failover.json, "accepted_loss", 2).contains("accepted_loss"))
        #expect(refusal(of: failover.json, "accepted_loss", ["last_known_seq": 44, "records": 2]).contains("accepted_loss.seconds"))
        let stranded = refusal(of: failback.json, "stranded", "42-44")
        #expect(stranded.contains("stranded") && stranded.contains("JSON object"), "\(stranded)")
        #expect(refusal(of: failback.json, "stranded", ["from_seq": 0, "through_seq": 44, "records": 2]).contains("stranded.from_seq"))
        let notAnObject = refusal(of: report.json, "report", ["rto", 4])
        #expect(notAnObject.contains("report") && notAnObject.contains("JSON object"), "\(notAnObject)")
    }

    @Test func anUnknownMemberIsRefusedNamingIt() {
        #expect(refusal(of: failover.json, "rpo", 2) == "unknown member rpo")
        // The daemon computes the takeover's seq from what the successor holds: a request cannot set it.
        #expect(refusal(of: failover.json, "takeover_seq", 41) == "unknown member takeover_seq")
        #expect(refusal(of: failover.json, "epoch", 9) == "unknown member epoch")
    }

    @Test func aTakeoverIsRecordedByTheSuccessorAndAFailbackByTheCurrentSuccessor() {
        let active = RegionState(region: "a")
        let taken = RegionState(region: "a", role: .takenOver(by: "b", mode: .failover), epoch: 2, version: 1)
        #expect(RegionControlService.writer(of: failover, current: active) == "b")
        #expect(RegionControlService.writer(of: failover, current: taken) == "b")
        #expect(RegionControlService.writer(of: failback, current: taken) == "b")
        let movedOn = RegionState(region: "a", role: .takenOver(by: "c", mode: .switchover), epoch: 3, version: 2)
        #expect(RegionControlService.writer(of: failback, current: movedOn) == "c")
        // Nothing to fail back: no region records it.
        #expect(RegionControlService.writer(of: failback, current: active) == nil)
        #expect(RegionControlService.writer(of: failback, current: RegionState(region: "a", role: .fenced)) == nil)
    }

    @Test(arguments: [RegionControl.Action.fence, .unfence, .pause, .resume, .report])
    func everyOtherChangeIsRecordedByTheRegionItself(action: RegionControl.Action) {
        let request = ControlRequest(action: action, region: "a", eventID: "e", operatorName: "o", reason: "r")
        for role in [RegionState.Role.active, .fenced, .takenOver(by: "b", mode: .failover)] {
            #expect(RegionControlService.writer(of: request, current: RegionState(region: "a", role: role)) == "a", "\(action) in \(role)")
        }
    }
}
