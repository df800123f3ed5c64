import Foundation
import RelayCore
import RelayLocal
import RelayReplication
import RelaySystem
import RelayTestSupport
import Testing

/// Every `relay-dr` command of every runbook, run with the built binary, in the runbook's order,
/// against three live regions (relay-dr daemons and gateways) set up as the runbook's situation
/// needs: each must exit 0, or what its `# exits N` says.
///
/// The runbooks' regions map to the test's: us-east-1 → r1, eu-west-1 → r2, ap-southeast-2 → r3.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(10)))
struct RunbookCommandTests {
    static let token = "runbook-test-admin-token-0123456789"

    @Test func switchover() async throws {
        try await run(RunbookScenario("switchover.md"))
    }

    @Test func replicationLag() async throws {
        try await run(RunbookScenario("replication-lag.md"))
    }

    /// r2 holds r1 quarantined, its copy of r1 rewritten (another hash from seq 1), until the
    /// runbook's last section, where the operator clears the quarantine.
    @Test func chainDivergence() async throws {
        try await run(
            RunbookScenario(
                "chain-divergence.md",
                setup: { h in
                    try await h.regions.decide(in: "r1")
                    #expect(try await h.regions.waitUntilConverged())
                    try await h.sql(
                        "r2",
                        """
                        SET session_replication_role = replica;
                        UPDATE replica_ledger SET hash = sha256(hash) WHERE origin = 'r1';
                        UPDATE replica_heads SET quarantined = true, quarantine_reason = 'runbook test: divergence at seq 1' WHERE origin = 'r1';
                        """)
                },
                before: [("Verify and roll back", { h in try await h.sql("r2", "UPDATE replica_heads SET quarantined = false, quarantine_reason = NULL WHERE origin = 'r1'") })]))
    }

    /// r1 served traffic, then its gateway, relay-dr and PostgreSQL (kill -9) are gone before
    /// the first command; what it wrote last may not have reached its peers.
    @Test func regionLost() async throws {
        try await run(
            RunbookScenario(
                "region-lost.md",
                setup: { h in
                    for id in ["r1", "r2", "r3"] { try await h.regions.decide(in: id) }
                    #expect(try await h.regions.waitUntilConverged())
                    for _ in 0..<3 { try await h.regions.decide(in: "r1") }
                    try await h.loseRegion("r1")
                }))
    }

    /// r1 back after a switchover to r2.
    @Test func failbackAfterASwitchover() async throws {
        try await run(
            RunbookScenario(
                "failback.md",
                setup: { h in
                    try await h.regions.decide(in: "r1")
                    try await h.expectSuccess(["switchover", "--from", "r1", "--to", "r2", "--yes", "--reason", "runbook test setup"])
                }))
    }

    /// r1 back (started fenced) after it was lost and failed over to r2.
    @Test func failbackAfterAForcedFailover() async throws {
        try await run(
            RunbookScenario(
                "failback.md",
                setup: { h in
                    try await h.regions.decide(in: "r1")
                    #expect(try await h.regions.waitUntilConverged())
                    try await h.loseRegion("r1")
                    try await h.expectSuccess(["failover", "--from", "r1", "--to", "r2", "--allow-data-loss", "--yes", "--reason", "runbook test setup"])
                    try await h.restoreRegion("r1")
                }))
    }

    @Test func drDrill() async throws {
        try await run(RunbookScenario("dr-drill.md"))
    }

    /// r3 is the new region: nothing of it runs until the runbook's first start.
    @Test func regionBootstrap() async throws {
        try await run(
            RunbookScenario(
                "region-bootstrap.md", start: ["r1", "r2"],
                before: [("4. First start", { h in try await h.startRegion("r3") })]))
    }

    /// The rotation done for real: the keys the runbook generates are added to r1's region file
    /// and every relay-dr restarts with the files (step 2), then r1's relay-dr signs with the new
    /// ledger key and its next batches must reach every peer (step 3, before "Verify").
    @Test func keyRotation() async throws {
        try await run(
            RunbookScenario(
                "key-rotation.md",
                before: [
                    ("2. Add the entries", { h in
                        for purpose in ["ledger", "seal"] {
                            let arguments = ["keys", "show", "--key", "r1-\(purpose)-2026-07.key", "--purpose", purpose, "--valid-from", "2026-07-01T00:00:00Z"]
                            let (status, entry) = try await h.relayDR(arguments)
                            try #require(status == 0, "relay-dr \(arguments.joined(separator: " ")): \(entry)")
                            try h.addKeyEntry(entry, to: "r1")
                        }
                        let files = try RegionSet.load(directory: h.regionsDir)
                        try await h.restartDaemon("r2") { $0.regions = files }
                        try await h.restartDaemon("r3") { $0.regions = files }
                    }),
                    ("Verify", { h in
                        let files = try RegionSet.load(directory: h.regionsDir)
                        let key = try KeySource.file(h.work.appendingPathComponent("r1-ledger-2026-07.key").path).load()
                        try await h.restartDaemon("r1") {
                            $0.regions = files
                            $0.ledgerKey = key
                        }
                        try await h.regions.decide(in: "r1")
                        try #require(try await h.regions.waitUntilConverged(), "r1's batches signed with its new ledger key did not reach every peer")
                    }),
                ]))
    }

