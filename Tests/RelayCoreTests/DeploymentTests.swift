import Foundation
import RelayTestSupport
import Testing

/// The production deployment (`deploy/`) checked with the ecosystem's own tools, since no AWS
/// account or Prometheus server is at hand: cfn-lint on the CloudFormation templates, a
/// structural checker for the security and consistency rules cfn-lint does not know, promtool on
/// the alert rules and their unit tests, and the Route 53 hook's dry run validated against the
/// Route 53 API model. The Python tools live in `.local/venv-deploy` (scripts/install-deps.sh).
@Suite(.serialized) struct DeploymentTests {
    static let root = SourceTree.current.root.path
    static let venv = root + "/.local/venv-deploy/bin"
    static let regionTemplate = "deploy/aws/relay-region.yaml"
    static let hook = "deploy/aws/hooks/route53-switch.sh"

    /// Runs `tool arguments` from the repository root; a missing tool fails with how to install it.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String = "") async throws
        -> ChildProcess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("\(tool) is missing: run scripts/install-deps.sh (it installs the deployment tools)")
            throw CancellationError()
        }
        let paths = arguments.map { $0.hasPrefix("deploy/") ? root + "/" + $0 : $0 }
        return try await ChildProcess.run(tool, paths, environment: environment, stdin: Array(stdin.utf8))
    }

    static func templates() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/deploy/aws").filter { $0.hasSuffix(".yaml") }.sorted()
            .map { "deploy/aws/" + $0 }
    }

    // MARK: - CloudFormation

    @Test func cfnLintFindsNothingInAnyTemplate() async throws {
        let templates = try Self.templates()
        #expect(templates == ["deploy/aws/relay-global.yaml", "deploy/aws/relay-region.yaml"])
        // cfn-lint's own entry point, through the venv's python (its script exists only where
        // the venv installed it rather than found it among the python3's packages).
        let out = try await Self.run(
            Self.venv + "/python", ["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", "--format", "parseable"] + templates)
        #expect(out.status == 0, "cfn-lint:\n\(out.stdout)\(out.stderr)")
    }

    /// No public database, encryption on, tasks in private subnets, secrets only through
    /// `Secrets`, every IAM write scoped to named resources, every variable one the executables
    /// read, region ids, RPO targets, host names and ports as `regions/*.yaml` says.
    @Test func templatesKeepTheSecurityAndConsistencyRules() async throws {
        let out = try await Self.run(Self.venv + "/python", ["deploy/aws/check_templates.py", "--root", Self.root])
        #expect(out.status == 0, "check_templates.py:\n\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("relay-region.yaml: ok") && out.stdout.contains("relay-global.yaml: ok"), "\(out.stdout)")
    }

    /// One deliberate mistake per rule, each in a copy of the real regional template: the checker
    /// must refuse it and name the violation.
    @Test(arguments: [
        BadTemplate("public database", "PubliclyAccessible: false", "PubliclyAccessible: true", "publicly accessible"),
        BadTemplate("unencrypted database", "StorageEncrypted: true", "StorageEncrypted: false", "StorageEncrypted"),
        BadTemplate("TLS not forced", "rds.force_ssl: 1", "rds.force_ssl: 0", "rds.force_ssl"),
        BadTemplate(
            "write action on every resource",
            "Resource: !Sub arn:${AWS::Partition}:route53:::hostedzone/${HostedZoneId}", "Resource: \"*\"",
            "route53:ChangeResourceRecordSets on Resource '*'"),
        BadTemplate("task with a public IP", "AssignPublicIp: DISABLED", "AssignPublicIp: ENABLED", "AssignPublicIp"),
        BadTemplate("a variable nobody reads", "- Name: RELAY_OPA_URL", "- Name: RELAY_OPA_ULR", "no executable reads RELAY_OPA_ULR"),
        BadTemplate(
            "a secret as a plain value", "- Name: RELAY_OPA_URL", "- Name: RELAY_JWT_SECRET\n  Value: not-a-secret\n- Name: RELAY_OPA_URL",
            "RELAY_JWT_SECRET is a secret"),
        BadTemplate("RPO target drifted", "RpoSeconds: 10", "RpoSeconds: 60", "rpo_seconds"),
        BadTemplate("replication port drifted", "ReplicationListenerPort: 7443", "ReplicationListenerPort: 8443", "dr_url"),
    ])
    func checkerRefusesABadTemplate(_ bad: BadTemplate) async throws {
        let text = try String(contentsOfFile: Self.root + "/" + Self.regionTemplate, encoding: .utf8)
        let mutated = try #require(bad.apply(to: text), "\(bad.name): '\(bad.find)' is not in \(Self.regionTemplate)")
        try await TemporaryDirectory.with(prefix: "relay-deploy-") { dir in
            let file = dir.url.appendingPathComponent("relay-region.yaml").path
            try mutated.write(toFile: file, atomically: true, encoding: .utf8)
            let out = try await Self.run(Self.venv + "/python", ["deploy/aws/check_templates.py", "--root", Self.root, file])
            #expect(out.status == 1, "\(bad.name): the checker accepted it\n\(out.stdout)\(out.stderr)")
            #expect(out.stdout.contains(bad.expected), "\(bad.name): no '\(bad.expected)' in\n\(out.stdout)\(out.stderr)")
        }
    }

    // MARK: - Prometheus and Grafana

    @Test func alertRulesPassPromtoolAndTheirUnitTests() async throws {
        let check = try await Self.run("/usr/bin/promtool", ["check", "rules", "deploy/prometheus/relay-alerts.yml"])
        #expect(check.status == 0, "promtool check rules:\n\(check.stdout)\(check.stderr)")
        let test = try await Self.run("/usr/bin/promtool", ["test", "rules", "deploy/prometheus/relay-alerts.test.yml"])
        #expect(test.status == 0, "promtool test rules:\n\(test.stdout)\(test.stderr)")
    }

    /// Rules, dashboard and the CloudWatch agent's metric selection name only series the gateway
    /// and relay-dr export; every alert has a firing and a quiet unit test; the RPO thresholds are
    /// the region files' targets; every dashboard query parses.
    @Test func monitoringUsesOnlyTheMetricsTheDaemonsExport() async throws {
        let out = try await Self.run(Self.venv + "/python", ["deploy/check_monitoring.py", "--root", Self.root])
        #expect(out.status == 0, "check_monitoring.py:\n\(out.stdout)\(out.stderr)")
    }

    // MARK: - Route 53 hook

    static func hookEnvironment(kind: String, from: String, to: String) -> [String: String] {
        // No aws on PATH: a dry run must need nothing but the shell.
        [
            "PATH": "/usr/bin:/bin", "RELAY_HOOK": "on_route_change", "RELAY_EVENT_KIND": kind, "RELAY_FROM": from, "RELAY_TO": to,
            "RELAY_EVENT_ID": "\(kind):\(to):0b7d1f6e-0000-4000-8000-000000000001", "RELAY_EPOCH": "2",
        ]
    }

    static let hookOptions = ["deploy/aws/hooks/route53-switch.sh", "--hosted-zone-id", "Z0123456789EXAMPLE", "--domain", "example.com"]

    /// The switchover moves us-east-1's name to eu-west-1's load balancer; the failback moves it home.
    @Test(arguments: [
        ("switchover", "us-east-1", "eu-west-1", "eu-west-1"),
        ("failover", "eu-west-1", "ap-southeast-2", "ap-southeast-2"),
        ("failback", "eu-west-1", "us-east-1", "us-east-1"),
    ])
    func hookDryRunPrintsTheChangeBatch(kind: String, from: String, to: String, serving: String) async throws {
        let moved = kind == "failback" ? to : from
        let out = try await Self.run(
            "/bin/sh", Self.hookOptions + ["--dry-run"], environment: Self.hookEnvironment(kind: kind, from: from, to: to))
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stderr.contains("dry run"), "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(out.stdout)")
        let changes = try #require(json["Changes"] as? [[String: Any]])
        #expect(changes.count == 1)
        let change = try #require(changes.first)
        #expect(change["Action"] as? String == "UPSERT")
        let set = try #require(change["ResourceRecordSet"] as? [String: Any])
        #expect(set["Name"] as? String == "relay.\(moved).example.com.")
        #expect(set["Type"] as? String == "A")
        let alias = try #require(set["AliasTarget"] as? [String: Any])
        #expect(alias["DNSName"] as? String == "\(serving).origin.example.com.")
        #expect(alias["HostedZoneId"] as? String == "Z0123456789EXAMPLE")
        #expect((json["Comment"] as? String)?.contains("\(kind):\(to):") == true)

        // The Route 53 API model (botocore, the AWS CLI's) accepts it as ChangeResourceRecordSets input.
        let valid = try await Self.run(
            Self.venv + "/python", ["deploy/aws/hooks/validate_change_batch.py", "Z0123456789EXAMPLE"], stdin: out.stdout)
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
    }

    @Test func hookRefusesWhatItCannotDoAndNeverGuesses() async throws {
        let env = Self.hookEnvironment(kind: "switchover", from: "us-east-1", to: "eu-west-1")
        // Without --dry-run it needs the AWS CLI, and says so: a PATH with the shell's tools only.
        try await TemporaryDirectory.with(prefix: "relay-hook-path-") { dir in
            for tool in ["grep", "tr", "cut", "cat", "sed", "mktemp", "rm"] {
                try FileManager.default.createSymbolicLink(atPath: dir.url.appendingPathComponent(tool).path, withDestinationPath: "/usr/bin/\(tool)")
            }
            var bare = env
            bare["PATH"] = dir.url.path
            let noCLI = try await Self.run("/bin/sh", Self.hookOptions, environment: bare)
            #expect(noCLI.status == 2 && noCLI.stderr.contains("AWS CLI"), "\(noCLI.status) \(noCLI.stderr)")
            #expect(noCLI.stdout.isEmpty)
        }
        // A region id that is not one.
        var bad = env
        bad["RELAY_TO"] = "eu-west-1;rm"
        let badRegion = try await Self.run("/bin/sh", Self.hookOptions + ["--dry-run"], environment: bad)
        #expect(badRegion.status == 2 && badRegion.stderr.contains("RELAY_TO"), "\(badRegion.stderr)")
        // Run as the other hook, it changes nothing.
        var prePromote = env
        prePromote["RELAY_HOOK"] = "pre_promote"
        let wrongHook = try await Self.run("/bin/sh", Self.hookOptions + ["--dry-run"], environment: prePromote)
        #expect(wrongHook.status == 2 && wrongHook.stderr.contains("on_route_change"), "\(wrongHook.stderr)")
        // No hosted zone.
        let noZone = try await Self.run("/bin/sh", [Self.hook, "--domain", "example.com", "--dry-run"], environment: env)
        #expect(noZone.status == 2 && noZone.stderr.contains("--hosted-zone-id"), "\(noZone.stderr)")
    }
}

/// A deliberate mistake: `find` (at the start of a line of the template) replaced by `replace`, and
/// what the checker's refusal must say. Multi-line replacements keep the indentation of the found line.
struct BadTemplate: Sendable, CustomTestStringConvertible {
    let name: String
    let find: String
    let replace: String
    let expected: String

    init(_ name: String, _ find: String, _ replace: String, _ expected: String) {
        self.name = name
        self.find = find
        self.replace = replace
        self.expected = expected
    }

    var testDescription: String { name }

    /// Replaces every line that starts (after its indentation) with `find`; nil when none does.
    func apply(to text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        let hits = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(find) }
        guard !hits.isEmpty else { return nil }
        for index in hits {
            let line = lines[index]
            let indent = String(line.prefix { $0 == " " })
            let rest = line.trimmingCharacters(in: .whitespaces).dropFirst(find.count)
            lines[index] = replace.components(separatedBy: "\n").map { indent + $0 }.joined(separator: "\n") + rest
        }
        return lines.joined(separator: "\n")
    }
}
