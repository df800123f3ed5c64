import Foundation
import Yams

/// Turns the YAML text of one region file into a validated ``Region``.
///
/// Strict like the policy parser: unknown keys are errors at every level, types are checked,
/// scalars are read without YAML 1.1 guessing (``YAMLReader``), and every problem is reported as
/// `file:line: reason`.
struct RegionFileParser {
    /// Path used in errors.
    let file: String

    static let topLevelKeys = ["id", "gateway_url", "dr_url", "database", "keys", "targets", "hooks"]
    /// The top-level keys every file must have (`hooks` is optional).
    static let requiredTopLevelKeys = ["id", "gateway_url", "dr_url", "database", "keys", "targets"]
    static let databaseKeys = ["host", "host_env", "port", "name", "user", "user_env", "password_env", "password_file", "tls"]
    static let keyKeys = ["purpose", "key_id", "public_key", "valid_from", "valid_until"]
    static let targetKeys = ["rpo_seconds", "rto_seconds", "max_lag_on_failover"]

    var reader: YAMLReader { YAMLReader(file: file) }

    func parse(_ yaml: String) throws(ConfigFileError) -> Region {
        guard let root = try reader.compose(yaml) else {
            throw ConfigFileError(
                file: file, line: nil,
                reason: "file is empty (expected a mapping with: \(Self.requiredTopLevelKeys.joined(separator: ", ")))")
        }
        let top = try reader.mapping(root, path: "top level")
        let place = "at top level"
        try reader.rejectUnknownKeys(top, allowed: Self.topLevelKeys, place: place)
        for key in Self.requiredTopLevelKeys { _ = try reader.required(top, key, place: place) }

        let idNode = try reader.required(top, "id", place: place)
        let id = try reader.string(idNode, path: "id")
        guard Region.isValidID(id) else {
            throw reader.error(idNode, "id: '\(id)' is not a region id (1-40 characters of a-z, 0-9 and '-')")
        }
        let stem = Self.stem(of: file)
        guard id == stem else {
            throw reader.error(
                idNode, "id: '\(id)' does not match the file name '\(stem)' (a region file is named <id>.yaml)")
        }
        let keys = try parseKeys(try reader.required(top, "keys", place: place))
        return Region(
            id: id,
            gatewayURL: try url(try reader.required(top, "gateway_url", place: place), path: "gateway_url"),
            drURL: try url(try reader.required(top, "dr_url", place: place), path: "dr_url"),
            database: try parseDatabase(try reader.required(top, "database", place: place)),
            keys: keys,
            targets: try parseTargets(try reader.required(top, "targets", place: place)),
            hooks: try top.value("hooks").map { node throws(ConfigFileError) in try parseHooks(node) } ?? RegionHooks(),
            location: ConfigLocation(file: file, line: idNode.mark?.line ?? 1))
    }

    /// The file name without its directory and `.yaml` / `.yml` extension.
    static func stem(of file: String) -> String {
        var name = Substring(file.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) {
            name = name.dropLast(suffix.count)
            break
        }
        return String(name)
    }

    // MARK: - URLs

    /// An `http` or `https` URL with a host, optional port and path; no credentials, query or fragment.
    func url(_ node: Node, path: String) throws(ConfigFileError) -> URL {
        let text = try reader.string(node, path: path, expected: "a URL")
        let example = path == "dr_url" ? "https://relay-dr.us-east-1.example.com:7443" : "https://relay.us-east-1.example.com"
        func bad(_ why: String) -> ConfigFileError {
            reader.error(node, "\(path): '\(text)' \(why) (expected e.g. \(example))")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw bad("is not a URL")
        }
        guard scheme == "http" || scheme == "https" else { throw bad("must use http or https") }
        guard let host = components.host, !host.isEmpty else { throw bad("has no host") }
        guard components.user == nil, components.password == nil else {
            throw bad("must not carry credentials")
        }
        guard components.query == nil, components.fragment == nil else { throw bad("must not have a query or fragment") }
        if let port = components.port, !(1...65535).contains(port) { throw bad("has a port outside 1-65535") }
        guard let url = components.url else { throw bad("is not a URL") }
        return url
    }

