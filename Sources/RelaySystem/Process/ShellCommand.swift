import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A command an operator configured (a region hook), run with `/bin/sh -c` in a process group
/// of its own, with a time limit and the tail of its output.
///
/// Spawned like RelayLocal's `ProcessRunner` and for the same reasons, not with Foundation's
/// `Process`: the child gets only stdin (`/dev/null`), stdout and stderr (every other
/// descriptor is closed), a time limit signals its whole process group, and it is waited for
/// with `waitid` on a thread of its own, never on the Swift cooperative pool. Stdout and stderr
/// share one unlinked temporary file (interleaved as written), so a command that leaves a
/// background process holding them still counts as finished when the shell exits.
public struct ShellCommand: Sendable {
    /// The text given to `/bin/sh -c`.
    public var command: String
    /// Variables added to (or replacing those of) the inherited environment.
    public var environment: [String: String]
    /// Time limit: then SIGTERM to the process group, and SIGKILL `killGrace` later.
    public var timeout: Duration
    /// Time between SIGTERM and SIGKILL on a timeout.
    public var killGrace: Duration = .seconds(2)
    /// The most output kept, in bytes (the end of it).
    public var outputLimit = 4096

    /// `command` with `environment` added, limited to `timeout`.
    public init(_ command: String, environment: [String: String] = [:], timeout: Duration) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
    }

    /// How a command ended.
    public enum Termination: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal (not ours) ended it.
        case signalled(Int32)
        /// It ran out of time and was terminated.
        case timedOut
        /// It could not be started.
        case failedToStart(String)
    }

    /// What a finished command did.
    public struct Result: Sendable, Equatable {
        public var termination: Termination
        /// Start → exit (or → given up on).
        public var duration: Duration
        /// The last `outputLimit` bytes of stdout and stderr together.
        public var output: String

        /// True when it exited 0 in time.
        public var succeeded: Bool { termination == .exited(0) }
    }

    /// Runs the command to its end (or its time limit); cancelling the task terminates it.
    public func run() async -> Result {
        let start = ContinuousClock.now
        let control = Control()
        let output: CaptureFile
        let pid: pid_t
        do {
            output = try CaptureFile()
            pid = try spawn(output: output.fd)
        } catch {
            return Result(termination: .failedToStart("\(error)"), duration: ContinuousClock.now - start, output: "")
        }
        control.started(pid: pid, timeout: timeout, grace: killGrace)
        // The end is taken on the waiting thread, when the child exits: the task may resume
        // later on a busy machine, and the command's duration must not include that wait.
        let ended = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Ended, Never>) in
                Thread.detachNewThread {
                    let termination = Self.wait(for: pid, control: control)
                    continuation.resume(returning: Ended(termination: termination, at: .now))
                }
            }
        } onCancel: {
            control.terminate(timedOut: false)
        }
        return Result(termination: ended.termination, duration: ended.at - start, output: output.tail(outputLimit))
    }

    /// Blocks until `pid` exits; reaps it only after the timer can no longer signal it (so its
    /// pid cannot have been reused by then).
    private static func wait(for pid: pid_t, control: Control) -> Termination {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            _ = control.finish()
            return .failedToStart("could not wait for pid \(pid): \(reason)")
        }
        let timedOut = control.finish()
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
        if timedOut { return .timedOut }
        guard reaped == pid else { return .failedToStart("could not reap pid \(pid)") }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    private func spawn(output: Int32) throws -> pid_t {
        try ChildSpawn.spawn(
            "/bin/sh", argv: ["/bin/sh", "-c", command], environment: ProcessInfo.processInfo.environment.merging(environment) { _, added in added },
            stdin: nil, stdout: output, stderr: output)
    }
}

extension ShellCommand {
    /// How the child ended, and when (seen by the thread that waited for it).
    fileprivate struct Ended: Sendable {
        let termination: Termination
        let at: ContinuousClock.Instant
    }

    /// The running child, its time limit and cancellation, shared between threads.
    fileprivate final class Control: Sendable {
        private struct State {
            var pid: pid_t = 0
            var finished = false
            var timedOut = false
        }

        private let state = Mutex(State())

        /// Records the child and arms the time limit.
        func started(pid: pid_t, timeout: Duration, grace: Duration) {
            state.withLock { $0.pid = pid }
            Self.after(timeout) { [self] in terminate(timedOut: true, grace: grace) }
        }

        /// Marks the child finished (exited, not reaped yet): no signal is sent from now on.
        /// Returns whether the time limit had fired.
        func finish() -> Bool {
            state.withLock { s in
                s.finished = true
                return s.timedOut
            }
        }

        /// SIGTERM to the child's process group now, SIGKILL `grace` later if it is still there.
        func terminate(timedOut: Bool, grace: Duration = .seconds(2)) {
            let signalled = state.withLock { s -> Bool in
                guard !s.finished, s.pid > 0 else { return false }
                if timedOut { s.timedOut = true }
                kill(-s.pid, SIGTERM)
                return true
            }
            guard signalled else { return }
            Self.after(grace) { [self] in
                state.withLock { s in
                    if !s.finished, s.pid > 0 { kill(-s.pid, SIGKILL) }
                }
            }
        }

        /// Runs `body` after `delay` on a thread of its own: a time limit must fire on time even
        /// when every worker of the shared queues is busy (a loaded 2-core machine showed a
        /// dispatch timer firing many seconds late).
        private static func after(_ delay: Duration, _ body: @escaping @Sendable () -> Void) {
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: delay.seconds)
                body()
            }
        }
    }

    /// An unlinked temporary file the child writes its output to.
    fileprivate final class CaptureFile: Sendable {
        /// Close-on-exec descriptor of the unlinked file; closed on deinit.
        let fd: Int32

        init() throws {
            var template = Array((NSTemporaryDirectory() + "/relay-hook-output-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw CaptureError(reason: String(cString: strerror(errno))) }
            // Only the child's dup2'ed copies (1 and 2) should survive exec.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            self.fd = fd
        }

        deinit { close(fd) }

        /// The last `limit` bytes written, starting at a whole UTF-8 character.
        func tail(_ limit: Int) -> String {
            var info = stat()
            guard fstat(fd, &info) == 0 else { return "" }
            let size = Int(info.st_size)
            var offset = max(0, size - limit)
            var bytes = [UInt8](repeating: 0, count: size - offset)
            var filled = 0
            while filled < bytes.count {
                let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(offset)) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                filled += n
                offset += n
            }
            // A cut inside a character: drop its continuation bytes.
            return String(decoding: bytes[0..<filled].drop { $0 & 0xC0 == 0x80 }, as: UTF8.self)
        }
    }

    fileprivate struct CaptureError: Error, CustomStringConvertible {
        let reason: String
        var description: String { "cannot create a file for the command's output in \(NSTemporaryDirectory()): \(reason)" }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` (for Dispatch deadlines).
    fileprivate var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
