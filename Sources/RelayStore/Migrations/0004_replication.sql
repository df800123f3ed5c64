-- 0004: replication between regions (DESIGN §6, docs/replication.md).
-- Every region keeps a copy of every other region's chain (replica_ledger), the domain rows
-- materialised from it (in the ordinary tables, with region = origin), its head per origin, the
-- signed batch headers as evidence, the shipper's per-peer cursors, and lag samples for reports.

CREATE TABLE replica_ledger (
    origin       text NOT NULL,
    seq          bigint NOT NULL CHECK (seq >= 1),
    kind         text NOT NULL,
    subject      text NOT NULL,
    body         bytea NOT NULL,
    committed_at timestamptz NOT NULL,
    epoch        bigint NOT NULL,
    prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash         bytea NOT NULL CHECK (length(hash) = 32),
    batch_no     bigint NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (origin, seq)
);

CREATE TABLE replica_heads (
    origin            text PRIMARY KEY,
    seq               bigint NOT NULL DEFAULT 0,
    hash              bytea NOT NULL,
    epoch             bigint NOT NULL DEFAULT 1,
    quarantined       boolean NOT NULL DEFAULT false,
    quarantine_reason text,
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Every applied batch's signed header: proof of what the origin itself asserted.
CREATE TABLE replica_batches (
    origin      text NOT NULL,
    first_seq   bigint NOT NULL,
    last_seq    bigint NOT NULL,
    batch_no    bigint NOT NULL,
    header      bytea NOT NULL,
    signature   bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (origin, first_seq, last_seq)
);

-- The shipper's durable cursor per peer: what the peer acknowledged having applied.
CREATE TABLE ship_cursors (
    peer        text PRIMARY KEY,
    acked_seq   bigint NOT NULL DEFAULT 0,
    acked_hash  bytea NOT NULL,
    batch_no    bigint NOT NULL DEFAULT 0,
    last_error  text,
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- RPO samples on the origin's clock, per (origin, peer), for compliance reports.
CREATE TABLE lag_samples (
    sampled_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    origin      text NOT NULL,
    peer        text NOT NULL,
    lag_records bigint NOT NULL,
    lag_seconds double precision NOT NULL
);
CREATE INDEX lag_samples_pair_idx ON lag_samples (origin, peer, sampled_at);

CREATE TRIGGER replica_ledger_immutable BEFORE UPDATE OR DELETE ON replica_ledger
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER replica_ledger_no_truncate BEFORE TRUNCATE ON replica_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER replica_batches_immutable BEFORE UPDATE OR DELETE ON replica_batches
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
