-- pgbench script: exactly the write the gateway performs for one validate call: the manifest row,
-- the seal row and the ledger record (with its pending id) in ONE statement (same columns, similar sizes).
-- The database ceiling.
\set amount random(0, 5999)
WITH m AS (
    INSERT INTO manifests (manifest_id, region, version, manifest_timestamp, agent_id, org_id, user_id,
        provider, method, parameters, reasoning, confidence_score, context, environment,
        approved, denial_reason, policy_version, created_at)
    VALUES (gen_random_uuid(), 'bench', '1.0', now(), 'agent_bench', 'org_bench', NULL,
        'stripe', 'create_payment', ('{"amount":' || :amount || ',"currency":"usd"}')::jsonb, 'benchmark', 0.9, NULL,
        'production', true, NULL, '1.0.0+0123abcd', now())
    RETURNING manifest_id
), s AS (
    INSERT INTO seals (seal_id, manifest_id, region, approved, policy_version, denial_reason, key_id,
        public_key, signature, signed_payload, issued_at, expires_at)
    SELECT 'seal_bench_' || replace(manifest_id::text, '-', ''), manifest_id, 'bench', true, '1.0.0+0123abcd', NULL,
        '0123456789abcdef', decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 64), 'hex'),
        decode(repeat('ef', 420), 'hex'), now(), now() + interval '5 minutes'
    FROM m
)
INSERT INTO ledger_records (region, kind, subject, body)
SELECT 'bench', 'manifest', manifest_id::text, decode(repeat('7b', 1500), 'hex') FROM m;
