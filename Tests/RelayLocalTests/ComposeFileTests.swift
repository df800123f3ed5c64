import Foundation
import RelayCore
import RelayPolicy
import RelaySystem
import Testing

/// docker-compose.yml, the Dockerfile, the region files and the executables describe one
/// deployment. There is no Docker engine on the build machines, so these checks are what keeps
/// the container files honest: any port, name, variable or file that drifts fails here.
struct ComposeFileTests {
    static let regionIDs = ["ap-southeast-2", "eu-west-1", "us-east-1"]

    /// Variables relay-dr's replication work reads (the contract of issue 5) before they appear in
    /// Sources/. Remove a name once a source file reads it; nothing else gets a pass.
    static let pendingVariables: Set<String> = [
        "RELAY_LEDGER_KEY",  // relay-dr run: its ledger key, as a key source (secret:NAME)
        "RELAY_DR_LISTEN",  // relay-dr run: host:port of its replication/health HTTP server
    ]

    @Test func everyRegionHasExactlyPostgresOPAGatewayAndRelayDR() throws {
        let compose = try ComposeFile.load()
        let expected = Self.regionIDs.flatMap { id in ["postgres", "opa", "gateway", "relay-dr"].map { "\($0)-\(id)" } }
        #expect(compose.serviceNames == expected.sorted())
        // The same three regions everywhere: compose network, local topology, production examples.
        #expect(try ComposeFile.regions("regions/compose").ids == Self.regionIDs)
        #expect(try ComposeFile.regions("regions/local").ids == Self.regionIDs)
        #expect(try ComposeFile.regions("regions").ids == Self.regionIDs)
    }

    @Test func publishedPortsAreTheLocalPortsAndContainerPortsTheComposeRegionPorts() throws {
        let compose = try ComposeFile.load()
        let local = try ComposeFile.regions("regions/local")
        let network = try ComposeFile.regions("regions/compose")
        for id in Self.regionIDs {
            let here = try #require(local.region(id))
            let there = try #require(network.region(id))
            let gateway = try compose.service("gateway-\(id)")
            let dr = try compose.service("relay-dr-\(id)")
            let postgres = try compose.service("postgres-\(id)")

            #expect(gateway.ports.map(\.host) == [here.gatewayURL.port], "\(gateway.name) host port")
            #expect(gateway.ports.map(\.container) == [there.gatewayURL.port], "\(gateway.name) container port")
            #expect(dr.ports.map(\.host) == [here.drURL.port], "\(dr.name) host port")
            #expect(dr.ports.map(\.container) == [there.drURL.port], "\(dr.name) container port")
            #expect(postgres.ports.map(\.host) == [here.database.port], "\(postgres.name) host port")
            #expect(postgres.ports.map(\.container) == [there.database.port], "\(postgres.name) container port")
            #expect(postgres.list("ports").allSatisfy { $0.hasPrefix("127.0.0.1:") }, "PostgreSQL is published on loopback only")

            // The services listen where the compose region file says peers reach them.
            #expect(there.gatewayURL.host == gateway.name)
            #expect(there.drURL.host == dr.name)
            #expect(there.database.host == .literal(postgres.name))
            let apiPort = try #require(there.gatewayURL.port)
            let drPort = try #require(there.drURL.port)
            #expect(gateway.environment["RELAY_API_HOST"] == "0.0.0.0")
            #expect(gateway.environment["RELAY_API_PORT"] == "\(apiPort)")
            #expect(dr.environment["RELAY_DR_LISTEN"] == "0.0.0.0:\(drPort)")
            #expect(gateway.healthCheck.contains("http://127.0.0.1:\(apiPort)/health"), "\(gateway.healthCheck)")
            #expect(dr.healthCheck.contains("http://127.0.0.1:\(drPort)/health"), "\(dr.healthCheck)")
        }
    }

