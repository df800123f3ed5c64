import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads process facts from Linux `/proc`.
enum ProcFS {
    /// Fields of `/proc/<pid>/stat` that the harness uses.
    struct Stat: Equatable {
        /// Field 3: R, S, D, Z (zombie), X (dead), ...
        var state: Character
        /// Field 4.
        var parentPID: pid_t
        /// Field 5.
        var processGroup: pid_t
        /// Field 22: start time in clock ticks after boot.
        var startTime: UInt64
    }

    /// Whether `/proc` is usable here (it is not on macOS).
    static let isAvailable: Bool = stat(getpid()) != nil

    static func stat(_ pid: pid_t) -> Stat? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // Field 2 (comm) is in parentheses and may itself contain spaces or ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3, so field N is rest[N - 3].
        guard rest.count > 19, let state = rest[0].first,
            let ppid = pid_t(rest[1]), let pgrp = pid_t(rest[2]), let start = UInt64(rest[19])
        else { return nil }
        return Stat(state: state, parentPID: ppid, processGroup: pgrp, startTime: start)
    }

    /// Whether `pid` exists and is not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let s = stat(pid) else { return false }
        return s.state != "Z" && s.state != "X"
    }

    /// The process's argv, or nil if unreadable.
    static func commandLine(_ pid: pid_t) -> [String]? {
        guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else {
            return nil
        }
        return data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            .dropLast(data.last == 0 ? 1 : 0).map { $0 }
    }

    /// Every pid currently listed in `/proc`.
    static func allPIDs() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    /// Live (non-zombie) children of `parent`.
    static func liveChildren(of parent: pid_t) -> [pid_t] {
        allPIDs().filter { pid in
            guard let s = stat(pid) else { return false }
            return s.parentPID == parent && s.state != "Z" && s.state != "X"
        }
    }
}
