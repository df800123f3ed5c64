import Foundation
import PostgresNIO
import RelayCore

/// Writes a policy decision: the manifest, its seal and its ledger record, in ONE transaction.
public struct ManifestWriter: Sendable {
    let database: Database

    /// Creates a writer on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Stores `manifest` with the decision recorded in `seal`. Throws `StoreError.duplicateManifest`
    /// when the manifest id was used before; nothing is written then.
    public func record(_ manifest: Manifest, seal: Seal) async throws {
        let p = seal.payload
        let record = LedgerRecord.manifest(ManifestRecord(manifest, seal: seal), SealRecord(seal))
        return try await database.operation("record manifest \(manifest.id)") { client in
            do {
                // One statement = one implicit transaction and one round trip: the manifest, its seal
                // and the ledger outbox record commit together or not at all.
                try await client.query(
                    """
                    WITH m AS (
                        INSERT INTO manifests (manifest_id, region, version, manifest_timestamp, agent_id, org_id, user_id,
                            provider, method, parameters, reasoning, confidence_score, context, environment,
                            approved, denial_reason, policy_version, created_at)
                        VALUES (\(manifest.manifestID), \(p.region), \(manifest.version), \(manifest.timestamp.iso8601)::timestamptz,
                            \(manifest.agent.agentID), \(manifest.agent.orgID), \(manifest.agent.userID),
                            \(p.provider), \(p.method), \(CanonicalJSON.string(.object(p.parameters)))::jsonb,
                            \(manifest.justification.reasoning), \(manifest.justification.confidenceScore),
                            \(manifest.justification.context.map { CanonicalJSON.string(.object($0)) })::jsonb,
                            \(manifest.environment), \(p.approved), \(seal.denialReason), \(p.policyVersion),
                            \(p.issuedAt.iso8601)::timestamptz)
                    ), s AS (
                        INSERT INTO seals (seal_id, manifest_id, region, approved, policy_version, denial_reason, key_id,
                            public_key, signature, signed_payload, issued_at, expires_at)
                        VALUES (\(p.sealID), \(manifest.manifestID), \(p.region), \(p.approved), \(p.policyVersion),
                            \(seal.denialReason), \(p.keyID), \(Data(seal.publicKey)), \(Data(seal.signature)),
                            \(Data(seal.signedPayload)), \(p.issuedAt.iso8601)::timestamptz, \(p.expiresAt.iso8601)::timestamptz)
                    )
                    INSERT INTO ledger_records (region, kind, subject, body)
                    VALUES (\(p.region), \(record.kind.rawValue), \(record.subject), \(Data(record.bodyBytes)))
                    """, logger: database.logger)
            } catch where error.sqlState == "23505" {
                throw StoreError.duplicateManifest(manifest.id)
            }
        }
    }
}
