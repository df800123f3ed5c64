import Foundation
import Logging
import PostgresNIO
import RelayCore

/// Turns replicated ledger entries back into domain rows (region = origin), one statement per
/// kind, inside the caller's transaction. The SQL reads the canonical bodies as jsonb; the member
/// names are those of docs/ledger-format.md.
struct ReplicaMaterializer {
    let origin: String
    let logger: Logger

    func materialize(_ entries: [LedgerEntry], on conn: PostgresConnection) async throws {
        func bodies(_ kind: LedgerKind) -> [String] {
            entries.filter { $0.kind == kind }.map { String(decoding: $0.body, as: UTF8.self) }
        }
        let orgs = bodies(.orgRegistered)
        if !orgs.isEmpty {
            try await conn.query(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(orgs)) AS t)
                INSERT INTO organizations (org_id, region, org_name, contact_email, created_at)
                SELECT b->>'org_id', \(origin), b->>'org_name', b->>'contact_email', (b->>'created_at')::timestamptz
                FROM x
                """, logger: logger)
        }
        let agents = bodies(.agentRegistered)
        if !agents.isEmpty {
            try await conn.query(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(agents)) AS t)
                INSERT INTO agents (agent_id, org_id, region, agent_name, description, created_at)
                SELECT b->>'agent_id', b->>'org_id', \(origin), b->>'agent_name', b->>'description', (b->>'created_at')::timestamptz
                FROM x
                """, logger: logger)
        }
        let manifests = bodies(.manifest)
        if !manifests.isEmpty {
            // Each body is parsed once (MATERIALIZED): inlined, every `->>` below would parse it again.
            try await conn.query(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(manifests)) AS t),
                mx AS MATERIALIZED (SELECT b->'manifest' AS m FROM x),
                sx AS MATERIALIZED (SELECT b->>'manifest_id' AS manifest_id, b->'seal' AS s FROM x),
                mi AS (
                    INSERT INTO manifests (manifest_id, region, version, manifest_timestamp, agent_id, org_id, user_id,
                        provider, method, parameters, reasoning, confidence_score, context, environment,
                        approved, denial_reason, policy_version, created_at)
                    SELECT (m->>'manifest_id')::uuid, \(origin), m->>'version', (m->>'manifest_timestamp')::timestamptz,
                        m->>'agent_id', m->>'org_id', m->>'user_id', m->>'provider', m->>'method', m->'parameters',
                        m->>'reasoning', (m->>'confidence_score')::float8, nullif(m->'context', 'null'::jsonb), m->>'environment',
                        (m->>'approved')::boolean, m->>'denial_reason', m->>'policy_version', (m->>'created_at')::timestamptz
                    FROM mx
                )
                INSERT INTO seals (seal_id, manifest_id, region, approved, policy_version, denial_reason, key_id,
                    public_key, signature, signed_payload, issued_at, expires_at)
                SELECT s->>'seal_id', manifest_id::uuid, \(origin), (s->>'approved')::boolean, s->>'policy_version',
                    s->>'denial_reason', s->>'key_id', decode(s->>'public_key', 'base64'), decode(s->>'signature', 'base64'),
                    decode(s->>'signed_payload', 'base64'), (s->>'issued_at')::timestamptz, (s->>'expires_at')::timestamptz
                FROM sx
                """, logger: logger)
        }
        let events = bodies(.authEvent)
        if !events.isEmpty {
            try await conn.query(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(events)) AS t)
                INSERT INTO auth_events (event_id, region, event_type, success, agent_id, org_id, endpoint, client_ip, reason, created_at)
                SELECT (b->>'event_id')::uuid, \(origin), b->>'event_type', (b->>'success')::boolean, b->>'agent_id',
                    b->>'org_id', b->>'endpoint', b->>'client_ip', b->>'reason', (b->>'created_at')::timestamptz
                FROM x
                """, logger: logger)
        }
        let executions = bodies(.sealExecuted)
        if !executions.isEmpty {
            var updated: Int64 = 0
            for try await (n) in try await conn.query(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(executions)) AS t),
                u AS (
                    UPDATE seals s SET was_executed = true, executed_at = (x.b->>'executed_at')::timestamptz
                    FROM x
                    WHERE s.seal_id = x.b->>'seal_id' AND s.region = \(origin) AND NOT s.was_executed
                    RETURNING 1
                )
                SELECT count(*) FROM u
                """, logger: logger
            ).decode(Int64.self) {
                updated = n
            }
            guard updated == Int64(executions.count) else {
                throw StoreError.corruptRow(
                    "\(executions.count - Int(updated)) seal_executed record(s) from \(origin) name seals this region does not hold unexecuted")
            }
        }
    }
}
