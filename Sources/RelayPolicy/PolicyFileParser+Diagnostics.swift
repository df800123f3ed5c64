import Yams

/// Diagnostics of the policy file parser: YAML syntax errors, name checks and key suggestions.
extension PolicyFileParser {
    /// Maps a Yams error to a load error at the line libyaml reported.
    func syntaxError(_ error: any Error, yaml: String) -> PolicyLoadError {
        guard let yamlError = error as? YamlError else {
            return PolicyLoadError(file: file, line: nil, reason: "YAML syntax error: \(error)")
        }
        func reason(_ problem: String, _ context: YamlError.Context?) -> String {
            var text = "YAML syntax error: \(problem)"
            if let context { text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return text
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return PolicyLoadError(file: file, line: mark.line, reason: reason(problem, context))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in yaml.prefix(offset).reduce(1) { lines, character in
                character == "\n" || character == "\r\n" || character == "\r" ? lines + 1 : lines
            } }
            return PolicyLoadError(file: file, line: line, reason: "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return PolicyLoadError(file: file, line: context.mark.line, reason: "duplicate key \(keys) in a mapping")
        default:
            return PolicyLoadError(file: file, line: nil, reason: "YAML syntax error: \(yamlError)")
        }
    }

    /// Rule names appear in logs, metrics and generated Rego: keep them to a safe alphabet.
    static func isValidRuleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x2D || byte == 0x2E
        }
    }

    /// What the gateway accepts for `provider` and `method` after lower-casing (DESIGN §3).
    static func isValidProviderOrMethod(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
        }
    }

    /// The allowed key within edit distance 2 of `key`, if exactly one is closest.
    static func closest(to key: String, in allowed: [String]) -> String? {
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
