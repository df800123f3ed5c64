-- 0009: a region that comes back starts fenced (docs/failover.md, "Coming back").
-- A region whose database restarts (a crash, a lost host) may have been taken over while it was
-- away, and may not yet hold its successor's takeover entry. Once relay-dr has run against this
-- database, every restart of the server refuses the region's new manifests, seals and executions
-- until relay-dr has asked the peers' routing maps and either found no newer takeover of the
-- region (it then records the confirmation here) or fenced the region first. A database that
-- never had relay-dr (a single region) has no row and is not guarded.

CREATE TABLE region_rejoin (
    region        text PRIMARY KEY,
    -- When relay-dr last confirmed, on this server's clock; older than pg_postmaster_start_time()
    -- means the server restarted since.
    confirmed_at  timestamptz NOT NULL,
    -- What the confirmation rests on (which peers answered, or the patience that ran out).
    basis         text NOT NULL
);

-- As in 0007, plus the restart check.
CREATE OR REPLACE FUNCTION relay_fence_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s region_state;
    home text;
BEGIN
    IF current_setting('relay.replica_apply', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ledger_heads WHERE region = NEW.region) THEN
        RETURN NEW;
    END IF;
    -- Since the server last started, relay-dr has not yet asked the peers whether another
    -- region took this one over while it was away (see above).
    IF EXISTS (SELECT 1 FROM region_rejoin j WHERE j.region = NEW.region AND j.confirmed_at < pg_postmaster_start_time()) THEN
        RAISE EXCEPTION 'relay: region % restarted and relay-dr has not yet confirmed with its peers that no other region took it over: it accepts no new manifests, seals or executions until then', NEW.region
            USING ERRCODE = 'RL001', HINT = 'retry in a few seconds, or send the request to the region serving it (GET /v1/routing on any relay-dr)';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(relay_region_lock_key());
    SELECT * INTO s FROM region_state WHERE region = NEW.region;
    IF FOUND AND s.state <> 'active' THEN
        RAISE EXCEPTION 'relay: region % is %: it accepts no new manifests, seals or executions', NEW.region,
            CASE s.state WHEN 'taken_over' THEN 'taken over by ' || s.successor ELSE s.state END
            USING ERRCODE = 'RL001', HINT = 'send the request to the region serving it (GET /v1/routing on any relay-dr)';
    END IF;
    -- (Nested: NEW has no kind on the other tables, and plpgsql does not short-circuit AND.)
    IF TG_TABLE_NAME = 'ledger_records' THEN
        IF NEW.kind = 'seal_executed' THEN
            SELECT region INTO home FROM seals WHERE seal_id = NEW.subject;
            IF home IS DISTINCT FROM NEW.region AND NOT relay_executes_seals_of(home, NEW.region) THEN
                RAISE EXCEPTION 'relay: region % no longer executes the seals of %', NEW.region, home
                    USING ERRCODE = 'RL001', HINT = 'send the request to the region serving it (GET /v1/routing on any relay-dr)';
            END IF;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
