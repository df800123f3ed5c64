import Crypto
import Foundation
import RelayCore
import Synchronization

/// The builtin engine over a policy directory that is read again while the gateway serves
/// (SIGHUP, or a change of the files): a new set is parsed and checked completely before it
/// replaces the one in force, and a set that fails keeps the old one. Each decision is made by one
/// set, whose version it carries, so no seal is ever decided by a mix of two sets.
public final class ReloadablePolicyEngine: PolicyEngine {
    /// What a reload did.
    public enum Outcome: Sendable, Equatable {
        /// The files make the set already in force (same version).
        case unchanged(version: String)
        /// A new set replaced the old one.
        case replaced(old: String, new: String)
    }

    /// The policy directory.
    public let directory: String
    /// The engine in force, and the fingerprint of the files it was loaded from.
    private let current: Mutex<(engine: BuiltinPolicyEngine, fingerprint: [UInt8])>

    /// Loads `directory`; throws what `PolicySet.load` throws (file, line, reason).
    public init(directory: String) throws(PolicyLoadError) {
        self.directory = directory
        let files = try PolicySet.read(directory: directory)
        current = Mutex((BuiltinPolicyEngine(policies: try PolicySet.load(files)), Self.fingerprint(files)))
    }

    /// Engine name for health output: "builtin".
    public var name: String { "builtin" }

    /// The set in force.
    public var policies: PolicySet { current.withLock { $0.engine.policies } }

    /// The fingerprint of the files the set in force was loaded from.
    public var loadedFingerprint: [UInt8] { current.withLock { $0.fingerprint } }

    public func evaluate(_ input: JSONValue) async throws -> PolicyDecision {
        // The set in force when the decision starts decides all of it.
        let engine = current.withLock { $0.engine }
        return try await engine.evaluate(input)
    }

    public func policyVersion() async throws -> String {
        policies.version
    }

    /// Reads the directory again. On any error the set in force stays and the error is thrown.
    public func reload() throws(PolicyLoadError) -> Outcome {
        let files = try PolicySet.read(directory: directory)
        let next = try PolicySet.load(files)
        return current.withLock { current in
            let old = current.engine.policies.version
            current.fingerprint = Self.fingerprint(files)
            guard old != next.version else { return .unchanged(version: old) }
            current.engine = BuiltinPolicyEngine(policies: next)
            return .replaced(old: old, new: next.version)
        }
    }

    /// A digest of the directory's policy files (names and bytes), or of why they cannot be read:
    /// a change of it means the files changed.
    public func fingerprint() -> [UInt8] {
        do { return Self.fingerprint(try PolicySet.read(directory: directory)) } catch { return Array(SHA256.hash(data: Array("\(error)".utf8))) }
    }

    private static func fingerprint(_ files: [(path: String, data: Data)]) -> [UInt8] {
        var hash = SHA256()
        for (path, data) in files {
            hash.update(data: Array(path.utf8) + [0])
            hash.update(data: data)
            hash.update(data: [0])
        }
        return Array(hash.finalize())
    }
}
