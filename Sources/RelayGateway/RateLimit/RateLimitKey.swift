/// Who a request is counted against: its authenticated agent, else its client IP.
public enum RateLimitKey {
    /// `agent:<org>/<agent>` for an authenticated request, `ip:<address>` otherwise.
    public static func key(principal: Principal?, clientIP: String) -> String {
        if let principal { return "agent:\(principal.orgID)/\(principal.agentID)" }
        return "ip:\(clientIP)"
    }
}
