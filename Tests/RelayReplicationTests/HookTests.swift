import Foundation
import RelayCore
import RelayReplication
import RelaySystem
import RelayTestSupport
import Testing

/// `HookRunner` on its own: the environment, the exit status, the output tail, the time limit.
@Suite(.timeLimit(.minutes(1)))
struct HookRunnerTests {
    let event = HookEvent(id: "switchover:r2:abc", kind: "switchover", from: "r1", to: "r2", epoch: 4)

    func run(_ command: String, timeout: Duration = .seconds(10), name: HookName = .onRouteChange) async throws -> HookResult {
        try #require(await HookRunner.runHook(RegionHook(command: command, timeout: timeout), name: name, event: event, say: { _ in }))
    }

    @Test func noHookRunsNothing() async {
        #expect(await HookRunner.runHook(nil, name: .prePromote, event: event, say: { _ in Issue.record("nothing to say") }) == nil)
    }

    @Test func theEventIsInTheEnvironmentAndTheStatusAndOutputAreKept() async throws {
        let result = try await run(#"echo "$RELAY_EVENT_ID $RELAY_EVENT_KIND $RELAY_FROM $RELAY_TO $RELAY_EPOCH $RELAY_HOOK"; echo oops >&2; exit 7"#)
        #expect(result.termination == .exited(7) && result.exitStatus == 7 && !result.succeeded)
        #expect(result.output == "switchover:r2:abc switchover r1 r2 4 on_route_change\noops\n")
        #expect(result.summary == "exit 7: oops")
        #expect(result.json["exit_status"] == 7 && result.json["timed_out"] == false && result.json["name"] == "on_route_change")
        // The inherited environment is still there; RELAY_EPOCH only when the epoch is known.
        var command = ShellCommand(#"echo "${PATH:+path} ${RELAY_EPOCH-unset}""#, timeout: .seconds(10))
        command.environment = ["RELAY_HOOK": "pre_promote"]
        #expect(await command.run().output == "path unset\n")
        let ok = try #require(await HookRunner.runHook(
            RegionHook(command: #"test -z "${RELAY_EPOCH+set}""#), name: .prePromote,
            event: HookEvent(id: "e", kind: "switchover", from: "r1", to: "r2"), say: { _ in }))
        #expect(ok.succeeded && ok.statusText == "exit 0")
    }

    @Test func onlyTheLast4KiBOfOutputAreKept() async throws {
        let result = try await run("head -c 10000 /dev/zero | tr '\\0' a; echo; echo END")
        #expect(result.succeeded)
        #expect(result.output.utf8.count == HookRunner.outputLimit)
        #expect(result.output.hasSuffix("aaaa\nEND\n"))
    }

    @Test func aHookThatRunsTooLongIsTerminatedAndKilledIfItIgnoresTheTerm() async throws {
        let polite = try await run("sleep 20", timeout: .seconds(1))
        #expect(polite.termination == .timedOut && polite.exitStatus == nil && polite.json["timed_out"] == true)
        // Stopped at its limit, long before its own end (upper bounds are loose: CI machines are busy).
        #expect(polite.durationMilliseconds >= 1000 && polite.durationMilliseconds < 15000, "\(polite.durationMilliseconds) ms")
        // SIGTERM ignored by the shell and its child: SIGKILL to the whole group 2 s later.
        let stubborn = try await run("trap '' TERM; echo started; sleep 20; echo never", timeout: .seconds(1))
        #expect(stubborn.termination == .timedOut)
        #expect(stubborn.durationMilliseconds >= 3000 && stubborn.durationMilliseconds < 15000, "\(stubborn.durationMilliseconds) ms")
        #expect(stubborn.output == "started\n")
        #expect(stubborn.statusText.hasPrefix("timed out after ") && stubborn.statusText.hasSuffix(" and was terminated"))
    }
}

/// Region hooks in a live switchover: the target's `pre_promote` can veto it (A keeps serving),
/// its `on_route_change` runs after the takeover and cannot undo it.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct HookTests {
    let cluster = SwitchoverTests()

    /// `set` with `hooks` on region `id`.
    func regions(_ set: RegionSet, with hooks: RegionHooks, on id: String) throws -> RegionSet {
        try RegionSet(regions: set.regions.map { region in
            var region = region
            if region.id == id { region.hooks = hooks }
            return region
        })
    }

    func switchover(_ client: RegionClient, _ regions: RegionSet, from: String, to: String) async -> FailoverReport {
        await Switchover(
            regions: regions, client: client, options: Switchover.Options(from: from, to: to, operatorName: "tester", reason: "hook test"),
            say: { _ in }
        ).run()
    }

