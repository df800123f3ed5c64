import Foundation
import Testing

/// The dependency rules between Relay's modules (docs/architecture.md), checked on the `import`
/// lines of every file under `Sources/` and on Package.swift's dependency lists, so that a
/// forbidden dependency fails here instead of spreading.
struct ModuleBoundaryTests {
    /// What each library under `Sources/` may depend on.
    static let rules: [String: ImportRule] = [
        // Pure: values, parsing, canonical JSON, hashing, signing, decisions. Foundation for value
        // types (URL, regular expressions, formatting), Crypto for SHA-256 and Ed25519, Yams to
        // parse YAML text. No logging (errors are values; callers log), no locks, no networking,
        // no database, no C library: files, the environment and the clock are RelaySystem's.
        "RelayCore": ImportRule(relay: .only([]), external: ["Foundation", "Crypto", "Yams"]),
        // What Relay reads from the machine it runs on: files, environment, clock; and the
        // operator's commands it runs there (region hooks, `ShellCommand`). Nothing more.
        "RelaySystem": ImportRule(
            relay: .only(["RelayCore"]), external: ["Foundation", "Synchronization", "Glibc", "Musl", "Darwin"]),
        "RelayStore": ImportRule(relay: .only(["RelayCore"])),
        "RelayLedger": ImportRule(relay: .only(["RelayCore", "RelayStore"])),
        "RelayPolicy": ImportRule(relay: .only(["RelayCore"])),
        // The gateway keeps serving whatever relay-dr does; local runs are only for tests and demos.
        "RelayGateway": ImportRule(relay: .never(["RelayReplication", "RelayLocal", "RelayTestSupport"])),
        // relay-dr moves ledgers: it never evaluates policies or serves the API.
        "RelayReplication": ImportRule(relay: .never(["RelayGateway", "RelayPolicy", "RelayLocal", "RelayTestSupport"])),
        "RelayLocal": ImportRule(relay: .never(["RelayTestSupport"])),
    ]

    /// The executables (`relay-gateway`, `relay-dr`, `relay-local`) may use any library.
    static let executableRule = ImportRule(relay: .never(["RelayTestSupport"]))

    let tree = SourceTree.current

    /// The targets of Package.swift.
    private func packageTargets() throws -> [PackageTarget] {
        PackageTarget.parse(manifest: try tree.packageManifest())
    }

    /// The rule for `module`, nil when it has none (a new library must be given one).
    private func rule(for module: String, in targets: [PackageTarget]) -> ImportRule? {
        if let rule = Self.rules[module] { return rule }
        return targets.first { $0.name == module }?.kind == "executableTarget" ? Self.executableRule : nil
    }

    @Test func everyModuleUnderSourcesIsATargetWithARule() throws {
        let targets = try packageTargets()
        let modules = try tree.modules()
        #expect(modules.contains("RelayCore") && modules.contains("RelaySystem"))
        for module in modules {
            #expect(targets.contains { $0.name == module }, "Sources/\(module) is not a target of Package.swift")
            #expect(rule(for: module, in: targets) != nil, "give Sources/\(module) an import rule in ModuleBoundaryTests.rules")
        }
    }

    @Test func importLinesFollowTheRules() throws {
        let targets = try packageTargets()
        let ours = Set(targets.map(\.name))
        var violations: [String] = []
        for module in try tree.modules() {
            guard let rule = rule(for: module, in: targets) else { continue }
            let files = try tree.swiftFiles(of: module)
            #expect(!files.isEmpty, "no Swift files read under Sources/\(module)")
            for file in files {
                for imported in ImportLines.modules(in: file.text) where imported != module && !rule.allows(imported, ours: ours) {
                    violations.append("\(file.path) imports \(imported), which \(module) must not depend on")
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test func packageDependenciesFollowTheRules() throws {
        let targets = try packageTargets()
        let ours = Set(targets.map(\.name))
        let core = try #require(targets.first { $0.name == "RelayCore" })
        #expect(core.products.sorted() == ["Crypto", "Yams"] && core.targets.isEmpty)
        var violations: [String] = []
        for target in targets {
            guard let rule = Self.rules[target.name] ?? (target.kind == "executableTarget" ? Self.executableRule : nil) else { continue }
            for dependency in target.targets + target.products where !rule.allows(dependency, ours: ours) {
                violations.append("Package.swift: \(target.name) depends on \(dependency), which it must not")
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test func everyRelayModuleImportedIsDeclaredInPackageSwift() throws {
        let targets = try packageTargets()
        let ours = Set(targets.map(\.name))
        var missing: [String] = []
        for module in try tree.modules() {
            let declared = Set(targets.first { $0.name == module }?.targets ?? [])
            for file in try tree.swiftFiles(of: module) {
                for imported in Set(ImportLines.modules(in: file.text)) where ours.contains(imported) && !declared.contains(imported) {
                    missing.append("\(file.path) imports \(imported), not in \(module)'s dependencies in Package.swift")
                }
            }
        }
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }

    @Test func relayCoreCallsNoFileEnvironmentOrClockAPI() throws {
        // Foundation is allowed for its value types; these are the parts of it (and of the C
        // library it re-exports) that reach outside the process's values.
        let systemAPIs = [
            "FileManager", "FileHandle", "ProcessInfo", "CommandLine", "Process(", "URLSession", "contentsOf: URL",
            "Data(contentsOf", "String(contentsOf", "write(to", "Date()", "clock_gettime", "gettimeofday", "getenv",
            "fopen", "stat(",
        ]
        var uses: [String] = []
        for file in try tree.swiftFiles(of: "RelayCore") {
            let code = SwiftText.withoutComments(file.text)
            for api in systemAPIs where code.contains(api) {
                uses.append("\(file.path) uses \(api) (move it to RelaySystem)")
            }
        }
        #expect(uses.isEmpty, "\(uses.joined(separator: "\n"))")
    }

    @Test func importLinesAreReadWithAttributesKindsAndSubmodules() {
        let source = """
            import Foundation
            @preconcurrency import struct NIOCore.ByteBuffer
            @_spi(Internal) import Logging
            #if canImport(Glibc)
                import Glibc
            #endif
            // import Hummingbird
            let important = "import PostgresNIO"
            """
        #expect(ImportLines.modules(in: source) == ["Foundation", "NIOCore", "Logging", "Glibc"])
    }

    @Test func packageTargetsAreReadWithEveryDependencyForm() {
        let manifest = """
            let package = Package(
                dependencies: [.package(url: "https://example.com/a.git", from: "1.0.0")],  // not a target
                targets: [
                    // .target(name: "Commented", dependencies: ["Nope"]),
                    .target(name: "A", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
                    .executableTarget(
                        name: "b",
                        dependencies: [
                            "A", .target(name: "C"), .byName(name: "D"),
                            .product(name: "Logging", package: "swift-log", condition: .when(platforms: [.linux])),
                        ]
                    ),
                    .testTarget(name: "ATests", dependencies: ["A"], resources: [.copy("Fixtures")]),
                ]
            )
            """
        #expect(
            PackageTarget.parse(manifest: manifest) == [
                PackageTarget(kind: "target", name: "A", targets: [], products: ["Crypto"]),
                PackageTarget(kind: "executableTarget", name: "b", targets: ["A", "C", "D"], products: ["Logging"]),
                PackageTarget(kind: "testTarget", name: "ATests", targets: ["A"], products: []),
            ])
    }
}
