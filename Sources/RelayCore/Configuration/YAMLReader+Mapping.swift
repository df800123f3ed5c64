import Yams

/// Mappings: literal keys, duplicate keys, unknown keys and required keys.
extension YAMLReader {
    /// `node` as a mapping with literal string keys (so `on:` is the key "on", not `true`).
    public func mapping(_ node: Node, path: String) throws(ConfigFileError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else {
            let prefix = path == "top level" ? "expected a mapping at top level" : "\(path): expected a mapping"
            throw error(node, "\(prefix), got \(Self.describe(node))")
        }
        var entries = YAMLMapping(pairs: [], node: node)
        var lines: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw error(keyNode, "\(path): keys must be plain strings, got \(Self.describe(keyNode))")
            }
            let key = keyScalar.string
            if let firstLine = lines[key] {
                throw error(keyNode, "\(path): duplicate key '\(key)' (first at line \(firstLine))")
            }
            lines[key] = keyNode.mark?.line ?? 0
            entries.pairs.append((key, keyNode, valueNode))
        }
        return entries
    }

    /// Rejects the first key of `entries` not in `allowed`, listing the expected keys and, when
    /// one is a likely typo, suggesting it. `place` reads like "at top level" or "in rule 'x'".
    public func rejectUnknownKeys(_ entries: YAMLMapping, allowed: [String], place: String) throws(ConfigFileError) {
        for (key, keyNode, _) in entries.pairs where !allowed.contains(key) {
            var reason = "unknown key '\(key)' \(place) (expected one of: \(allowed.joined(separator: ", ")))"
            if let suggestion = Self.closest(to: key, in: allowed) {
                reason += "; did you mean '\(suggestion)'?"
            }
            throw error(keyNode, reason)
        }
    }

    /// The value of `key`, or an error at the mapping's line naming the missing key.
    public func required(_ entries: YAMLMapping, _ key: String, place: String) throws(ConfigFileError) -> Node {
        guard let value = entries.value(key) else {
            throw error(entries.node, "missing required key '\(key)' \(place)")
        }
        return value
    }

    /// `node` as a list.
    public func sequence(_ node: Node, path: String, of what: String) throws(ConfigFileError) -> [Node] {
        guard case .sequence(let items) = node else {
            throw error(node, "\(path): expected a list of \(what), got \(Self.describe(node))")
        }
        return Array(items)
    }

    /// The allowed key within edit distance 2 of `key`, if exactly one is closest.
    public static func closest(to key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(Array(key.utf8), Array($0.utf8))) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return scored.filter { $0.1 == best.1 }.count == 1 ? best.0 : nil
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