    /// Runs `scenario`'s runbook; the first command that does not exit as written fails the test
    /// with the runbook, line, command and output, and ends the scenario (later steps build on it).
    func run(_ scenario: RunbookScenario) async throws {
        let commands = try RunbookCommands.extract(markdown: String(contentsOfFile: Runbooks.path(scenario.runbook), encoding: .utf8), runbook: scenario.runbook)
        try #require(!commands.isEmpty, "runbooks/\(scenario.runbook) has no relay-dr command")
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first (swift build)")
        try await TemporaryDirectory.with(prefix: "relay-runbook-") { dir in
            try await TestRegions.with(start: scenario.start, configure: { $0.adminToken = Self.token }) { regions in
                for id in scenario.start { try await regions.startGateway(id) }
                let h = try RunbookHarness(regions: regions, directory: dir.url)
                // `relay-dr drill --kill` crashes and restarts a region through these requests.
                let drills = Task { await h.serveDrillRequests() }
                defer { drills.cancel() }
                try await scenario.setup(h)
                var hooks = scenario.before
                for command in commands {
                    while let i = hooks.firstIndex(where: { command.section.hasPrefix($0.section) }) {
                        try await hooks.remove(at: i).action(h)
                    }
                    guard command.skipReason == nil else { continue }
                    let arguments = RunbookCommands.testArguments(command, regions: Runbooks.testRegions, regionsDir: h.regionsDir)
                    let (status, output) = try await h.relayDR(arguments)
                    guard status == command.expectedExit else {
                        Issue.record(
                            """
                            \(command)
                            exited \(status), the runbook expects \(command.expectedExit) (\(scenario.runbook), section "\(command.section)")
                            ran: relay-dr \(arguments.joined(separator: " "))
                            output:
                            \(output.suffix(6000))
                            """)
                        return
                    }
                }
                #expect(hooks.isEmpty, "scenario steps before sections the runbook no longer has: \(hooks.map(\.section))")
            }
        }
    }
}
}

/// A runbook and the situation its commands are run in.
struct RunbookScenario: Sendable {
    typealias Step = @Sendable (RunbookHarness) async throws -> Void
    let runbook: String
    /// Regions whose relay-dr and gateway run from the start.
    let start: [String]
    /// What happened before the operator opened the runbook.
    let setup: Step
    /// What the operator does by other means (SQL, starting a process) before the first command
    /// of a section whose heading begins with `section`.
    let before: [(section: String, action: Step)]

    init(_ runbook: String, start: [String] = ["r1", "r2", "r3"], setup: @escaping Step = { _ in }, before: [(section: String, action: Step)] = []) {
        self.runbook = runbook
        self.start = start
        self.setup = setup
        self.before = before
    }
}

/// The cluster of a scenario and the way to run `relay-dr` against it as an operator would.
struct RunbookHarness: Sendable {
    let regions: TestRegions
    /// Region files and the daemons' key files.
    let config: URL
    /// The operator's working folder (keys they generate land here).
    let work: URL

    var regionsDir: String { config.appendingPathComponent("regions").path }

    init(regions: TestRegions, directory: URL) throws {
        self.regions = regions
        config = directory.appendingPathComponent("config")
        work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try DRProcess.writeConfig(regions, to: config)
    }

    /// Runs the built `relay-dr` with `arguments` in the working folder: the region files and
    /// admin token in the environment, and the database of the region named by `--region` as
    /// RELAY_DB_* (as on a host of that region). Returns its exit status and output.
    func relayDR(_ arguments: [String], timeout: Duration = .seconds(300)) async throws -> (Int32, String) {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RELAY_") }
        env["RELAY_REGIONS_DIR"] = regionsDir
        env["RELAY_DR_ADMIN_TOKEN"] = MultiRegionSuites.RunbookCommandTests.token
        env["USER"] = "runbook-test"
        env["RELAY_DRILL_KILL_COMMAND"] = drillRequest("kill")
        env["RELAY_DRILL_RESTART_COMMAND"] = drillRequest("restart")
        if let i = arguments.firstIndex(of: "--region"), i + 1 < arguments.count, let n = regions.nodes.first(where: { $0.id == arguments[i + 1] }) {
            env["RELAY_DB_HOST"] = n.cluster.host
            env["RELAY_DB_PORT"] = String(n.cluster.port)
            env["RELAY_DB_NAME"] = n.databaseName
            env["RELAY_DB_USER"] = n.cluster.superuser
        }
        let result = try await RelayDRInvocation.run(arguments, environment: env, directory: work, timeout: timeout, merged: true)
        return (result.status, result.stdout)
    }

