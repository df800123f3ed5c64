import Foundation

/// One `relay-dr …` command line of a runbook, as an operator would type it.
///
/// The conventions (stated at the top of every runbook): commands sit in ```sh (or bash, shell,
/// console, unlabelled) fences, one per line with an optional `$ ` prompt and `\` continuations;
/// a trailing `# exits N` says the command is expected to exit N at that point, a trailing
/// `# not run by the test: why` that the test skips it; any other trailing comment is prose.
struct RunbookCommand: Equatable, Sendable, CustomStringConvertible {
    /// The runbook's file name (`switchover.md`).
    let runbook: String
    /// 1-based line of the command's first line.
    let line: Int
    /// The heading (`## Do`) the command is under, without the `#`s; "" before any heading.
    let section: String
    /// The command as written (continuations joined, trailing comment removed).
    let text: String
    /// The words after `relay-dr`, unquoted.
    let arguments: [String]
    /// The exit status the runbook expects (`# exits N`), 0 when it says nothing.
    let expectedExit: Int32
    /// Why the test does not run it (`# not run by the test: …`), nil when it does.
    let skipReason: String?

    var description: String { "runbooks/\(runbook):\(line): \(text)" }
}

/// A runbook line the test cannot take apart: the runbook must be fixed.
struct RunbookSyntaxError: Error, Equatable, CustomStringConvertible {
    let runbook: String
    let line: Int
    let reason: String
    var description: String { "runbooks/\(runbook):\(line): \(reason)" }
}

enum RunbookCommands {
    /// Fence labels whose lines are shell commands.
    static let shellFences: Set<String> = ["", "sh", "bash", "shell", "console"]

    /// Every `relay-dr` command of `markdown`, in order.
    static func extract(markdown: String, runbook: String) throws(RunbookSyntaxError) -> [RunbookCommand] {
        var commands: [RunbookCommand] = []
        var fence: (label: String, shell: Bool)?
        var section = ""
        var pending: (line: Int, text: String)?
        for (index, raw) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if fence == nil {
                    let label = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces).lowercased()
                    fence = (label, shellFences.contains(label))
                } else {
                    if let p = pending { throw RunbookSyntaxError(runbook: runbook, line: p.line, reason: "a `\\` continuation runs into the end of the code block") }
                    fence = nil
                }
                continue
            }
            guard let current = fence else {
                if trimmed.hasPrefix("#") { section = trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) }
                continue
            }
            guard current.shell else { continue }
            var text = trimmed
            if let p = pending {
                text = p.text + " " + text
            } else if text.hasPrefix("$ ") {
                text = String(text.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            }
            if text.hasSuffix("\\") {
                pending = (pending?.line ?? number, String(text.dropLast()).trimmingCharacters(in: .whitespaces))
                continue
            }
            let first = pending?.line ?? number
            pending = nil
            guard text.hasPrefix("relay-dr ") else { continue }
            commands.append(try command(text, runbook: runbook, line: first, section: section))
        }
        return commands
    }

    /// Splits one command line into its words and its trailing marker.
    static func command(_ line: String, runbook: String, line number: Int, section: String) throws(RunbookSyntaxError) -> RunbookCommand {
        func fail(_ reason: String) -> RunbookSyntaxError { RunbookSyntaxError(runbook: runbook, line: number, reason: reason) }
        var words: [String] = []
        var word = ""
        var inWord = false
        var comment: String?
        var commandText = line
        var quote: Character?
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"", c == "\\", let next = chars.first, "\"\\$`".contains(next) {
                    word.append(chars.removeFirst())
                } else if q == "\"", "$`".contains(c) {
                    throw fail("`\(c)` inside double quotes: the test runs no shell, write the value itself")
                } else {
                    word.append(c)
                }
                continue
            }
            switch c {
            case " ", "\t":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "#" where !inWord:
                comment = String(chars).trimmingCharacters(in: .whitespaces)
                commandText = String(line.dropLast(chars.count + 1))
                chars = []
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                guard let next = chars.popFirst() else { throw fail("a lone `\\` at the end of the line") }
                word.append(next)
                inWord = true
            case "$", "|", ";", "&", ">", "<", "`", "(", ")":
                throw fail("shell syntax `\(c)`: the test runs no shell, so a runbook command must be a plain command (put placeholders in prose, not in commands)")
            default:
                word.append(c)
                inWord = true
            }
        }
        if quote != nil { throw fail("unterminated quote") }
        if inWord { words.append(word) }
        var expected: Int32 = 0
        var skip: String?
        if let comment {
            if comment == "exits" || comment.hasPrefix("exits ") {
                let digits = comment.dropFirst(5).drop { $0 == " " }.prefix { $0.isNumber }
                guard let status = Int32(digits) else { throw fail("`# exits` needs a status: `# exits 1: why`") }
                expected = status
            } else if comment.hasPrefix("not run by the test") {
                let why = comment.dropFirst("not run by the test".count).drop { $0 == ":" || $0 == " " }
                guard !why.isEmpty else { throw fail("`# not run by the test` needs the reason: `# not run by the test: why`") }
                skip = String(why)
            }
        }
        return RunbookCommand(
            runbook: runbook, line: number, section: section, text: commandText.trimmingCharacters(in: .whitespaces),
            arguments: Array(words.dropFirst()), expectedExit: expected, skipReason: skip)
    }

    /// The arguments to run `command` with against a test cluster: the runbooks' region names
    /// replaced with the test's (inside any word: key file names and reasons follow), any
    /// `--regions-dir` pointed at `regionsDir`, and `--yes` added to the commands that ask for
    /// confirmation (the test has no terminal to answer on).
    static func testArguments(_ command: RunbookCommand, regions: [String: String], regionsDir: String) -> [String] {
        var out: [String] = []
        var replaceNext = false
        for argument in command.arguments {
            if replaceNext {
                out.append(regionsDir)
                replaceNext = false
                continue
            }
            if argument == "--regions-dir" {
                replaceNext = true
                out.append(argument)
                continue
            }
            if argument.hasPrefix("--regions-dir=") {
                out.append("--regions-dir=" + regionsDir)
                continue
            }
            var replaced = argument
            for (name, test) in regions.sorted(by: { $0.key.count > $1.key.count }) {
                replaced = replaced.replacingOccurrences(of: name, with: test)
            }
            out.append(replaced)
        }
        if let verb = out.first, confirming.contains(verb), !out.contains("--yes") { out.append("--yes") }
        return out
    }

    /// Subcommands that ask for confirmation on a terminal.
    static let confirming: Set<String> = ["switchover", "failover", "failback", "drill", "pause", "resume"]
}
