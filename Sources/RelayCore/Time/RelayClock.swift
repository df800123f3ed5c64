/// Where Relay reads "now". Injected so tests can move time (seal expiry) without sleeping.
///
/// The system clock, `RelayClock.system`, lives in RelaySystem: reading it is I/O.
public struct RelayClock: Sendable {
    private let read: @Sendable () -> Timestamp

    /// A clock reading `read()`.
    public init(_ read: @escaping @Sendable () -> Timestamp) {
        self.read = read
    }

    /// The current instant, truncated to microseconds.
    public func now() -> Timestamp { read() }
}