    @Test func environmentNamesTheRegionItsDatabaseAndItsOPA() throws {
        let compose = try ComposeFile.load()
        let network = try ComposeFile.regions("regions/compose")
        for id in Self.regionIDs {
            let region = try #require(network.region(id))
            let postgres = try compose.service("postgres-\(id)").environment
            let opa = try compose.service("opa-\(id)")
            for service in [try compose.service("gateway-\(id)"), try compose.service("relay-dr-\(id)")] {
                let env = service.environment
                #expect(env["RELAY_REGION"] == id, "\(service.name)")
                #expect(env["RELAY_DB_HOST"] == region.database.host.resolve(in: [:]), "\(service.name)")
                #expect(env["RELAY_DB_PORT"] == "\(region.database.port)", "\(service.name)")
                #expect(env["RELAY_DB_NAME"] == region.database.name, "\(service.name)")
                #expect(env["RELAY_DB_NAME"] == postgres["POSTGRES_DB"], "\(service.name)")
                #expect(env["RELAY_DB_USER"] == region.database.user.resolve(in: [:]), "\(service.name)")
                #expect(env["RELAY_DB_USER"] == postgres["POSTGRES_USER"], "\(service.name)")
                #expect(env["RELAY_LOG_FORMAT"] == "json", "\(service.name)")
                // The compose region files are what the services load.
                let regionsDir = try #require(env["RELAY_REGIONS_DIR"], "\(service.name)")
                #expect(service.mountTarget(of: "./regions/compose") == regionsDir, "\(service.name)")
            }
            let gateway = try compose.service("gateway-\(id)").environment
            #expect(gateway["RELAY_POLICY_ENGINE"] == "opa")
            #expect(gateway["RELAY_CHAINER"] == "off", "relay-dr chains")
            let command = opa.list("command")
            let address = try #require(command.firstIndex(of: "--addr").map { command[$0 + 1] })
            #expect(address.hasPrefix(":"))
            #expect(gateway["RELAY_OPA_URL"] == "http://\(opa.name)\(address)")
        }
    }

    @Test func everyRelayVariableIsOneTheExecutablesRead() throws {
        let compose = try ComposeFile.load()
        let sourceNames = try Self.variablesReadBySources()
        let entrypointNames = try Self.variablesReadByEntrypoint()
        #expect(sourceNames.contains("RELAY_DB_HOST"), "the scan of Sources/ finds nothing: wrong root?")
        let read = sourceNames.union(entrypointNames)
        for name in compose.serviceNames {
            let service = try compose.service(name)
            // The pending names are relay-dr's alone.
            let known = name.hasPrefix("relay-dr-") ? read.union(Self.pendingVariables) : read
            let variables = service.environment.keys.filter { $0.hasPrefix("RELAY_") }.sorted()
            let unknown = variables.filter { !known.contains($0) }
            #expect(unknown.isEmpty, "\(name): no executable reads \(unknown) (typo?)")
            for variable in variables {
                if variable.hasSuffix("_FILE"), entrypointNames.contains(variable), !sourceNames.contains(variable) {
                    // The entrypoint turns X_FILE into X, which an executable must read.
                    let target = String(variable.dropLast("_FILE".count))
                    #expect(sourceNames.contains(target), "\(name): \(variable) feeds \(target), which no executable reads")
                }
            }
        }
    }

