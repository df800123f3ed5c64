/// An `auth_events` row: the event the gateway reported, with its id and time.
public struct AuthEventRecord: Sendable, Equatable {
    public var eventID: String
    public var event: AuthEvent
    public var createdAt: Timestamp

    /// Creates a record of `event`.
    public init(eventID: String, event: AuthEvent, createdAt: Timestamp) {
        self.eventID = eventID
        self.event = event
        self.createdAt = createdAt
    }
}

extension AuthEventRecord {
    /// An `auth_event` body; the same names are `auth_events` columns.
    public static let schema = RecordSchema<AuthEventRecord>(
        blank: AuthEventRecord(eventID: "", event: AuthEvent(type: "", success: false), createdAt: .init(microseconds: 0)),
        fields: [
            .init("event_id", \.eventID, .uuid),
            .init("event_type", \.event.type, .text),
            .init("success", \.event.success, .boolean),
            .init("agent_id", \.event.agentID, .optional(.text)),
            .init("org_id", \.event.orgID, .optional(.text)),
            .init("endpoint", \.event.endpoint, .optional(.text)),
            .init("client_ip", \.event.clientIP, .optional(.text)),
            .init("reason", \.event.reason, .optional(.text)),
            .init("created_at", \.createdAt, .timestamp),
        ])
}
