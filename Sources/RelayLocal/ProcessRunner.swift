import Foundation
import Synchronization
import RelaySystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One command to run: executable, arguments, environment, optional standard input, time limit.
struct ProcessInvocation: Sendable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]?
    var currentDirectory: String?
    var standardInput: String?
    var timeout: Duration

    init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, standardInput: String? = nil, timeout: Duration
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.standardInput = standardInput
        self.timeout = timeout
    }

    /// The command line, shell-quoted where needed, for messages.
    var commandLine: String {
        ([executable] + arguments).map(ShellQuoting.quoteIfNeeded).joined(separator: " ")
    }

    var timeoutSeconds: Double {
        let c = timeout.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

/// What a finished command produced.
struct ProcessOutput: Sendable {
    /// Exit status, or 128 + signal number when the process died of a signal.
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool

    var succeeded: Bool { exitCode == 0 && !timedOut }

    /// The end of stderr, or of stdout when stderr is empty.
    var errorTail: String {
        let e = stderr.tail()
        return e.isEmpty ? stdout.tail() : e
    }
}

/// Runs commands with `posix_spawn`, capturing stdout and stderr, with a time limit.
///
/// Not Foundation's `Process`: on Linux it learns that a child exited through a socket
/// that the child inherits, and `pg_ctl start` hands that socket on to the daemonized
/// postmaster, so `terminationHandler` and `waitUntilExit` would not return until the
/// server stops. Here the child gets only stdin/stdout/stderr (every other descriptor is
/// closed), runs in a process group of its own (so a timeout can signal the whole group),
/// and is waited for with `waitid`/`waitpid` on a dedicated thread, never on the Swift
/// cooperative pool. Output goes to unlinked temporary files rather than pipes, so nothing
/// needs draining while the child runs.
enum ProcessRunner {
    /// Runs `invocation` and returns its output, whatever its exit code; `started` gets the
    /// child's pid as soon as it runs (to signal it while it does).
    static func run(_ invocation: ProcessInvocation, started pidHandler: @Sendable (pid_t) -> Void = { _ in }) async throws -> ProcessOutput {
        let control = RunControl()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutput, any Error>) in
                let started: Started
                do {
                    started = try launch(invocation, control: control)
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                pidHandler(started.pid)
                Thread.detachNewThread {
                    continuation.resume(returning: started.waitForExit(control: control))
                }
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// Runs `invocation`, blocking the calling thread until it ends (for `atexit` and other
    /// synchronous paths).
    static func runSync(_ invocation: ProcessInvocation) throws -> ProcessOutput {
        let control = RunControl()
        return try launch(invocation, control: control).waitForExit(control: control)
    }

    /// Runs `invocation` and throws unless it exited 0 within its time limit.
    @discardableResult
    static func runChecked(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        try check(await run(invocation), invocation)
    }

    /// Synchronous ``runChecked(_:)``.
    @discardableResult
    static func runCheckedSync(_ invocation: ProcessInvocation) throws -> ProcessOutput {
        try check(runSync(invocation), invocation)
    }

    static func check(_ output: ProcessOutput, _ invocation: ProcessInvocation) throws -> ProcessOutput {
        if output.timedOut {
            throw PostgresClusterError.commandTimedOut(
                command: invocation.commandLine, seconds: Int(invocation.timeoutSeconds), stderrTail: output.errorTail)
        }
        guard output.exitCode == 0 else {
            throw PostgresClusterError.commandFailed(
                command: invocation.commandLine, exitCode: output.exitCode, stderrTail: output.errorTail)
        }
        return output
    }

    /// A spawned child and the files holding its output.
    private struct Started: Sendable {
        let pid: pid_t
        let stdout: CaptureFile
        let stderr: CaptureFile
        let stdin: CaptureFile?

        /// Blocks until the child exits, then reaps it and collects its output.
        func waitForExit(control: RunControl) -> ProcessOutput {
            // Wait without reaping, so the pid cannot be reused while the timer may still signal it.
            var info = siginfo_t()
            var waitError: Int32 = 0
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
                if errno == EINTR { continue }
                waitError = errno
                break
            }
            let timedOut = control.finish()
            var status: Int32 = 0
            var reaped: pid_t = -1
            if waitError == 0 {
                repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
            }
            let code: Int32
            var stderrText = stderr.readAll()
            if reaped == pid {
                let signal = status & 0x7f
                code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            } else {
                code = -1
                stderrText += "\n(could not wait for pid \(pid): \(String(cString: strerror(waitError == 0 ? errno : waitError))))"
            }
            withExtendedLifetime(stdin) {}
            return ProcessOutput(exitCode: code, stdout: stdout.readAll(), stderr: stderrText, timedOut: timedOut)
        }
    }

    private static func launch(_ invocation: ProcessInvocation, control: RunControl) throws -> Started {
        let stdout = try CaptureFile()
        let stderr = try CaptureFile()
        let stdin = try invocation.standardInput.map { try CaptureFile(contents: $0) }
        let pid: pid_t
        do {
            pid = try spawn(invocation, stdin: stdin?.fd, stdout: stdout.fd, stderr: stderr.fd)
        } catch {
            throw PostgresClusterError.launchFailed(command: invocation.commandLine, reason: "\(error)")
        }
        control.started(pid: pid, timeout: invocation.timeoutSeconds)
        return Started(pid: pid, stdout: stdout, stderr: stderr, stdin: stdin)
    }

    private static func spawn(_ invocation: ProcessInvocation, stdin: Int32?, stdout: Int32, stderr: Int32) throws -> pid_t {
        try ChildSpawn.spawn(
            invocation.executable, argv: [invocation.executable] + invocation.arguments,
            environment: invocation.environment ?? ProcessInfo.processInfo.environment, stdin: stdin, stdout: stdout, stderr: stderr,
            directory: invocation.currentDirectory)
    }
}

/// Shared state between a running child, its timer and task cancellation.
private final class RunControl: Sendable {
    private struct State {
        var pid: pid_t = 0
        var finished = false
        var timedOut = false
        var cancelled = false
        var timer: TimerHandle?
    }

    /// The armed time-limit work item; DispatchWorkItem is thread-safe but not marked Sendable.
    private final class TimerHandle: @unchecked Sendable {
        let item: DispatchWorkItem
        init(_ item: DispatchWorkItem) { self.item = item }
    }

    private let state = Mutex(State())

    /// Records the child and arms the time limit.
    func started(pid: pid_t, timeout seconds: Double) {
        let timer = TimerHandle(DispatchWorkItem { [self] in terminate(markTimedOut: true) })
        let cancelled = state.withLock { s -> Bool in
            s.pid = pid
            s.timer = timer
            return s.cancelled
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer.item)
        if cancelled { terminate(markTimedOut: false) }
    }

    /// Marks the child finished (it is a zombie, not yet reaped) and disarms the time limit;
    /// returns whether the time limit had fired.
    func finish() -> Bool {
        let (timer, timedOut) = state.withLock { s in
            s.finished = true
            defer { s.timer = nil }
            return (s.timer, s.timedOut)
        }
        timer?.item.cancel()
        return timedOut
    }

    func cancel() {
        state.withLock { $0.cancelled = true }
        terminate(markTimedOut: false)
    }

    /// SIGTERM to the child's process group now, SIGKILL three seconds later if the child is
    /// still there.
    private func terminate(markTimedOut: Bool) {
        let signalled = state.withLock { s -> Bool in
            guard !s.finished, s.pid > 0 else { return false }
            if markTimedOut { s.timedOut = true }
            kill(-s.pid, SIGTERM)
            return true
        }
        guard signalled else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) { [self] in
            state.withLock { s in
                if !s.finished, s.pid > 0 { kill(-s.pid, SIGKILL) }
            }
        }
    }
}

