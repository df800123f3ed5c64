#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal `relay-local kill --signal` sends.
public enum RegionSignal: String, Codable, Sendable {
    /// A crash: SIGKILL (for PostgreSQL, of the postmaster and every server process).
    case kill = "KILL"
    /// A clean stop: SIGTERM (for PostgreSQL, `pg_ctl stop -m fast`).
    case term = "TERM"

    /// `KILL`, `TERM`, with or without `SIG`, any case, or `9` / `15`.
    public init(parsing text: String) throws(ProcessControlError) {
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        switch name {
        case "KILL", "9": self = .kill
        case "TERM", "15": self = .term
        default: throw .badSignal(text)
        }
    }

    /// The signal number.
    var number: Int32 { self == .kill ? SIGKILL : SIGTERM }
}
