import Foundation
import Synchronization
import Testing

/// A test's evidence folder: the logs of the processes and PostgreSQL clusters it starts. Removed
/// when the test passes; kept when it fails, and then named in every failure the test records, so
/// a rare failure (a soak, a crash test) can be understood after the fact.
public final class Evidence: Sendable {
    /// The folder (`<tmp>/relay-evidence-<label>-<uuid>`).
    public let directory: URL
    private let failed = Atomic<Bool>(false)
    private let keepers = Mutex<[@Sendable (URL) -> Void]>([])

    private init(label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-evidence-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Whether the test has recorded a failure (or thrown) so far.
    public var hasFailed: Bool { failed.load(ordering: .acquiring) }

    /// `name` inside the folder.
    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Runs `copy` into the folder if the test fails, before the folder is reported (for logs that
    /// live somewhere deleted at teardown, such as a cluster's directory). Teardown code calls
    /// `collect()` while those files still exist.
    public func onFailure(_ copy: @escaping @Sendable (URL) -> Void) {
        keepers.withLock { $0.append(copy) }
    }

    /// Runs the `onFailure` copies now if the test has failed (each once).
    public func collect() {
        guard hasFailed else { return }
        let copies = keepers.withLock { k -> [@Sendable (URL) -> Void] in
            defer { k = [] }
            return k
        }
        for copy in copies { copy(directory) }
    }

    /// Copies the file at `path` into the folder as `name` (nothing when it does not exist).
    public func copy(_ path: String, as name: String) {
        try? FileManager.default.copyItem(atPath: path, toPath: file(name).path)
    }

    /// Runs `body` with a fresh evidence folder: every failure recorded inside it (also from child
    /// tasks) names the folder; on success the folder is removed.
    public static func with<T: Sendable>(_ label: String, _ body: @Sendable (Evidence) async throws -> T) async throws -> T {
        let evidence = try Evidence(label: label)
        let path = evidence.directory.path
        let marking: IssueHandlingTrait = .compactMapIssues { issue in
            guard issue.isFailure else { return issue }
            evidence.failed.store(true, ordering: .releasing)
            var issue = issue
            issue.comments.append("evidence kept in \(path)")
            return issue
        }
        let result = Mutex<T?>(nil)
        do {
            // The issue handler is a test trait's scope; installed here, every test that uses
            // evidence gets it without annotating its suite.
            if let test = Test.current {
                try await marking.provideScope(for: test, testCase: Test.Case.current) {
                    let value = try await body(evidence)
                    result.withLock { $0 = value }
                }
            } else {
                let value = try await body(evidence)
                result.withLock { $0 = value }
            }
        } catch {
            evidence.failed.store(true, ordering: .releasing)
            evidence.collect()
            Issue.record("evidence kept in \(path)")
            throw error
        }
        evidence.collect()
        if !evidence.hasFailed { try? FileManager.default.removeItem(at: evidence.directory) }
        return result.withLock { $0! }
    }
}
