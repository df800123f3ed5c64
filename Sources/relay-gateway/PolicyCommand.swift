import ArgumentParser
import Foundation
import RelayPolicy

/// `relay-gateway policy compile|push`: YAML policies → Rego for OPA.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Compile the YAML policies to Rego, bundle them for OPA's bundle service, or push them to an OPA server.",
        subcommands: [PolicyCompile.self, PolicyBundle.self, PolicyPush.self])
}

/// Loads a policy directory or file, turning load errors into one-line CLI errors.
private func loadPolicies(_ path: String) throws -> PolicySet {
    do {
        return try PolicySet.load(path: path)
    } catch {
        throw ValidationError("\(error)")
    }
}

struct PolicyCompile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile YAML policies to Rego v1 (packages relay.policies.main and relay.metadata).",
        discussion: """
            Without --out, prints both modules to standard output, the decision module first. \
            With --out FILE, writes the decision module to FILE and the metadata module next to \
            it as <FILE without .rego>.metadata.rego (load both into OPA, e.g. `opa run -s DIR`).
            """)

    @Argument(help: "A policy directory (every *.yaml / *.yml in it) or one policy file.")
    var path: String

    @Option(help: "Write the decision module here (the metadata module goes next to it).")
    var out: String?

    func run() throws {
        let modules = RegoCompiler.compile(try loadPolicies(path))
        guard let out else {
            print(modules.main.text)
            print(modules.metadata.text, terminator: "")
            return
        }
        let base = out.hasSuffix(".rego") ? String(out.dropLast(5)) : out
        let metadataPath = base + ".metadata.rego"
        do {
            try Data(modules.main.text.utf8).write(to: URL(fileURLWithPath: out))
            try Data(modules.metadata.text.utf8).write(to: URL(fileURLWithPath: metadataPath))
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out) (package \(modules.main.package)) and \(metadataPath) (package \(modules.metadata.package)); policy version \(modules.policyVersion)")
    }
}

struct PolicyBundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Build an OPA bundle (bundle.tar.gz) of the compiled policies, for an OPA sidecar's bundle service.",
        discussion: """
            The bundle holds .manifest (revision = the policy version, roots = ["relay"]) and the \
            two Rego modules (relay/policies/main.rego, relay/metadata.rego). Upload it where the \
            sidecar's bundle service polls (e.g. s3://<policy bucket>/bundles/relay.tar.gz): OPA \
            activates a new revision whole, without a restart. The same files give the same bytes.
            """)

    @Argument(help: "A policy directory (every *.yaml / *.yml in it) or one policy file.")
    var path: String

    @Option(help: "Where to write the bundle.")
    var out: String = "bundle.tar.gz"

    func run() throws {
        let bundle = OPABundle(policies: try loadPolicies(path))
        do {
            try Data(bundle.archive).write(to: URL(fileURLWithPath: out))
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out): revision \(bundle.revision), \(bundle.files.map(\.path).joined(separator: ", "))")
    }
}

struct PolicyPush: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Compile YAML policies and upload them to OPA (PUT /v1/policies/relay-main and relay-metadata).")

    @Option(help: "The OPA server, e.g. http://127.0.0.1:8181.")
    var opa: String

    @Argument(help: "A policy directory (every *.yaml / *.yml in it) or one policy file.")
    var path: String

    func run() async throws {
        let modules = RegoCompiler.compile(try loadPolicies(path))
        let publisher: OPAPolicyPublisher
        do {
            publisher = try OPAPolicyPublisher(url: opa)
        } catch {
            throw ValidationError("--opa: \(error.reason)")
        }
        do {
            try await publisher.push(modules.all)
        } catch {
            FileHandle.standardError.write(Data("relay-gateway: policy push failed: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print("pushed \(modules.all.map(\.id).joined(separator: ", ")) to \(publisher.url); policy version \(modules.policyVersion)")
    }
}