    /// Runs a setup command that must succeed.
    func expectSuccess(_ arguments: [String]) async throws {
        let (status, output) = try await relayDR(arguments)
        try #require(status == 0, "setup: relay-dr \(arguments.joined(separator: " ")) exited \(status):\n\(output.suffix(6000))")
    }

    func sql(_ id: String, _ query: String) async throws {
        let n = regions.node(id)
        _ = try await n.cluster.psql(query, database: n.databaseName)
    }

    /// The region is lost: its gateway and relay-dr stop, its PostgreSQL is killed (kill -9).
    func loseRegion(_ id: String) async throws {
        await regions.stopGateway(id)
        await regions.stop(id)
        try regions.node(id).cluster.kill9()
    }

    /// Pastes a `keys:` entry printed by `relay-dr keys` into region `id`'s file.
    func addKeyEntry(_ entry: String, to id: String) throws {
        let file = URL(fileURLWithPath: regionsDir).appendingPathComponent("\(id).yaml")
        let yaml = try String(contentsOf: file, encoding: .utf8)
        try #require(yaml.contains("\nkeys:\n") && entry.hasPrefix("  - purpose: "), "cannot paste \(entry) into \(file.path)")
        try yaml.replacingOccurrences(of: "\nkeys:\n", with: "\nkeys:\n" + entry).write(to: file, atomically: true, encoding: .utf8)
    }

    /// Restarts region `id`'s relay-dr with `change` applied to its configuration.
    func restartDaemon(_ id: String, _ change: @escaping @Sendable (inout DRConfiguration) -> Void) async throws {
        await regions.stop(id)
        regions.start(id) { c in
            c.adminToken = MultiRegionSuites.RunbookCommandTests.token
            change(&c)
        }
        try await regions.waitUntilListening()
    }

    /// The lost region is back: PostgreSQL (crash recovery), then relay-dr, then the gateway.
    func restoreRegion(_ id: String) async throws {
        try await regions.node(id).cluster.restart()
        try await startRegion(id)
    }

    /// The shell command a drill runs to have the test `kill` (gateway stopped, PostgreSQL
    /// killed -9) or `restart` a region: it leaves a request file and waits for its answer.
    func drillRequest(_ what: String) -> String {
        let dir = work.appendingPathComponent("drill").path
        return "mkdir -p \(dir) && touch \(dir)/\(what)-{region} && while [ ! -e \(dir)/\(what)-{region}.done ]; do sleep 0.05; done && rm \(dir)/\(what)-{region}.done"
    }

