import Crypto
import Foundation
import RelayCore

/// The complete set of loaded policy files: what the builtin engine evaluates.
///
/// Files are ordered by file name (byte-wise, like `LC_ALL=C ls`); rules keep their order inside
/// each file. That order only matters for choosing which deny reason is reported when several deny
/// rules match (the first one wins).
public struct PolicySet: Sendable {
    /// The loaded files, sorted by file name.
    public let files: [PolicyFile]
    /// All rules in load order (files by name, rules in file order).
    public let rules: [PolicyRule]
    /// Policy version: `V+h`, where `V` is the files' common `version` (or, when they differ, their
    /// distinct versions joined with "," in file order) and `h` is the first 8 hex characters of
    /// SHA-256 over, for each file in order: its file name, a 0x00 byte, its raw bytes, a 0x00 byte.
    public let version: String

    /// Builds a set from already parsed files: sorts them by file name and rejects rule names
    /// defined twice (the error points at the second definition and names the first).
    public init(files: [PolicyFile]) throws(PolicyLoadError) {
        guard !files.isEmpty else {
            throw PolicyLoadError(file: "<policies>", line: nil, reason: "no policy files given")
        }
        let sorted = files.enumerated().sorted { a, b in
            if a.element.fileName == b.element.fileName { return a.offset < b.offset }
            return a.element.fileName.utf8.lexicographicallyPrecedes(b.element.fileName.utf8)
        }.map(\.element)

        var seen: [String: PolicySourceLocation] = [:]
        for rule in sorted.flatMap(\.rules) {
            if let first = seen[rule.name] {
                throw PolicyLoadError(
                    file: rule.location.file, line: rule.location.line,
                    reason: "duplicate rule name '\(rule.name)' (first defined at \(first))")
            }
            seen[rule.name] = rule.location
        }

        self.files = sorted
        self.rules = sorted.flatMap(\.rules)
        self.version = Self.version(of: sorted)
    }

    /// Loads every `*.yaml` / `*.yml` file of `directory` (not hidden files, not subdirectories).
    ///
    /// Errors name the file as `directory/name`. A directory without policy files is an error:
    /// an engine with no rules would deny everything, which is never what an operator meant.
    public static func load(directory: String) throws(PolicyLoadError) -> PolicySet {
        try load(try read(directory: directory))
    }

    /// Parses files `read(directory:)` returned.
    public static func load(_ contents: [(path: String, data: Data)]) throws(PolicyLoadError) -> PolicySet {
        var files: [PolicyFile] = []
        for (path, data) in contents {
            guard let text = String(validating: data, as: UTF8.self) else {
                throw PolicyLoadError(file: path, line: nil, reason: "file is not valid UTF-8")
            }
            files.append(try parse(yaml: text, file: path))
        }
        return try PolicySet(files: files)
    }

    /// The policy files of `directory` and their bytes, by file name (what `load` parses, and
    /// what a reload watches for changes).
    public static func read(directory: String) throws(PolicyLoadError) -> [(path: String, data: Data)] {
        let fileManager = FileManager.default
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw PolicyLoadError(file: directory, line: nil, reason: "cannot read policy directory: \(error.localizedDescription)")
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let candidates = names.filter { name in
            guard !name.hasPrefix("."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { return false }
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: prefix + name, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !candidates.isEmpty else {
            throw PolicyLoadError(file: directory, line: nil, reason: "no policy files (*.yaml, *.yml) found")
        }
        var out: [(String, Data)] = []
        for name in candidates {
            guard let data = fileManager.contents(atPath: prefix + name) else {
                throw PolicyLoadError(file: prefix + name, line: nil, reason: "cannot read file")
            }
            out.append((prefix + name, data))
        }
        return out
    }

    /// Parses and validates one policy file. `file` is the path used in errors and rule locations;
    /// its last component is the file name covered by the version hash.
    public static func parse(yaml: String, file: String) throws(PolicyLoadError) -> PolicyFile {
        try PolicyFileParser(file: file).parse(yaml)
    }

    /// Decides one policy input: the first matching deny rule (in load order) denies with its
    /// reason; otherwise any matching allow rule approves; otherwise denied "No policy matched".
    public func evaluate(_ input: JSONValue) -> PolicyDecision {
        var allowed = false
        for rule in rules where rule.matches(input) {
            switch rule.action {
            case .deny:
                return PolicyDecision(
                    approved: false, reason: rule.reason ?? "Denied by rule '\(rule.name)'", policyVersion: version)
            case .allow:
                allowed = true
            }
        }
        if allowed { return PolicyDecision(approved: true, reason: nil, policyVersion: version) }
        return PolicyDecision(approved: false, reason: Self.noMatchReason, policyVersion: version)
    }

    /// The denial reason when no rule matches.
    public static let noMatchReason = "No policy matched"

    private static func version(of files: [PolicyFile]) -> String {
        var distinct: [String] = []
        for file in files where !distinct.contains(where: { $0.utf8.elementsEqual(file.version.utf8) }) {
            distinct.append(file.version)
        }
        var hash = SHA256()
        for file in files {
            hash.update(data: Array(file.fileName.utf8))
            hash.update(data: [0])
            hash.update(data: Array(file.source.utf8))
            hash.update(data: [0])
        }
        let short = hash.finalize().prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return distinct.joined(separator: ",") + "+" + short
    }
}
