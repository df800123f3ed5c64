/// One authentication or authorization outcome, as the gateway reports it. Stored (immutable)
/// as an `AuthEventRecord`, which adds the event's id and time.
public struct AuthEvent: Sendable, Equatable {
    public var type: String
    public var success: Bool
    public var agentID: String?
    public var orgID: String?
    public var endpoint: String?
    public var clientIP: String?
    /// Why it failed (never a token or secret).
    public var reason: String?

    /// Creates an event.
    public init(
        type: String, success: Bool, agentID: String? = nil, orgID: String? = nil, endpoint: String? = nil,
        clientIP: String? = nil, reason: String? = nil
    ) {
        self.type = type
        self.success = success
        self.agentID = agentID
        self.orgID = orgID
        self.endpoint = endpoint
        self.clientIP = clientIP
        self.reason = reason
    }
}
