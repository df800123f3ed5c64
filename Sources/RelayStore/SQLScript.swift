/// Splits a SQL script into statements. postgres-nio speaks only the extended protocol, which
/// takes one statement at a time, so migration files are split here. Semicolons inside quotes,
/// quoted identifiers, dollar-quoted bodies and comments do not split.
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        let s = Array(script.utf8)
        var out: [String] = []
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            let text = String(decoding: s[start..<end], as: UTF8.self)
            if !isBlank(text) { out.append(text.trimmingWhitespace()) }
        }
        while i < s.count {
            switch s[i] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = s[i]
                i += 1
                while i < s.count {
                    if s[i] == quote {
                        // A doubled quote is an escaped quote.
                        if i + 1 < s.count, s[i + 1] == quote { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "-") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "-"):
                while i < s.count, s[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i + 1 < s.count, !(s[i] == UInt8(ascii: "*") && s[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            case UInt8(ascii: "$"):
                // $tag$ ... $tag$ (tag may be empty).
                var j = i + 1
                while j < s.count, s[j] == UInt8(ascii: "_") || (s[j] >= 0x30 && s[j] <= 0x39) || ((s[j] | 0x20) >= 0x61 && (s[j] | 0x20) <= 0x7a) {
                    j += 1
                }
                guard j < s.count, s[j] == UInt8(ascii: "$") else { i += 1; continue }
                let tag = Array(s[i...j])
                i = j + 1
                while i < s.count, !(s[i] == UInt8(ascii: "$") && s[i...].starts(with: tag)) { i += 1 }
                i += tag.count
            case UInt8(ascii: ";"):
                flush(i)
                i += 1
                start = i
            default:
                i += 1
            }
        }
        if start < s.count { flush(s.count) }
        return out
    }

    /// True when `text` holds only whitespace and comments.
    private static func isBlank(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return rest.isEmpty
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
