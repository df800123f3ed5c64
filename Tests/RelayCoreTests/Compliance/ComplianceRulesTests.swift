import RelayCore
import Testing

/// The verdict rules of compliance reports, on hand-made figures.
struct ComplianceRulesTests {
    @Test func aPairMeetsItsRPOWhenItsShareWithinTargetReachesTheObjectiveEvenWithBreachesAndGaps() {
        var pair = ComplianceFixture.pair("a", "b", within: 0.999, breaches: 2, gaps: 1)
        #expect(ComplianceRules.rpo(pair, objective: 0.999).verdict == .met)
        pair.shareWithinTarget = 0.99899
        let verdict = ComplianceRules.rpo(pair, objective: 0.999)
        #expect(verdict.verdict == .notMet && verdict.measured == 0.99899 && verdict.required == 0.999)
        #expect(verdict.detail.contains("2 breach(es)") && verdict.detail.contains("1 gap(s)"))
    }

    @Test func aPairWhoseOriginDidNotAnswerIsUnknownAndOneWithNoSampleIsNotMet() {
        let unmeasured = PairCompliance.unmeasured(origin: "a", peer: "b", rpoTargetSeconds: 5, period: ComplianceFixture.period)
        #expect(ComplianceRules.rpo(unmeasured, objective: 0.999).verdict == .unknown)
        var silent = ComplianceFixture.pair("a", "b", within: 0)
        silent.samples = 0
        #expect(ComplianceRules.rpo(silent, objective: 0.999).verdict == .notMet)
    }

    @Test func combiningPutsNotMetBeforeUnknownBeforeMetAndIgnoresWhatDoesNotApply() {
        #expect(ComplianceVerdict.combining([.met, .unknown, .notMet]) == .notMet)
        #expect(ComplianceVerdict.combining([.met, .unknown, .notApplicable]) == .unknown)
        #expect(ComplianceVerdict.combining([.met, .notApplicable]) == .met)
        #expect(ComplianceVerdict.combining([.notApplicable]) == .notApplicable)
        #expect(ComplianceVerdict.combining([]) == .notApplicable)
    }

    @Test func eventRTOAndRPOFollowTheKindAndOutcome() {
        #expect(ComplianceRules.rto(outcome: "completed", rtoSeconds: 300, target: 300) == .met)
        #expect(ComplianceRules.rto(outcome: "completed", rtoSeconds: 300.001, target: 300) == .notMet)
        #expect(ComplianceRules.rto(outcome: "completed", rtoSeconds: nil, target: 300) == .unknown)
        #expect(ComplianceRules.rto(outcome: "stuck", rtoSeconds: nil, target: 300) == .notMet)
        #expect(ComplianceRules.rto(outcome: "aborted", rtoSeconds: nil, target: 300) == .notApplicable)
        #expect(ComplianceRules.eventRPO(kind: "switchover", outcome: "completed", rpoRecords: 0, rpoSeconds: nil, target: 5) == .met)
        #expect(ComplianceRules.eventRPO(kind: "switchover", outcome: "completed", rpoRecords: 1, rpoSeconds: nil, target: 5) == .notMet)
        #expect(ComplianceRules.eventRPO(kind: "failover", outcome: "completed", rpoRecords: nil, rpoSeconds: 5, target: 5) == .met)
        #expect(ComplianceRules.eventRPO(kind: "failover", outcome: "completed", rpoRecords: nil, rpoSeconds: 5.5, target: 5) == .notMet)
        #expect(ComplianceRules.eventRPO(kind: "failover", outcome: "completed", rpoRecords: nil, rpoSeconds: nil, target: 5) == .unknown)
        #expect(ComplianceRules.eventRPO(kind: "failback", outcome: "completed", rpoRecords: 9, rpoSeconds: nil, target: 5) == .notApplicable)
        #expect(ComplianceRules.movedRegion(kind: "failback", from: "b", to: "a") == "a")
        #expect(ComplianceRules.movedRegion(kind: "switchover", from: "a", to: "b") == "a")
    }

    @Test func aDrillIsJudgedOnItsMovesAgainstTheMovedRegionsTargets() {
        let entry: JSONValue = [
            "action": "report", "at": .string(ComplianceFixture.at(10).iso8601), "event_id": "drill:b:1", "ledger": "a",
            "report": [
                "kind": "drill", "from": "a", "to": "b", "outcome": "completed", "rto_ms": 9000, "rpo_records": 3,
                "phases": [
                    ["kind": "failover", "event_id": "failover:b:2", "outcome": "completed", "rto_ms": 4000, "accepted_loss": ["records": 1, "seconds": 0.5]],
                    ["kind": "failback", "event_id": "failback:a:3", "outcome": "completed", "rto_ms": 400_000, "rpo_records": 3],
                ],
            ],
        ]
        let events = ComplianceEvent.fromHistory([entry], period: ComplianceFixture.period) { _ in RegionTargets(rpoSeconds: 5, rtoSeconds: 300) }
        #expect(events.count == 1)
        let drill = events[0]
        #expect(drill.phases.map(\.kind) == ["failover", "failback"])
        #expect(drill.phases[1].from == "b" && drill.phases[1].to == "a")
        #expect(drill.phases[0].rtoVerdict == .met && drill.phases[1].rtoVerdict == .notMet)
        #expect(drill.rtoVerdict == .notMet && drill.rtoSeconds == 400)
        #expect(drill.rpoVerdict == .met && drill.rpoSeconds == 0.5)
        // Out of the period, dry runs and other actions are no events.
        #expect(ComplianceEvent.fromHistory([entry], period: ReportPeriod(from: ComplianceFixture.at(20), to: ComplianceFixture.at(30))) { _ in nil }.isEmpty)
    }

    @Test func theReportNamesTheMissingRegionAndItsPairsAreUnknown() {
        let report = ComplianceFixture.report
        #expect(report.missingRegions.map(\.region) == ["ap-southeast-2"])
        #expect(report.missingRegions[0].reason?.contains("connection refused") == true)
        #expect(report.pairs.count == 6)
        let fromMissing = report.pairs.filter { $0.origin == "ap-southeast-2" }
        #expect(fromMissing.count == 2 && fromMissing.allSatisfy { !$0.measured })
        let rpo = Dictionary(uniqueKeysWithValues: report.verdicts.filter { $0.target == .rpo }.map { ($0.subject, $0.verdict) })
        #expect(rpo["us-east-1 → eu-west-1"] == .met)
        #expect(rpo["us-east-1 → ap-southeast-2"] == .notMet)
        #expect(rpo["eu-west-1 → ap-southeast-2"] == .met)
        #expect(rpo["ap-southeast-2 → us-east-1"] == .unknown)
        // Each event once, whichever regions' histories held it.
        #expect(report.events.map(\.eventID) == ["switchover:eu-west-1:1", "failover:us-east-1:2"])
        let rto = report.verdicts.filter { $0.target == .rto }
        #expect(rto.map(\.subject) == ["us-east-1", "eu-west-1"])
        #expect(rto.map(\.verdict) == [.met, .notMet])
        #expect(report.verdicts.filter { $0.target == .eventRPO }.map(\.verdict) == [.met, .met])
        #expect(report.verdict == .notMet)
        #expect(report.keys.count == 3 && report.keys.allSatisfy { $0.fingerprint.count == 64 })
    }
}