/// An unlinked temporary file used as a child's stdin, stdout or stderr.
private final class CaptureFile: Sendable {
    /// Close-on-exec descriptor of the unlinked file; closed on deinit.
    let fd: Int32

    init(contents: String? = nil) throws {
        var template = Array((NSTemporaryDirectory() + "/relay-local-io-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw PostgresClusterError.fileSystem(path: NSTemporaryDirectory(), reason: String(cString: strerror(errno)))
        }
        // Only the child's dup2'ed copy (0/1/2) should survive exec, not this descriptor.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        if let contents {
            var bytes = Array(contents.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PostgresClusterError.fileSystem(path: "(stdin buffer)", reason: String(cString: strerror(errno)))
                }
                offset += n
            }
            bytes.removeAll()
            lseek(fd, 0, SEEK_SET)
        }
    }

    deinit { close(fd) }

    /// Everything written to the file (read after the child has exited).
    func readAll() -> String {
        lseek(fd, 0, SEEK_SET)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Quoting for POSIX `sh`.
enum ShellQuoting {
    /// `value` in single quotes, with embedded single quotes escaped.
    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `value` as is when it has only safe characters, quoted otherwise.
    static func quoteIfNeeded(_ value: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        return !value.isEmpty && value.allSatisfy(safe.contains) ? value : quote(value)
    }
}

/// Runs blocking work on a Dispatch global queue, off the Swift cooperative pool.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
