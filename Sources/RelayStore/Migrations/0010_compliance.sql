-- 0010: compliance reports (docs/compliance-report.md).
-- Each lag sample also counts what the shipper did for its peer since the previous sample, and
-- samples older than the raw retention are down-sampled to one row per pair and minute, so a year
-- of reports stays cheap. Adding columns with constant defaults rewrites nothing.

ALTER TABLE lag_samples
    ADD COLUMN batches_shipped bigint NOT NULL DEFAULT 0,
    ADD COLUMN records_shipped bigint NOT NULL DEFAULT 0,
    -- refusal reason (as in relay_dr_ship_failures_total) -> attempts
    ADD COLUMN batches_refused jsonb NOT NULL DEFAULT '{}'::jsonb;

-- The retention finds and deletes the oldest samples of every pair by time alone.
CREATE INDEX lag_samples_time_idx ON lag_samples (sampled_at);

-- One row per (origin, peer, minute) of down-sampled history: the minute's samples summarised.
-- Written by relay-dr run's retention (RELAY_DR_LAG_RAW_RETENTION) in the same transaction that
-- deletes the raw rows it summarises, so a row is counted once, raw or here.
CREATE TABLE lag_minutes (
    origin          text NOT NULL,
    peer            text NOT NULL,
    minute          timestamptz NOT NULL,
    samples         integer NOT NULL CHECK (samples > 0),
    -- The time the minute's samples stand for (each until the next sample, at most the gap
    -- threshold in force when it was down-sampled), in seconds.
    covered_seconds double precision NOT NULL,
    p50_seconds     double precision NOT NULL,
    p99_seconds     double precision NOT NULL,
    max_seconds     double precision NOT NULL,
    p50_records     bigint NOT NULL,
    p99_records     bigint NOT NULL,
    max_records     bigint NOT NULL,
    batches_shipped bigint NOT NULL DEFAULT 0,
    records_shipped bigint NOT NULL DEFAULT 0,
    batches_refused jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (origin, peer, minute)
);
