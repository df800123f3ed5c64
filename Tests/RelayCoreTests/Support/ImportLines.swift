/// The modules a Swift file imports, read from its `import` lines as text.
///
/// Attributes, declaration kinds and submodules count as the module itself
/// (`@preconcurrency import struct Foundation.URL` imports Foundation), and an import inside
/// `#if canImport(…)` counts too: it is compiled on some platform.
enum ImportLines {
    /// Every module `source` imports, in order, with repeats.
    static func modules(in source: String) -> [String] {
        let importLine = #/^(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(\w+)/#
        return source.split(whereSeparator: \.isNewline).compactMap { line in
            let text = line.drop { $0 == " " || $0 == "\t" }
            guard let match = text.prefixMatch(of: importLine) else { return nil }
            return String(match.1)
        }
    }
}