    /// Carries out the drill's requests (see `drillRequest`) until cancelled.
    func serveDrillRequests() async {
        let dir = work.appendingPathComponent("drill")
        while !Task.isCancelled {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !name.hasSuffix(".done") {
                let parts = name.split(separator: "-", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
                if parts[0] == "kill" {
                    await regions.stopGateway(parts[1])
                    try? regions.node(parts[1]).cluster.kill9()
                } else {
                    try? await regions.node(parts[1]).cluster.restart()
                    try? await regions.startGateway(parts[1])
                }
                FileManager.default.createFile(atPath: dir.appendingPathComponent(name + ".done").path, contents: nil)
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Starts the region's relay-dr and gateway and waits until they answer.
    func startRegion(_ id: String) async throws {
        regions.start(id) { $0.adminToken = MultiRegionSuites.RunbookCommandTests.token }
        try await regions.waitUntilListening()
        try await regions.startGateway(id)
    }
}

/// Where the runbooks are and how their region names map to the test's.
enum Runbooks {
    static let testRegions = ["us-east-1": "r1", "eu-west-1": "r2", "ap-southeast-2": "r3"]

    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("runbooks").path
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    /// Every `runbooks/*.md`, sorted.
    static func all() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }.sorted()
    }

    /// The runbooks `RunbookCommandTests` has a scenario for.
    static let scenarios: Set<String> = [
        "switchover.md", "replication-lag.md", "chain-divergence.md", "region-lost.md", "failback.md", "dr-drill.md",
        "region-bootstrap.md", "key-rotation.md",
    ]
}

/// The extraction and substitution the runbook test relies on (no I/O but reading the runbooks).
@Suite struct RunbookCommandExtractionTests {
    @Test func commandsComeFromShellFencesWithTheirMarkersAndSections() throws {
        let markdown = """
            # Runbook
            ```sh
            relay-dr list                     # prose, not a marker
            $ relay-dr status   # exits 1: us-east-1 is down
            curl -s http://x/health
            # relay-dr history  (a comment line)
            ```
            ## Do
            ```bash
            relay-dr switchover --from us-east-1 --to eu-west-1 \\
              --reason "CHG-1 #42 'upgrade'"
            relay-dr run   # not run by the test: the daemon itself
            ```
            ```yaml
            relay-dr: not a command
            ```
            ```text
            relay-dr list
            ```
            """
        let commands = try RunbookCommands.extract(markdown: markdown, runbook: "t.md")
        #expect(commands.map(\.line) == [3, 4, 10, 12])
        #expect(commands.map(\.section) == ["Runbook", "Runbook", "Do", "Do"])
        #expect(commands[0].arguments == ["list"] && commands[0].expectedExit == 0 && commands[0].text == "relay-dr list")
        #expect(commands[1].arguments == ["status"] && commands[1].expectedExit == 1)
        #expect(commands[2].arguments == ["switchover", "--from", "us-east-1", "--to", "eu-west-1", "--reason", "CHG-1 #42 'upgrade'"])
        #expect(commands[2].expectedExit == 0 && commands[2].skipReason == nil)
        #expect(commands[3].skipReason == "the daemon itself")
        #expect(commands[2].description == "runbooks/t.md:10: relay-dr switchover --from us-east-1 --to eu-west-1 --reason \"CHG-1 #42 'upgrade'\"")
    }

    @Test func regionNamesRegionsDirAndConfirmationAreSubstituted() throws {
        let command = try RunbookCommands.command(
            "relay-dr switchover --regions-dir regions/local --from us-east-1 --to eu-west-1 --reason 'us-east-1 to eu-west-1'",
            runbook: "t.md", line: 1, section: "")
        #expect(
            RunbookCommands.testArguments(command, regions: Runbooks.testRegions, regionsDir: "/tmp/x")
                == ["switchover", "--regions-dir", "/tmp/x", "--from", "r1", "--to", "r2", "--reason", "r1 to r2", "--yes"])
        let keys = try RunbookCommands.command("relay-dr keys generate --region ap-southeast-2 --purpose seal --out ap-southeast-2-seal.key", runbook: "t.md", line: 1, section: "")
        #expect(
            RunbookCommands.testArguments(keys, regions: Runbooks.testRegions, regionsDir: "/tmp/x")
                == ["keys", "generate", "--region", "r3", "--purpose", "seal", "--out", "r3-seal.key"])
        let dry = try RunbookCommands.command("relay-dr failback --to us-east-1 --dry-run --yes", runbook: "t.md", line: 1, section: "")
        #expect(RunbookCommands.testArguments(dry, regions: Runbooks.testRegions, regionsDir: "/tmp/x") == ["failback", "--to", "r1", "--dry-run", "--yes"])
    }

    @Test func shellSyntaxAndIncompleteMarkersAreRefusedWithTheLine() {
        for (line, reason) in [
            ("relay-dr list --json | jq .", "shell syntax `|`"),
            ("relay-dr switchover --from $A --to eu-west-1", "shell syntax `$`"),
            ("relay-dr pause --region <region>", "shell syntax `<`"),
            ("relay-dr pause --region us-east-1 --reason \"x", "unterminated quote"),
            ("relay-dr status   # exits", "`# exits` needs a status"),
            ("relay-dr run   # not run by the test", "needs the reason"),
        ] {
            #expect(throws: RunbookSyntaxError.self) { try RunbookCommands.command(line, runbook: "t.md", line: 7, section: "") }
            do {
                _ = try RunbookCommands.command(line, runbook: "t.md", line: 7, section: "")
            } catch {
                #expect(error.description.hasPrefix("runbooks/t.md:7: ") && error.reason.contains(reason), "\(error)")
            }
        }
    }

    /// A runbook without a scenario would never be run: add one to RunbookCommandTests.
    @Test func everyRunbookParsesAndHasAScenario() throws {
        let names = try Runbooks.all()
        #expect(names.count >= 8)
        #expect(Set(names) == Runbooks.scenarios, "runbooks without a scenario: \(Set(names).subtracting(Runbooks.scenarios))")
        for name in names {
            let text = try String(contentsOfFile: Runbooks.path(name), encoding: .utf8)
            let commands = try RunbookCommands.extract(markdown: text, runbook: name)
            #expect(!commands.isEmpty, "\(name) has no relay-dr command")
            #expect(!text.contains("DESIGN.md"), "\(name) cites DESIGN.md")
            #expect(text.contains("**Conventions.**"), "\(name) does not state the conventions at the top")
        }
    }
}
