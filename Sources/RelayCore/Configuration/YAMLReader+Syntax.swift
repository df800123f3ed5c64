import Yams

/// Parsing text into a node tree, with YAML syntax errors mapped to `file:line: reason`.
extension YAMLReader {
    /// The node tree of `yaml`, nil for an empty document. A UTF-8 byte order mark (which some
    /// Windows editors save) is skipped; Yams would otherwise hand it to libyaml as content.
    public func compose(_ yaml: String) throws(ConfigFileError) -> Node? {
        var text = yaml
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error, yaml: text)
        }
    }

    /// Maps a Yams error to an error at the line libyaml reported.
    public func syntaxError(_ error: any Error, yaml: String) -> ConfigFileError {
        guard let yamlError = error as? YamlError else {
            return ConfigFileError(file: file, line: nil, reason: "YAML syntax error: \(error)")
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
            return ConfigFileError(file: file, line: mark.line, reason: reason(problem, context))
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in yaml.prefix(offset).reduce(1) { lines, character in
                character == "\n" || character == "\r\n" || character == "\r" ? lines + 1 : lines
            } }
            return ConfigFileError(file: file, line: line, reason: "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigFileError(file: file, line: context.mark.line, reason: "duplicate key \(keys) in a mapping")
        default:
            return ConfigFileError(file: file, line: nil, reason: "YAML syntax error: \(yamlError)")
        }
    }
}
