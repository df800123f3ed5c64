-- 0008: cross-region verification (docs/verification.md): the record of every run, and
-- the divergent batches kept as evidence.
-- Every `relay-dr verify` (and every change of verdict of the continuous check in `relay-dr run`)
-- is recorded in the database of the region that ran it, for the compliance report: when, what
-- was checked, the result and every finding. Append-only, like the ledger: a run once recorded is
-- evidence and is never edited or removed.

CREATE TABLE verification_runs (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The region whose relay-dr (or operator's command) ran the check.
    run_by      text NOT NULL,
    -- 'heads' (head comparison + binary search), 'full' (also recomputes every copy from
    -- genesis), 'continuous' (relay-dr run's background check of its own ledger's copies).
    mode        text NOT NULL CHECK (mode IN ('heads', 'full', 'continuous')),
    -- {"origins": [...], "regions": [...], "via": "api" | "db"}
    scope       jsonb NOT NULL,
    result      text NOT NULL CHECK (result IN ('consistent', 'inconsistent', 'could_not_check')),
    findings    jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX verification_runs_started_idx ON verification_runs (started_at);

CREATE TRIGGER verification_runs_immutable BEFORE UPDATE OR DELETE ON verification_runs
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER verification_runs_no_truncate BEFORE TRUNCATE ON verification_runs
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();

-- A batch refused as divergent (after its signature verified): the origin's own signed statement
-- of a history that contradicts the copy held here. With the headers kept in replica_batches it
-- proves an equivocation (`relay-dr verify --full`, `relay-dr evidence export`). Kept as received
-- (the wire form: header, signature and records), append-only.
CREATE TABLE divergent_batches (
    id          bigserial PRIMARY KEY,
    origin      text NOT NULL,
    -- The seq at which the batch contradicts the copy.
    seq         bigint NOT NULL,
    batch       bytea NOT NULL,
    detail      text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX divergent_batches_origin_idx ON divergent_batches (origin);

CREATE TRIGGER divergent_batches_immutable BEFORE UPDATE OR DELETE ON divergent_batches
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER divergent_batches_no_truncate BEFORE TRUNCATE ON divergent_batches
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
