import Foundation

/// Headless Chromium (Debian's `chromium-headless-shell`, installed by scripts/install-deps.sh)
/// loading a page the way a reader's browser would: a screenshot, the DOM after loading, and
/// every message the page wrote to the console (an error, a failed load of an external asset).
public enum HeadlessBrowser {
    /// What the browser made of a page.
    public struct Page: Sendable {
        /// The DOM after loading, serialised.
        public let dom: String
        /// Console messages (`"text", source: url (line)`); a page of ours writes none.
        public let console: [String]
        /// The screenshot's PNG file.
        public let screenshot: URL
    }

    /// The browser's path, or nil when none is installed.
    public static var executable: String? {
        ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Loads `url` twice (screenshot, then DOM), each in a profile of its own that is removed
    /// afterwards, and keeps the screenshot as `artifacts/<name>.png`.
    public static func load(_ url: String, name: String, width: Int = 1280, height: Int = 2000) async throws -> Page {
        guard let executable else { throw BrowserError("chromium-headless-shell is not installed (scripts/install-deps.sh installs it)") }
        let screenshot = Self.artifacts.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: screenshot)
        return try await TemporaryDirectory.with(prefix: "relay-browser-") { profile in
            func run(_ extra: [String]) async throws -> ChildProcess.Output {
                let out = try await ChildProcess.run(
                    executable,
                    ["--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
                     "--window-size=\(width),\(height)", "--timeout=15000"] + extra + [url])
                guard out.status == 0 else { throw BrowserError("\(executable) exited with \(out.status): \(out.stderr.suffix(2000))") }
                return out
            }
            let shot = try await run(["--screenshot=\(screenshot.path)"])
            let dom = try await run(["--dump-dom"])
            guard FileManager.default.fileExists(atPath: screenshot.path) else { throw BrowserError("no screenshot written: \(shot.stderr.suffix(2000))") }
            let console = (shot.stderr + dom.stderr).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map { line in
                String(line[(line.range(of: "] ")?.upperBound ?? line.startIndex)...])
            }
            return Page(dom: dom.stdout, console: console, screenshot: screenshot)
        }
    }

    /// Where screenshots are kept after the run: `$RELAY_TEST_ARTIFACTS`, else `test-artifacts/`
    /// in the package (ignored by git).
    public static var artifacts: URL {
        let configured = ProcessInfo.processInfo.environment["RELAY_TEST_ARTIFACTS"].flatMap { $0.isEmpty ? nil : $0 }
        let url =
            configured.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("test-artifacts")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The browser could not be run.
    public struct BrowserError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
