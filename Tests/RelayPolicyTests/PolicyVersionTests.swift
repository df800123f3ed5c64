import RelayPolicy
import Testing

/// The policy version: `version` string(s) plus a short hash over file names and bytes.
struct PolicyVersionTests {
    private static let one = "version: \"1.0.0\"\nrules: [{name: a, action: allow}]\n"
    private static let two = "version: \"1.0.0\"\nrules: [{name: b, action: allow}]\n"

    private func version(_ files: [String: String]) throws -> String {
        try PolicyFixtures.withDirectory(files) { try PolicySet.load(directory: $0).version }
    }

    @Test func versionIsTheFileVersionPlusAKnownHash() throws {
        // sha256(b"a.yaml\0" + one + b"\0")[:8], computed independently.
        #expect(try version(["a.yaml": Self.one]) == "1.0.0+\(Self.expectedHashOne)")
        // Two files: "a.yaml\0<one>\0b.yaml\0<two>\0".
        #expect(try version(["a.yaml": Self.one, "b.yaml": Self.two]) == "1.0.0+\(Self.expectedHashTwo)")
    }

    @Test func versionIsStableAcrossLoadsAndDirectories() throws {
        let first = try version(["a.yaml": Self.one, "b.yaml": Self.two])
        let second = try version(["b.yaml": Self.two, "a.yaml": Self.one])
        #expect(first == second)
        // In-memory parsing with a different directory prefix gives the same version.
        let inMemory = try PolicySet(files: [
            PolicySet.parse(yaml: Self.two, file: "/elsewhere/b.yaml"),
            PolicySet.parse(yaml: Self.one, file: "relative/a.yaml"),
        ]).version
        #expect(inMemory == first)
    }

    @Test func anyByteChangeOrRenameChangesTheHash() throws {
        let base = try version(["a.yaml": Self.one])
        #expect(try version(["a.yaml": Self.one + "# a comment\n"]) != base)
        #expect(try version(["a.yaml": Self.one.replacingOccurrences(of: "\n", with: "\r\n")]) != base)
        #expect(try version(["a.yml": Self.one]) != base)
        #expect(try version(["a.yaml": Self.one, "z.yaml": Self.two]) != base)
        #expect(try version(["a.yaml": Self.one + "\n"]).hasPrefix("1.0.0+"))
    }

    @Test func differingVersionsAreJoinedInFileOrderWithoutRepeats() throws {
        let v = try version([
            "c.yaml": "version: \"3\"\nrules: [{name: c, action: allow}]\n",
            "a.yaml": "version: \"2\"\nrules: [{name: a, action: allow}]\n",
            "b.yaml": "version: \"3\"\nrules: [{name: b, action: allow}]\n",
            "d.yaml": "version: \"2\"\nrules: [{name: d, action: allow}]\n",
        ])
        let parts = v.split(separator: "+")
        #expect(parts.count == 2)
        #expect(parts.first == "2,3")
        #expect(parts.last?.count == 8)
    }

    @Test func decisionsCarryThePolicyVersion() throws {
        let policies = try PolicyFixtures.policies(Self.one, file: "a.yaml")
        #expect(policies.version == "1.0.0+\(Self.expectedHashOne)")
        #expect(policies.evaluate(PolicyFixtures.input()).policyVersion == policies.version)
    }

    private static let expectedHashOne = "72618bf9"
    private static let expectedHashTwo = "c8d96f1c"
}
