/// An organization as registered (`is_active` is state, not history, and is not recorded).
public struct OrgRecord: Sendable, Equatable {
    public var orgID: String
    public var orgName: String
    public var contactEmail: String
    public var createdAt: Timestamp

    /// Creates a record.
    public init(orgID: String, orgName: String, contactEmail: String, createdAt: Timestamp) {
        self.orgID = orgID
        self.orgName = orgName
        self.contactEmail = contactEmail
        self.createdAt = createdAt
    }
}

extension OrgRecord {
    /// An `org_registered` body; the same names are `organizations` columns.
    public static let schema = RecordSchema<OrgRecord>(
        blank: OrgRecord(orgID: "", orgName: "", contactEmail: "", createdAt: .init(microseconds: 0)),
        fields: [
            .init("org_id", \.orgID, .text),
            .init("org_name", \.orgName, .text),
            .init("contact_email", \.contactEmail, .text),
            .init("created_at", \.createdAt, .timestamp),
        ])
}
