import Foundation

/// Turns an untrusted JSON manifest into a `Manifest`, collecting every field problem rather than
/// stopping at the first, so a client can fix its request in one go.
public struct ManifestValidator: Sendable {
    /// Longest accepted identifier-like string (agent/org/user ids, provider, method).
    public static let maxIdentifierLength = 255
    /// Longest accepted free text (`reasoning`).
    public static let maxTextLength = 10_000

    private var errors: [FieldError] = []
    private let base: [String]

    private init(base: [String]) { self.base = base }

    /// Validates `value` found at `loc` (e.g. `["body", "manifest"]`). `now` fills a missing timestamp.
    public static func validate(_ value: JSONValue?, at loc: [String], now: Timestamp) -> Result<Manifest, ValidationFailure> {
        var v = ManifestValidator(base: loc)
        guard let root = v.object(value, []) else { return .failure(ValidationFailure(v.errors)) }

        var manifestID = UUID()
        if let raw = root["manifest_id"], !raw.isNull {
            if let s = v.string(raw, ["manifest_id"]) {
                if let uuid = UUID(uuidString: s) { manifestID = uuid } else {
                    v.fail(["manifest_id"], "value is not a valid uuid", "type_error.uuid")
                }
            }
        }
        var version = "1.0"
        if let raw = root["version"], !raw.isNull, let s = v.string(raw, ["version"], max: 32) { version = s }
        var timestamp = now
        if let raw = root["timestamp"], !raw.isNull, let s = v.string(raw, ["timestamp"]) {
            do { timestamp = try Timestamp(iso8601: s) } catch {
                v.fail(["timestamp"], error.reason, "value_error.datetime")
            }
        }

        let agentObject = v.object(v.required(root, "agent", []), ["agent"])
        let agentID = agentObject.flatMap { v.identifier(v.required($0, "agent_id", ["agent"]), ["agent", "agent_id"]) }
        let orgID = agentObject.flatMap { v.identifier(v.required($0, "org_id", ["agent"]), ["agent", "org_id"]) }
        var userID: String?
        if let raw = agentObject?["user_id"], !raw.isNull { userID = v.identifier(raw, ["agent", "user_id"]) }

        let actionObject = v.object(v.required(root, "action", []), ["action"])
        let provider = actionObject.flatMap { v.name(v.required($0, "provider", ["action"]), ["action", "provider"]) }
        let method = actionObject.flatMap { v.name(v.required($0, "method", ["action"]), ["action", "method"]) }
        let parameters = actionObject.flatMap { v.object(v.required($0, "parameters", ["action"]), ["action", "parameters"]) }

        let justObject = v.object(v.required(root, "justification", []), ["justification"])
        let reasoning = justObject.flatMap {
            v.string(v.required($0, "reasoning", ["justification"]), ["justification", "reasoning"], max: maxTextLength)
        }
        var confidence: Double?
        if let raw = justObject?["confidence_score"], !raw.isNull {
            if let n = raw.numberValue {
                if (0...1).contains(n) { confidence = n } else {
                    v.fail(["justification", "confidence_score"], "ensure this value is between 0 and 1", "value_error.number.range")
                }
            } else {
                v.fail(["justification", "confidence_score"], "value is not a valid number", "type_error.float")
            }
        }
        var context: [String: JSONValue]?
        if let raw = justObject?["context"], !raw.isNull { context = v.object(raw, ["justification", "context"]) }

        var environment = "production"
        if let raw = root["environment"], !raw.isNull, let s = v.name(raw, ["environment"]) { environment = s }

        // PostgreSQL text and jsonb cannot store U+0000; refuse it here rather than fail with a 500.
        for (key, value) in parameters ?? [:] where !Self.isStorable(.string(key)) || !Self.isStorable(value) {
            v.fail(["action", "parameters", key], "NUL characters (\\u0000) are not allowed", "value_error.str.nul")
        }
        for (key, value) in context ?? [:] where !Self.isStorable(.string(key)) || !Self.isStorable(value) {
            v.fail(["justification", "context", key], "NUL characters (\\u0000) are not allowed", "value_error.str.nul")
        }

        guard v.errors.isEmpty, let agentID, let orgID, let provider, let method, let parameters, let reasoning else {
            return .failure(ValidationFailure(v.errors))
        }
        return .success(
            Manifest(
                manifestID: manifestID, version: version, timestamp: timestamp,
                agent: .init(agentID: agentID, orgID: orgID, userID: userID),
                action: .init(provider: provider, method: method, parameters: parameters),
                justification: .init(reasoning: reasoning, confidenceScore: confidence, context: context),
                environment: environment))
    }

    private static func isStorable(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): !s.utf8.contains(0)
        case .array(let a): a.allSatisfy(isStorable)
        case .object(let o): o.allSatisfy { !$0.key.utf8.contains(0) && isStorable($0.value) }
        default: true
        }
    }

    // MARK: field helpers (each records its own error and returns nil on failure)

    private mutating func fail(_ path: [String], _ msg: String, _ type: String) {
        errors.append(FieldError(loc: base + path, msg: msg, type: type))
    }

    private mutating func required(_ object: [String: JSONValue], _ key: String, _ path: [String]) -> JSONValue? {
        guard let value = object[key], !value.isNull else {
            fail(path + [key], "field required", "value_error.missing")
            return nil
        }
        return value
    }

    private mutating func object(_ value: JSONValue?, _ path: [String]) -> [String: JSONValue]? {
        guard let value else { return nil }
        guard let o = value.objectValue else {
            fail(path, "value is not a valid object (got \(value.typeName))", "type_error.dict")
            return nil
        }
        return o
    }

    private mutating func string(_ value: JSONValue?, _ path: [String], max: Int = maxIdentifierLength) -> String? {
        guard let value else { return nil }
        guard let s = value.stringValue else {
            fail(path, "value is not a valid string (got \(value.typeName))", "type_error.str")
            return nil
        }
        guard !s.utf8.contains(0) else {
            fail(path, "NUL characters (\\u0000) are not allowed", "value_error.str.nul")
            return nil
        }
        guard s.count <= max else {
            fail(path, "ensure this value has at most \(max) characters", "value_error.any_str.max_length")
            return nil
        }
        return s
    }

    private mutating func identifier(_ value: JSONValue?, _ path: [String]) -> String? {
        guard let s = string(value, path) else { return nil }
        guard !s.isEmpty else {
            fail(path, "ensure this value has at least 1 characters", "value_error.any_str.min_length")
            return nil
        }
        return s
    }

    /// provider / method / environment: lower-cased, alphanumeric plus `_` and `-`.
    private mutating func name(_ value: JSONValue?, _ path: [String]) -> String? {
        guard let s = identifier(value, path)?.lowercased() else { return nil }
        let ok = s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
        }
        guard ok else {
            fail(path, "must contain only letters, digits, '_' and '-'", "value_error.str.regex")
            return nil
        }
        return s
    }
}
