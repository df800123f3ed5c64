import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `relay-local kill|restart|stop` reach the running `relay-local up --regions`: the folder
/// `<state-dir>/control/`, with `up.lock`, `requests/` and `replies/`.
///
/// The running `up` performs the requests itself, so it keeps owning its children: it reaps
/// them, writes their new pids to the env file and stops them at the end, restarted ones
/// included. A command writes `requests/<id>.json`; `up` takes it, acts, and writes
/// `replies/<id>.json`. Why files and a lock rather than a socket or a pid file: `up` holds an
/// exclusive `flock` on `up.lock` for as long as it runs, and the kernel drops it when `up`
/// ends however it ends (kill -9 included), so "is an up running?" never gets a stale answer
/// (a pid file can name a reused pid, a socket file outlives a killed server); files have no
/// path-length limit (a unix socket's is 108 bytes, short for deep state folders) and need no
/// server code; and a request left behind by a crash is harmless, cleared by the next `up`.
public struct ProcessControlFolder: Sendable {
    /// `<state-dir>/control`.
    public let root: URL

    /// The control folder of `state`.
    public init(state: LocalStateFolder) {
        root = state.root.appendingPathComponent("control")
    }

    var lockFile: URL { root.appendingPathComponent("up.lock") }
    var requests: URL { root.appendingPathComponent("requests") }
    var replies: URL { root.appendingPathComponent("replies") }

    // MARK: The running up's side

    /// Takes the lock for the life of a run (creating the folder) and clears requests and
    /// replies left by an earlier run. Throws ``LocalRunError/stateInUse(_:)`` when another run
    /// holds it.
    func acquire() throws(LocalRunError) -> RegionControlLease {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: requests, withIntermediateDirectories: true)
            try fm.createDirectory(at: replies, withIntermediateDirectories: true)
        } catch { throw .cannotWrite(root.path) }
        // Close-on-exec: a child holding the descriptor would keep the lock after we are gone.
        let fd = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(lockFile.path) }
        // A command checking for us holds a shared lock for an instant: retry briefly.
        var locked = false
        for _ in 0..<40 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                locked = true
                break
            }
            usleep(50_000)
        }
        guard locked else {
            close(fd)
            throw .stateInUse(root.deletingLastPathComponent().path)
        }
        let pid = Data("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        for folder in [requests, replies] {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
                try? fm.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        return RegionControlLease(fd: fd, folder: root)
    }

    /// The ids of the requests waiting, oldest first.
    func pendingRequests() -> [String] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: requests.path)) ?? []).filter { $0.hasSuffix(".json") }
        let dated = names.map { name in
            let date = (try? fm.attributesOfItem(atPath: requests.appendingPathComponent(name).path)[.modificationDate] as? Date) ?? nil
            return (id: String(name.dropLast(5)), date: date ?? .distantPast)
        }
        return dated.sorted { $0.date < $1.date }.map(\.id)
    }

    /// Reads and removes request `id`; nil when it was withdrawn meanwhile.
    func take(_ id: String) -> Result<ProcessControlRequest, ProcessControlError>? {
        let url = requests.appendingPathComponent(id + ".json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        try? FileManager.default.removeItem(at: url)
        do {
            return .success(try JSONDecoder().decode(ProcessControlRequest.self, from: data))
        } catch {
            return .failure(.io(path: url.path, reason: "not a request: \(error)"))
        }
    }

    /// Writes the reply to request `id`.
    func answer(_ id: String, with reply: ProcessControlReply) throws(ProcessControlError) {
        try Self.publish(try? JSONEncoder().encode(reply), at: replies.appendingPathComponent(id + ".json"))
    }

    // MARK: The commands' side

    /// Whether a run holds the lock now.
    public var isServed: Bool {
        let fd = open(lockFile.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // Shared: two commands checking at once do not see each other as the run.
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// Writes `request` for the run to take; returns its id.
    func submit(_ request: ProcessControlRequest) throws(ProcessControlError) -> String {
        let id = UUID().uuidString
        try Self.publish(try? JSONEncoder().encode(request), at: requests.appendingPathComponent(id + ".json"))
        return id
    }

    /// Reads and removes the reply to `id`, when there is one.
    func reply(to id: String) -> ProcessControlReply? {
        let url = replies.appendingPathComponent(id + ".json")
        guard let data = try? Data(contentsOf: url), let reply = try? JSONDecoder().decode(ProcessControlReply.self, from: data) else {
            return nil
        }
        try? FileManager.default.removeItem(at: url)
        return reply
    }

    /// Removes request `id` if the run has not taken it yet; returns whether it did.
    func withdraw(_ id: String) -> Bool {
        (try? FileManager.default.removeItem(at: requests.appendingPathComponent(id + ".json"))) != nil
    }

    /// Writes `data` under a name the reader ignores, then renames it into place, so a reader
    /// never sees half a file.
    private static func publish(_ data: Data?, at url: URL) throws(ProcessControlError) {
        let part = url.appendingPathExtension("part")
        do {
            guard let data else { throw CocoaError(.coderInvalidValue) }
            try data.write(to: part)
            guard rename(part.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: part)
            throw .io(path: url.path, reason: "\(error)")
        }
    }
}

/// The running `up`'s hold on its control folder; ``release()`` deletes the folder and drops the lock.
final class RegionControlLease: Sendable {
    private let fd: Int32
    private let folder: URL
    private let released = Mutex(false)

    init(fd: Int32, folder: URL) {
        self.fd = fd
        self.folder = folder
    }

    /// Deletes the folder (requests unanswered are answered by the commands' "up ended"), then
    /// closes the lock. Idempotent.
    func release() {
        guard released.withLock({ r in defer { r = true }; return !r }) else { return }
        try? FileManager.default.removeItem(at: folder)
        close(fd)
    }

    deinit { release() }
}
