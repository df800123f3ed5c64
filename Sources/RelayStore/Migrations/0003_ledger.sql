-- 0003: the regional hash-chained ledger (DESIGN §5, docs/ledger-format.md).
-- Gateways append each record to ledger_records (kind, subject, canonical body; permanent) and
-- its id to ledger_pending, in the same transaction as the domain rows. The region's chainer
-- (leader by advisory lock) takes pending ids of finished transactions (xid below its snapshot's
-- xmin) in (xid, id) order, appends small chain rows to ledger (seq, hash, link to the record),
-- removes them from ledger_pending and advances ledger_heads. Bodies are written once and never
-- copied, so chaining adds little to what each request costs the database.

CREATE TABLE ledger_records (
    id         bigserial PRIMARY KEY,
    region     text NOT NULL,
    kind       text NOT NULL,
    -- Id of the domain row (manifest_id, seal_id, org_id, agent_id, event_id); also in the body.
    subject    text NOT NULL,
    body       bytea NOT NULL,
    -- Becomes the entry's committed_at (hashed).
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ledger_records_subject_idx ON ledger_records (region, kind, subject);

CREATE TABLE ledger_pending (
    id     bigint PRIMARY KEY,
    -- The writing transaction: ids below a snapshot's xmin belong to finished transactions only.
    xid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
    region text NOT NULL
);
CREATE INDEX ledger_pending_order_idx ON ledger_pending (region, xid, id);

CREATE TABLE ledger (
    region       text NOT NULL,
    seq          bigint NOT NULL CHECK (seq >= 1),
    record_id    bigint NOT NULL,
    committed_at timestamptz NOT NULL,
    epoch        bigint NOT NULL,
    prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash         bytea NOT NULL CHECK (length(hash) = 32),
    -- Not hashed: when the chainer linked it (chaining delay = chained_at - committed_at).
    chained_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (region, seq),
    -- A record is chained at most once.
    UNIQUE (record_id)
);

-- The chain head the chainer last wrote, per region: verification compares the chain's end with
-- it (a truncated tail is caught), and the chainer refuses to extend a chain that disagrees.
CREATE TABLE ledger_heads (
    region     text PRIMARY KEY,
    epoch      bigint NOT NULL DEFAULT 1,
    seq        bigint NOT NULL DEFAULT 0,
    hash       bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TRIGGER ledger_records_immutable BEFORE UPDATE OR DELETE ON ledger_records
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER ledger_records_no_truncate BEFORE TRUNCATE ON ledger_records
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER ledger_immutable BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();

-- Heads only move forward, and are never removed.
CREATE FUNCTION relay_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq OR NEW.epoch < OLD.epoch OR NEW.region <> OLD.region THEN
        RAISE EXCEPTION 'relay: ledger heads only move forward' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ledger_heads_forward BEFORE UPDATE OR DELETE ON ledger_heads
    FOR EACH ROW EXECUTE FUNCTION relay_head_guard();
CREATE TRIGGER ledger_heads_no_truncate BEFORE TRUNCATE ON ledger_heads
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
