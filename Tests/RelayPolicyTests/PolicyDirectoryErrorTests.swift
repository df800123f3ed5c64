import Foundation
import RelayPolicy
import RelayTestSupport
import Testing

/// Rejected policy files and folders: across files, encodings, missing folders (file, line, reason).
struct PolicyDirectoryErrorTests {
    // MARK: Across files and directories

    @Test func duplicateRuleNamesAcrossFilesNameBothLocations() throws {
        let error = try PolicyFixtures.withDirectory([
            "a.yaml": "version: \"1\"\nrules:\n  - name: first\n    action: allow\n  - name: shared\n    action: allow\n",
            "b.yaml": "version: \"1\"\nrules:\n  - name: other\n    action: allow\n\n  - name: shared\n    action: deny\n    reason: r\n",
        ]) { directory in
            (PolicyFixtures.loadError(directory: directory), directory)
        }
        let (loadError, directory) = error
        #expect(
            loadError
                == PolicyLoadError(
                    file: directory + "/b.yaml", line: 6,
                    reason: "duplicate rule name 'shared' (first defined at \(directory)/a.yaml:5)"))
    }

    @Test func duplicateRuleNamesInOneFileNameBothLocations() {
        expectRejected(
            """
            version: "1"
            rules:
              - name: same
                action: allow
              - name: same
                action: deny
                reason: r
            """, line: 5, "duplicate rule name 'same' (first defined at policies/test.yaml:3)")
    }

    @Test func errorsInDirectoryFilesUseTheDirectoryPath() throws {
        let result = try PolicyFixtures.withDirectory([
            "finance.yaml": "version: \"1\"\nrules:\n  - name: x\n    condtion: {provider: stripe}\n    action: allow\n"
        ]) { directory in
            (PolicyFixtures.loadError(directory: directory), directory)
        }
        let (error, directory) = result
        #expect(error?.file == directory + "/finance.yaml")
        #expect(error?.line == 4)
        #expect(
            error?.description
                == "\(directory)/finance.yaml:4: unknown key 'condtion' in rule 'x' (expected one of: name, description, "
                + "condition, parameter_constraints, action, reason); did you mean 'condition'?")
    }

    @Test func directoryWithoutPolicyFilesIsRejected() throws {
        let result = try PolicyFixtures.withDirectory(["README.md": "x", ".hidden.yaml": "x", "policy.yaml.bak": "x"]) {
            (PolicyFixtures.loadError(directory: $0), $0)
        }
        #expect(result.0 == PolicyLoadError(file: result.1, line: nil, reason: "no policy files (*.yaml, *.yml) found"))
    }

    @Test func missingDirectoryIsRejected() {
        let directory = "/nonexistent/relay-policies-\(UUID().uuidString)"
        let error = PolicyFixtures.loadError(directory: directory)
        #expect(error?.file == directory)
        #expect(error?.line == nil)
        #expect(error?.reason.hasPrefix("cannot read policy directory") == true)
    }

    @Test func invalidUTF8IsRejected() throws {
        try TemporaryDirectory.with(prefix: "relay-policy-") { directory in
            try Data([0x76, 0x3A, 0x20, 0xFF, 0x0A]).write(to: directory.url.appendingPathComponent("bad.yaml"))
            #expect(
                PolicyFixtures.loadError(directory: directory.path)
                    == PolicyLoadError(file: directory.path("bad.yaml"), line: nil, reason: "file is not valid UTF-8"))
        }
    }

    @Test func oneBadFileRejectsTheWholeDirectory() throws {
        let result = try PolicyFixtures.withDirectory([
            "a.yaml": "version: \"1\"\nrules: [{name: a, action: allow}]\n",
            "b.yml": "version: \"1\"\nrules: []\n",
        ]) { (PolicyFixtures.loadError(directory: $0), $0) }
        #expect(result.0 == PolicyLoadError(file: result.1 + "/b.yml", line: 2, reason: "rules: must contain at least one rule"))
    }

    @Test func byteOrderMarkIsAcceptedAndLinesStillCount() throws {
        let file = try PolicySet.parse(yaml: "\u{FEFF}version: \"1\"\nrules:\n  - name: a\n    action: allow\n", file: "bom.yaml")
        #expect(file.rules.first?.location.line == 3)
        expectRejected("\u{FEFF}version: \"1\"\nrules:\n  - name: a\n    action: permit\n", line: 4, "rules[0].action")
    }

    @Test func windowsLineEndingsKeepLineNumbers() throws {
        let yaml = "version: \"1\"\r\nrules:\r\n  - name: a\r\n    action: allow\r\n  - name: b\r\n    action: permit\r\n"
        expectRejected(yaml, line: 6, "rules[1].action: expected 'allow' or 'deny', got 'permit'")
    }

    @Test func descriptionFormatsWithAndWithoutALine() {
        #expect(PolicyLoadError(file: "f.yaml", line: 12, reason: "r").description == "f.yaml:12: r")
        #expect(PolicyLoadError(file: "dir", line: nil, reason: "r").description == "dir: r")
    }
}