    // MARK: - Database

    func parseDatabase(_ node: Node) throws(ConfigFileError) -> RegionDatabase {
        let path = "database"
        let entries = try reader.mapping(node, path: path)
        if let (_, keyNode, _) = entries.pairs.first(where: { $0.key == "password" }) {
            throw reader.error(
                keyNode,
                "database.password: passwords are never written in region files; "
                    + "use password_env (a variable name) or password_file (a path)")
        }
        try reader.rejectUnknownKeys(entries, allowed: Self.databaseKeys, place: "in database")
        let host = try oneOf(entries, literal: "host", environment: "host_env", required: true)!
        let user = try oneOf(entries, literal: "user", environment: "user_env", required: true)!
        var password: PasswordSource?
        switch (entries.value("password_env"), entries.value("password_file")) {
        case (.some(let node), .some):
            throw reader.error(node, "database: give one of password_env or password_file, not both")
        case (.some(let node), nil):
            password = .environment(try variableName(node, path: "database.password_env"))
        case (nil, .some(let node)):
            let file = try reader.string(node, path: "database.password_file", expected: "a file path")
            guard file.hasPrefix("/") else {
                throw reader.error(node, "database.password_file: '\(file)' must be an absolute path")
            }
            password = .file(file)
        case (nil, nil):
            password = nil
        }
        var tls = DatabaseTLS.require
        if let tlsNode = entries.value("tls") {
            let text = try reader.string(tlsNode, path: "database.tls", expected: "disable, require or verify-full")
            guard let value = DatabaseTLS(rawValue: text) else {
                throw reader.error(tlsNode, "database.tls: expected disable, require or verify-full, got '\(text)'")
            }
            tls = value
        }
        let port = try entries.value("port").map { node throws(ConfigFileError) in
            try reader.integer(node, path: "database.port", range: 1...65535)
        }
        let name = try entries.value("name").map { node throws(ConfigFileError) in
            try nonEmpty(node, path: "database.name")
        }
        return RegionDatabase(host: host, port: port ?? 5432, name: name ?? "relay", user: user, password: password, tls: tls)
    }

    /// Exactly one of `literal` and `environment` (e.g. `host` / `host_env`).
    private func oneOf(
        _ entries: YAMLMapping, literal: String, environment: String, required: Bool
    ) throws(ConfigFileError) -> ConfigValue? {
        switch (entries.value(literal), entries.value(environment)) {
        case (.some(let node), .some):
            throw reader.error(node, "database: give one of \(literal) or \(environment), not both")
        case (.some(let node), nil):
            return .literal(try nonEmpty(node, path: "database.\(literal)"))
        case (nil, .some(let node)):
            return .environment(try variableName(node, path: "database.\(environment)"))
        case (nil, nil):
            guard required else { return nil }
            throw reader.error(entries.node, "missing required key '\(literal)' or '\(environment)' in database")
        }
    }

    private func variableName(_ node: Node, path: String) throws(ConfigFileError) -> String {
        let name = try reader.string(node, path: path, expected: "an environment variable name")
        guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
            throw reader.error(node, "\(path): '\(name)' is not an environment variable name")
        }
        return name
    }

    private func nonEmpty(_ node: Node, path: String) throws(ConfigFileError) -> String {
        let value = try reader.string(node, path: path)
        guard !value.isEmpty else { throw reader.error(node, "\(path): must not be empty") }
        return value
    }

    // MARK: - Targets

    func parseTargets(_ node: Node) throws(ConfigFileError) -> RegionTargets {
        let entries = try reader.mapping(node, path: "targets")
        try reader.rejectUnknownKeys(entries, allowed: Self.targetKeys, place: "in targets")
        func value(_ key: String, _ range: ClosedRange<Int>) throws(ConfigFileError) -> Int {
            try reader.integer(try reader.required(entries, key, place: "in targets"), path: "targets.\(key)", range: range)
        }
        return RegionTargets(
            rpoSeconds: try value("rpo_seconds", 1...86_400),
            rtoSeconds: try value("rto_seconds", 1...604_800),
            maxLagOnFailover: try value("max_lag_on_failover", 0...1_000_000_000))
    }
}
