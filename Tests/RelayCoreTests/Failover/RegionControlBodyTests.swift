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
}
