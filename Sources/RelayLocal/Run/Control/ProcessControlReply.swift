/// The running `relay-local up`'s answer to a ``ProcessControlRequest``.
public struct ProcessControlReply: Codable, Equatable, Sendable {
    /// Whether everything asked for was done.
    public var ok: Bool
    /// One line per component (`us-east-1 gateway: killed (SIGKILL, pid 4242)`), or why the
    /// request was refused.
    public var lines: [String]

    /// Creates a reply.
    public init(ok: Bool, lines: [String]) {
        self.ok = ok
        self.lines = lines
    }
}
