import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process's signal dispositions as `/proc/<pid>/status` shows them: which signals it blocks
/// (`SigBlk`), ignores (`SigIgn`) and catches with a handler (`SigCgt`).
struct SignalMasks: Equatable, Sendable {
    var blocked: UInt64
    var ignored: UInt64
    var caught: UInt64

    /// Parses the text of `/proc/<pid>/status`; nil when a mask line is missing or malformed.
    init?(status text: String) {
        var masks: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, ["SigBlk", "SigIgn", "SigCgt"].contains(parts[0]) else { continue }
            guard let value = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            masks[String(parts[0])] = value
        }
        guard let blocked = masks["SigBlk"], let ignored = masks["SigIgn"], let caught = masks["SigCgt"] else { return nil }
        self.init(blocked: blocked, ignored: ignored, caught: caught)
    }

    init(blocked: UInt64, ignored: UInt64, caught: UInt64) {
        self.blocked = blocked
        self.ignored = ignored
        self.caught = caught
    }

    /// The masks of `pid`, nil when it is gone or `/proc` is unavailable.
    static func of(_ pid: pid_t) -> SignalMasks? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return SignalMasks(status: text)
    }

    func blocks(_ signal: Int32) -> Bool { blocked & Self.bit(signal) != 0 }
    func catches(_ signal: Int32) -> Bool { caught & Self.bit(signal) != 0 }

    /// Signal n is bit n − 1 of each mask.
    private static func bit(_ signal: Int32) -> UInt64 { signal >= 1 && signal <= 64 ? 1 << UInt64(signal - 1) : 0 }
}