    @Test func secretsExistAndTheMountedKeysAreTheRegionKeys() throws {
        let compose = try ComposeFile.load()
        let files = compose.secretFiles
        #expect(!files.isEmpty)
        for (name, file) in files {
            #expect(FileManager.default.fileExists(atPath: ComposeFile.root + "/" + file), "secret \(name): no file \(file)")
        }
        let network = try ComposeFile.regions("regions/compose")
        let local = try ComposeFile.regions("regions/local")
        let now = RelayClock.system.now()
        for id in Self.regionIDs {
            let region = try #require(network.region(id))
            #expect(region.keys == local.region(id)?.keys, "regions/compose/\(id).yaml lists other keys than regions/local")
            for role in ["postgres", "gateway", "relay-dr"] {
                let service = try compose.service("\(role)-\(id)")
                let mounted = Set(service.list("secrets"))
                #expect(mounted.isSubset(of: files.keys), "\(service.name) mounts an undeclared secret")
                // Every /run/secrets/NAME the service is told about is mounted.
                for (variable, value) in service.environment where value.hasPrefix("/run/secrets/") {
                    #expect(mounted.contains(String(value.dropFirst("/run/secrets/".count))), "\(service.name): \(variable)=\(value)")
                }
                // The database password: the region file, PostgreSQL and the clients agree.
                let passwordFile = service.environment["RELAY_DB_PASSWORD_FILE"] ?? service.environment["POSTGRES_PASSWORD_FILE"]
                #expect(region.database.password == .file(try #require(passwordFile, "\(service.name)")), "\(service.name)")
            }
            let gateway = try compose.service("gateway-\(id)")
            let seal = try Self.mountedKey(gateway.environment["RELAY_PRIVATE_KEY_FILE"], files: files)
            #expect(network.trustedKeys(purpose: .seal, region: id, at: now)[seal.keyID] == seal.publicKey, "\(gateway.name) seal key")
            let jwt = try Self.secretText(gateway.environment["RELAY_JWT_SECRET_FILE"], files: files)
            #expect(jwt.utf8.count >= 32, "RELAY_JWT_SECRET must be at least 32 bytes")

            let dr = try compose.service("relay-dr-\(id)")
            let source = try KeySource(parsing: try #require(dr.environment["RELAY_LEDGER_KEY"]))
            guard case .secret(let name) = source else {
                Issue.record("\(dr.name): RELAY_LEDGER_KEY should be a secret: key source, is \(source)")
                continue
            }
            #expect(dr.list("secrets").contains(name), "\(dr.name): secret \(name) is not mounted")
            let ledger = try Self.mountedKey("/run/secrets/\(name)", files: files)
            #expect(network.trustedKeys(purpose: .ledger, region: id, at: now)[ledger.keyID] == ledger.publicKey, "\(dr.name) ledger key")
        }
    }

    @Test func servicesStartInOrderAndReportHealth() throws {
        let compose = try ComposeFile.load()
        for id in Self.regionIDs {
            let postgres = try compose.service("postgres-\(id)")
            let gateway = try compose.service("gateway-\(id)")
            let dr = try compose.service("relay-dr-\(id)")
            #expect(postgres.healthCheck.contains("pg_isready"))
            #expect(postgres.mountTarget(of: "pg-\(id)") == "/var/lib/postgresql/data")
            #expect(gateway.dependencyCondition(postgres.name) == "service_healthy")
            #expect(gateway.dependencyCondition("opa-\(id)") != nil)
            #expect(dr.dependencyCondition(postgres.name) == "service_healthy")
            #expect(gateway.list("command") == ["relay-gateway", "serve"])
            #expect(dr.list("command") == ["relay-dr", "run"])
            #expect(gateway.healthCheck.hasPrefix("CMD curl"))
            // The gateway's copy of its seal key goes to a tmpfs, not the container's disk.
            #expect(gateway.list("tmpfs").contains("/tmp"))
        }
    }

    @Test func opaLoadsTheRegoCompiledFromTheShippedPolicies() throws {
        let compose = try ComposeFile.load()
        for id in Self.regionIDs {
            let opa = try compose.service("opa-\(id)")
            let command = opa.list("command")
            #expect(Array(command.prefix(2)) == ["run", "--server"])
            let target = try #require(opa.mountTarget(of: "./gateway/rego"), "\(opa.name) does not mount gateway/rego")
            #expect(command.last == target, "\(opa.name) loads \(command.last ?? "nothing"), not \(target)")
        }
        let modules = RegoCompiler.compile(try PolicySet.load(path: ComposeFile.root + "/gateway/policies"))
        let stale = "gateway/rego/ is stale: run `make rego` and commit the result"
        #expect(try ComposeFile.text("gateway/rego/relay.rego") == modules.main.text, "\(stale)")
        #expect(try ComposeFile.text("gateway/rego/relay.metadata.rego") == modules.metadata.text, "\(stale)")
        let regoFiles = try FileManager.default.contentsOfDirectory(atPath: ComposeFile.root + "/gateway/rego")
            .filter { $0.hasSuffix(".rego") }.sorted()
        #expect(regoFiles == ["relay.metadata.rego", "relay.rego"], "OPA would also load \(regoFiles)")
    }

    @Test func theDockerfileShipsBothExecutablesWithTheirResourceBundles() throws {
        let dockerfile = try ComposeFile.text("Dockerfile")
        let stages = dockerfile.components(separatedBy: "\nFROM ")
        #expect(stages.count == 5, "a build stage, the runtime stage, runtime-aws on top of it, and the runtime as default target")
        let build = stages.dropFirst().first ?? ""
        let runtime = stages.first { $0.hasPrefix("debian:bookworm-slim AS runtime") } ?? ""
        let aws = stages.first { $0.hasPrefix("runtime AS runtime-aws") } ?? ""
        #expect(stages.last?.trimmingCharacters(in: .whitespacesAndNewlines) == "runtime", "docker build without --target gives the minimal image")
        #expect(aws.contains("awscli") && aws.split(separator: "\n").last { $0.hasPrefix("USER ") } == "USER relay:relay", "\(aws)")
        #expect(runtime.contains("deploy/aws/hooks/route53-switch.sh /opt/relay/hooks/route53-switch.sh"))
        #expect(build.contains("--static-swift-stdlib"))
        for product in ["relay-gateway", "relay-dr"] {
            #expect(build.contains("--product \(product)"), "not built: \(product)")
            #expect(build.contains(".build/release/\(product) ") || build.contains(".build/release/\(product)\n"), "not copied: \(product)")
        }
        let bundles = try Self.resourceBundles()
        #expect(bundles == ["relay_RelayGateway.resources", "relay_RelayStore.resources"])
        for bundle in bundles {
            #expect(build.contains(".build/release/\(bundle)"), "not copied: \(bundle)")
        }
        #expect(runtime.hasPrefix("debian:bookworm-slim"))
        #expect(runtime.contains("COPY --from=build /out/bin/ /opt/relay/bin/"))
        #expect(runtime.contains("ENV PATH=/opt/relay/bin:"))
        #expect(runtime.contains("curl"), "health checks run curl")
        #expect(runtime.contains("COPY gateway/policies/"))
        #expect(runtime.contains("COPY regions/"))
        #expect(runtime.contains("scripts/container-entrypoint.sh /usr/local/bin/relay-entrypoint"))
        #expect(runtime.contains(#"ENTRYPOINT ["relay-entrypoint"]"#))
        let user = runtime.split(separator: "\n").last { $0.hasPrefix("USER ") }
        #expect(user != nil && user != "USER root" && user?.hasPrefix("USER 0") == false, "runs as root")

        let ignored = Set(try ComposeFile.text(".dockerignore").split(separator: "\n").map(String.init))
        for pattern in [".build", ".build-*", ".local", ".git", "**/dev-keys"] {
            #expect(ignored.contains(pattern), ".dockerignore: \(pattern)")
        }
    }

    // MARK: - Helpers

    /// Every `"RELAY_…"` string literal in Sources/**/*.swift.
    static func variablesReadBySources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: ComposeFile.root + "/Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        var names: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            names.formUnion(text.matches(of: /"(RELAY_[A-Z0-9_]+)"/).map { String($0.output.1) })
        }
        return names
    }

    /// Variables the image's entrypoint reads (`${RELAY_…`).
    static func variablesReadByEntrypoint() throws -> Set<String> {
        let text = try ComposeFile.text("scripts/container-entrypoint.sh")
        return Set(text.matches(of: /\$\{(RELAY_[A-Z0-9_]+)/).map { String($0.output.1) })
    }

    /// `<package>_<Target>.resources` for every target of Package.swift that declares resources.
    static func resourceBundles() throws -> [String] {
        let manifest = try ComposeFile.text("Package.swift")
        let package = try #require(manifest.firstMatch(of: /Package\(\s*name:\s*"([^"]+)"/)).output.1
        return manifest.components(separatedBy: ".target(").dropFirst().compactMap { block -> String? in
            guard block.contains("resources:"), let name = block.firstMatch(of: /name:\s*"([^"]+)"/) else { return nil }
            return "\(package)_\(name.output.1).resources"
        }.sorted()
    }

    /// The content of the secret mounted at `/run/secrets/NAME`.
    static func secretText(_ path: String?, files: [String: String]) throws -> String {
        let path = try #require(path)
        let name = try #require(path.hasPrefix("/run/secrets/") ? String(path.dropFirst("/run/secrets/".count)) : nil, "\(path)")
        let file = try #require(files[name], "no secret \(name)")
        return try ComposeFile.text(file).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The signing key in the secret mounted at `path`.
    static func mountedKey(_ path: String?, files: [String: String]) throws -> SigningKey {
        try SigningKey(base64Seed: try secretText(path, files: files))
    }
}
