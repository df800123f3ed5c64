import Foundation

/// Just enough Swift lexing to read Package.swift as text: comments, string literals and
/// balanced brackets. Strings are single-line literals, as a package manifest writes them.
enum SwiftText {
    /// `source` with `//` and `/* */` comments removed (not inside string literals, so a URL's
    /// `https://` stays); line breaks are kept.
    static func withoutComments(_ source: String) -> String {
        let text = Array(source)
        var out: [Character] = []
        var i = 0
        var inString = false
        while i < text.count {
            let c = text[i]
            let next: Character? = i + 1 < text.count ? text[i + 1] : nil
            if inString {
                out.append(c)
                if c == "\\", let next {
                    out.append(next)
                    i += 1
                } else if c == "\"" {
                    inString = false
                }
            } else if c == "/", next == "/" {
                while i < text.count, !text[i].isNewline { i += 1 }
                continue
            } else if c == "/", next == "*" {
                i += 2
                while i + 1 < text.count, !(text[i] == "*" && text[i + 1] == "/") { i += 1 }
                i += 2
                continue
            } else {
                if c == "\"" { inString = true }
                out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// The index of the bracket closing the one at `open` (`(` or `[`), skipping string
    /// literals; `text.count` when it is never closed.
    static func closing(_ text: [Character], from open: Int) -> Int {
        var found = text.count
        walkCode(text, from: open) { i, depth in
            guard depth == 1, text[i] == ")" || text[i] == "]" else { return true }
            found = i
            return false
        }
        return found
    }

    /// The comma-separated items of a list's contents, split only at depth 0 and outside
    /// strings, trimmed, empty ones dropped.
    static func topLevelItems(_ list: String) -> [String] {
        let text = Array(list)
        var cuts: [Int] = []
        walkCode(text, from: 0) { i, depth in
            if depth == 0, text[i] == "," { cuts.append(i) }
            return true
        }
        var items: [String] = []
        var start = 0
        for cut in cuts + [text.count] {
            items.append(String(text[start..<cut]))
            start = cut + 1
        }
        return items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Calls `visit` with each index of `text` from `start` that is outside string literals and
    /// the bracket depth before it (`(` and `[` open, `)` and `]` close), until it returns false.
    private static func walkCode(_ text: [Character], from start: Int, _ visit: (Int, Int) -> Bool) {
        var depth = 0
        var inString = false
        var i = start
        while i < text.count {
            let c = text[i]
            if inString {
                if c == "\\" { i += 1 } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else {
                guard visit(i, depth) else { return }
                if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth -= 1 }
            }
            i += 1
        }
    }
}