    /// Who serves `region`, as `holder`'s relay-dr says.
    func routing(_ regions: TestRegions, at holder: String, of region: String) async throws -> JSONValue? {
        let routing = try await HTTP.get("http://127.0.0.1:\(regions.node(holder).drPort)/v1/routing")
        return routing.json["regions"]?.arrayValue?.first { $0["region"]?.stringValue == region }
    }

    @Test func aFailingPrePromoteHookAbortsAndTheSourceKeepsServing() async throws {
        try await cluster.withCluster { regions, client in
            _ = try await cluster.validate(regions, in: "r1")
            let refusing = try self.regions(
                regions.regions, with: RegionHooks(prePromote: RegionHook(command: "echo checking $RELAY_TO; echo refusing; exit 7")), on: "r2")
            let report = await switchover(client, refusing, from: "r1", to: "r2")
            guard case .abortedAndRolledBack(let reason) = report.outcome else {
                Issue.record("expected a rollback, got \(report.outcomeText) \(report.steps.map(\.text))")
                return
            }
            #expect(reason == "the pre_promote hook refused: exit 7: refusing")
            #expect(report.exitCode == 1 && report.epoch == nil)
            let hook = try #require(report.hooks.first)
            #expect(report.hooks.count == 1 && hook.name == .prePromote && hook.exitStatus == 7)
            #expect(hook.output == "checking r2\nrefusing\n")
            #expect(report.steps.contains { $0.text.contains("pre_promote hook FAILED") && $0.text.contains("exit 7") })
            let json = report.json["hooks"]?.arrayValue?.first
            #expect(json?["name"] == "pre_promote" && json?["exit_status"] == 7 && json?["timed_out"] == false)
            #expect(json?["output"]?.stringValue?.contains("refusing") == true)
            #expect(json?["command"] == "echo checking $RELAY_TO; echo refusing; exit 7")

            // A is unfenced and serves its own traffic; nobody took it over.
            let r1 = try await routing(regions, at: "r1", of: "r1")
            #expect(r1?["state"] == "active" && r1?["serving"] == "r1", "\(r1 ?? .null)")
            #expect(try await cluster.validate(regions, in: "r1").status == 200)
            #expect(try await regions.waitUntilConverged())
            let atB = try await routing(regions, at: "r2", of: "r1")
            #expect(atB?["serving"] == "r1", "\(atB ?? .null)")
        }
    }

    @Test func theRouteChangeHookGetsTheEventAndItsFailureDoesNotUndoTheTakeover() async throws {
        try await cluster.withCluster { regions, client in
            try await TemporaryDirectory.with(prefix: "relay-hooks-") { folder in
                let file = folder.path("route-change.env")
                let hooks = RegionHooks(
                    prePromote: RegionHook(command: #"test "$RELAY_HOOK" = pre_promote && test -z "${RELAY_EPOCH+set}""#),
                    onRouteChange: RegionHook(command: "env | grep '^RELAY_' | sort > '\(file)'", timeout: .seconds(10)))
                let report = await switchover(client, try self.regions(regions.regions, with: hooks, on: "r2"), from: "r1", to: "r2")
                #expect(report.outcome == .completed, "\(report.outcomeText) \(report.steps.map(\.text))")
                #expect(report.hooks.map(\.name) == [.prePromote, .onRouteChange])
                #expect(report.hooks.allSatisfy { $0.succeeded }, "\(report.hooks)")
                let lines = Set(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init))
                let expected: Set = [
                    "RELAY_FROM=r1", "RELAY_TO=r2", "RELAY_EVENT_ID=\(report.eventID)", "RELAY_EVENT_KIND=switchover", "RELAY_EPOCH=2",
                    "RELAY_HOOK=on_route_change",
                ]
                #expect(expected.isSubset(of: lines), "\(lines)")
            }

            // r2 → r3 with a failing on_route_change: a warning; r3 serves r2 all the same.
            let failing = try self.regions(
                regions.regions, with: RegionHooks(onRouteChange: RegionHook(command: "echo dns api down >&2; exit 2")), on: "r3")
            let report = await switchover(client, failing, from: "r2", to: "r3")
            #expect(report.outcome == .completed, "\(report.outcomeText) \(report.steps.map(\.text))")
            #expect(report.exitCode == 0)
            #expect(report.hooks.count == 1 && report.hooks.first?.exitStatus == 2)
            #expect(report.steps.contains { $0.text.contains("on_route_change hook WARNING") && $0.text.contains("dns api down") })
            #expect(report.json["hooks"]?.arrayValue?.first?["output"] == "dns api down\n")
            let r2 = try await routing(regions, at: "r3", of: "r2")
            #expect(r2?["state"] == "taken_over" && r2?["serving"] == "r3", "\(r2 ?? .null)")
        }
    }
}
}
