import RelayCore

/// A domain table whose columns are a record type's fields (named as the body members), plus
/// the columns a body does not carry. Every statement that writes these rows from a body or
/// reads them back for verification is generated from it, so the gateway, the replicas and
/// the verifier cannot disagree about a column.
struct RecordTable: Sendable {
    /// A column filled from outside the record when a row is written.
    struct ContextColumn: Sendable {
        enum Source: Sendable {
            /// The region the row belongs to (the gateway's, or the origin of a replicated entry).
            case region
            /// A member of the whole body (not of the record), e.g. a `manifest` body's subject.
            case bodyMember(FieldSpec)
        }

        let name: String
        let source: Source

        /// Its value as SQL over a statement's `x` CTE: `b` (the whole body) and `region`.
        var valueInX: String {
            switch source {
            case .region: "region"
            case .bodyMember(let field): field.value(in: "b")
            }
        }

        /// Its value bound from `body`; `region` is the region's placeholder.
        func placeholder(body: JSONValue, region: String, in statement: inout BoundStatement) throws -> String {
            switch source {
            case .region: region
            case .bodyMember(let field): try field.placeholder(for: body[field.name] ?? .null, in: &statement)
            }
        }
    }

    let name: String
    /// Alias in generated queries; also prefixes the labels coverage selects.
    let alias: String
    /// What one row is, for messages ("manifest").
    let noun: String
    /// The record's fields; the first is the table's primary key.
    let fields: [FieldSpec]
    /// The body member holding the record; nil when the record is the body itself.
    let member: String?
    /// Columns a body does not carry, set when the row is written.
    let context: [ContextColumn]
    /// For a table after its kind's first: its column holding the first table's key.
    let parentKey: String?
    /// Columns holding current state, not history: in no body, left to their defaults.
    let state: [String]

    /// The primary key column.
    var key: FieldSpec { fields[0] }
    /// Every column the statements name or leave alone: the table's columns, exactly.
    var columns: [String] { fields.map(\.name) + context.map(\.name) + state }

    /// `LEFT JOIN` of this table to its kind's first table, by `parentKey`.
    func join(to first: RecordTable) -> String {
        guard let parentKey else { preconditionFailure("\(name) does not hang off another table") }
        return "LEFT JOIN \(name) \(alias) ON \(alias).\(parentKey) = \(first.alias).\(first.key.name)"
    }
}

extension RecordTable {
    private static let region = ContextColumn(name: "region", source: .region)

    static let organizations = RecordTable(
        name: "organizations", alias: "o", noun: "organization", fields: OrgRecord.schema.specs, member: nil,
        context: [region], parentKey: nil, state: ["is_active"])
    static let agents = RecordTable(
        name: "agents", alias: "a", noun: "agent", fields: AgentRecord.schema.specs, member: nil,
        context: [region], parentKey: nil, state: ["is_active"])
    static let manifests = RecordTable(
        name: "manifests", alias: "m", noun: "manifest", fields: ManifestRecord.schema.specs,
        member: LedgerRecord.manifestMember, context: [region], parentKey: nil, state: [])
    /// Seals hang off their manifest (`manifest_id`, the body's subject); their execution is
    /// state here and history in `seal_executed` entries (`RecordUpdate.sealExecution`).
    static let seals = RecordTable(
        name: "seals", alias: "s", noun: "seal", fields: SealRecord.schema.specs, member: LedgerRecord.sealMember,
        context: [region, ContextColumn(name: "manifest_id", source: .bodyMember(manifests.key))],
        parentKey: "manifest_id", state: ["was_executed", "executed_at"])
    static let authEvents = RecordTable(
        name: "auth_events", alias: "e", noun: "auth event", fields: AuthEventRecord.schema.specs, member: nil,
        context: [region], parentKey: nil, state: [])

    /// Every table records are written to.
    static let all: [RecordTable] = [organizations, agents, manifests, seals, authEvents]
}

extension LedgerKind {
    /// The tables holding this kind's records, in insert order (seals reference manifests); the
    /// first holds the subject. Empty for kinds that add no rows.
    var tables: [RecordTable] {
        switch self {
        case .manifest: [.manifests, .seals]
        case .orgRegistered: [.organizations]
        case .agentRegistered: [.agents]
        case .authEvent: [.authEvents]
        case .sealExecuted, .regionControl: []
        }
    }
}
