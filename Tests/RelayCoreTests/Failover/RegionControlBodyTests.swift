import RelayCore
import Testing

struct RegionControlBodyTests {
    let takeover = RegionControl(
        controlID: "0f6f3c1e-8d6a-4f44-9a55-3c2b1a0e9d11", action: .takeover, region: "eu-west-1", successor: "us-east-1",
        mode: .switchover, epoch: 2, version: 7, eventID: "ev-1", operatorName: "alice", reason: "maintenance",
        at: Timestamp(microseconds: 1_800_000_000_123_456))

    @Test func aBodyReadsBackAsTheSameEntry() throws {
        #expect(try RegionControl(body: takeover.body) == takeover)
        var pause = takeover
        pause.action = .pause
        pause.successor = nil
        pause.mode = nil
        #expect(try RegionControl(body: pause.body) == pause)
        #expect(pause.body["successor"] == nil)
    }

    @Test func theSubjectIsTheControlID() {
        #expect(takeover.body[LedgerKind.regionControl.subjectField] == .string(takeover.controlID))
    }

    @Test(arguments: [
        ("action", JSONValue.string("promote"), "action"), ("epoch", .number(0), "epoch"), ("version", .number(1.5), "version"),
        ("region", .string(""), "region"), ("at", .string("yesterday"), "at"), ("mode", .string("coup"), "mode"),
        ("successor", .null, "successor"),
    ])
    func aWrongMemberIsNamed(member: String, value: JSONValue, path: String) {
        guard case .object(var members) = takeover.body else { return }
        members[member] = value
        if value.isNull { members[member] = nil }
        #expect {
            _ = try RegionControl(body: .object(members))
        } throws: { error in
            (error as? RecordBodyError)?.path == path
        }
    }

    /// `control` written as canonical JSON text and read back.
    func readBack(_ control: RegionControl) throws -> RegionControl {
        try RegionControl(body: try JSONParser.parse(CanonicalJSON.bytes(control.body)))
    }

    @Test func aForcedTakeoverCarriesItsSeqAndTheAcceptedLoss() throws {
        var failover = takeover
        failover.mode = .failover
        failover.takeoverSeq = 41
        failover.acceptedLoss = .init(lastKnownSeq: 44, records: 2, seconds: 12.5)
        #expect(failover.body["takeover_seq"] == .number(41))
        #expect(failover.body["accepted_loss"] == ["last_known_seq": 44, "records": 2, "seconds": 12.5])
        #expect(try readBack(failover) == failover)
        // Nothing is lost: a takeover of a region that had written nothing holds seq 0.
        failover.takeoverSeq = 0
        failover.acceptedLoss = .init(lastKnownSeq: 0, records: 0, seconds: 0)
        #expect(try readBack(failover) == failover)
        #expect(takeover.body["takeover_seq"] == nil && takeover.body["accepted_loss"] == nil)
    }

    @Test func theAcceptedLossKeepsMillisecondsOfItsDuration() {
        #expect(RegionControl.AcceptedLoss(lastKnownSeq: 1, records: 1, seconds: 1.2345678).json["seconds"] == .number(1.235))
    }

    @Test func aFailbackCarriesItsStrandedRecords() throws {
        var failback = takeover
        failback.action = .failback
        failback.successor = nil
        failback.mode = nil
        failback.epoch = 3
        failback.stranded = .init(fromSeq: 42, throughSeq: 44, records: 2)
        #expect(failback.body["stranded"] == ["from_seq": 42, "through_seq": 44, "records": 2])
        #expect(try readBack(failback) == failback)
        #expect(failback.attachments.keys.sorted() == ["stranded"])
    }

    @Test func aReportMayKeepVersionZeroAndCarriesItsMeasurements() throws {
        var report = takeover
        report.action = .report
        report.successor = nil
        report.mode = nil
        report.epoch = 1
        report.version = 0
        report.report = ["kind": "drill", "rto_seconds": 4.25, "rpo_records": 0, "prechecks": ["b healthy"], "hook": ["exit": 0]]
        #expect(try readBack(report) == report)
        #expect(report.body["report"]?["hook"]?["exit"] == .number(0))
        // Only a report keeps a region's version 0: every change raises it to at least 1.
        var pause = report
        pause.action = .pause
        pause.report = nil
        #expect {
            _ = try RegionControl(body: pause.body)
        } throws: { error in
            (error as? RecordBodyError)?.path == "version"
        }
    }

    /// Asserts that `takeover`'s body with `member` set to `value` is refused at `path`, and returns the reason.
    @discardableResult
    func expectRefused(_ member: String, _ value: JSONValue, at path: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard case .object(var members) = takeover.body else { return "" }
        members[member] = value
        do {
            let read = try RegionControl(body: .object(members))
            Issue.record("expected \(member) = \(value) to be refused, read \(read)", sourceLocation: sourceLocation)
            return ""
        } catch {
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("\(path): "), sourceLocation: sourceLocation)
            return error.reason
        }
    }

    @Test func aWrongAttachmentIsNamedWithWhatIsWrong() {
        #expect(expectRefused("takeover_seq", -1, at: "takeover_seq").contains("non-negative integer"))
        expectRefused("takeover_seq", "41", at: "takeover_seq")
        expectRefused("takeover_seq", 4.5, at: "takeover_seq")
        #expect(expectRefused("accepted_loss", "2 records", at: "accepted_loss").contains("JSON object"))
        #expect(expectRefused("accepted_loss", ["last_known_seq": 44, "records": -1, "seconds": 1], at: "accepted_loss.records").contains("non-negative integer"))
        expectRefused("accepted_loss", ["records": 2, "seconds": 1], at: "accepted_loss.last_known_seq")
        #expect(expectRefused("accepted_loss", ["last_known_seq": 44, "records": 2, "seconds": -1], at: "accepted_loss.seconds").contains("non-negative number"))
        expectRefused("accepted_loss", ["last_known_seq": 44, "records": 2, "seconds": "12"], at: "accepted_loss.seconds")
        #expect(expectRefused("stranded", "42-44", at: "stranded").contains("JSON object"))
        expectRefused("stranded", [42, 44], at: "stranded")
        #expect(expectRefused("stranded", ["from_seq": 0, "through_seq": 44, "records": 2], at: "stranded.from_seq").contains("positive integer"))
        expectRefused("stranded", ["from_seq": 42, "records": 2], at: "stranded.through_seq")
        expectRefused("stranded", ["from_seq": 42, "through_seq": 44, "records": 1.5], at: "stranded.records")
        #expect(expectRefused("report", "rto 4 s", at: "report").contains("JSON object"))
        expectRefused("report", ["rto", 4], at: "report")
        expectRefused("report", .null, at: "report")
    }
}
