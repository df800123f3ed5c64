-- 0007: forced failover and failback (docs/failover.md).
-- A takeover records the seq of the taken-over region's ledger that its successor held
-- (takeover_seq). After a forced failover, records of that region beyond it are "stranded":
-- committed there, never received by the successor. Peers refuse them (stale epoch) until the
-- region fails back; the failback lists them, and from then on they replicate like any record.

ALTER TABLE region_state ADD COLUMN takeover_seq bigint;

-- As in 0006, plus takeover_seq, and `report` entries (an event's measured RTO/RPO), which are
-- history only and change no state.
CREATE OR REPLACE FUNCTION relay_apply_region_control(body bytea, is_local boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c jsonb := convert_from(body, 'UTF8')::jsonb;
    r text := c->>'region';
    cur region_state;
    next_state text;
BEGIN
    IF c->>'action' = 'report' THEN
        RETURN;
    END IF;
    IF is_local THEN
        PERFORM pg_advisory_xact_lock(relay_region_lock_key());
    END IF;
    SELECT * INTO cur FROM region_state WHERE region = r FOR UPDATE;
    IF FOUND AND (cur.epoch, cur.version) >= ((c->>'epoch')::bigint, (c->>'version')::bigint) THEN
        RETURN;
    END IF;
    next_state := CASE c->>'action'
        WHEN 'fence' THEN 'fenced'
        WHEN 'unfence' THEN 'active'
        WHEN 'failback' THEN 'active'
        WHEN 'takeover' THEN 'taken_over'
        ELSE coalesce(cur.state, 'active') END;
    INSERT INTO region_state AS s (region, state, successor, mode, takeover_seq, paused, epoch, version, since, reason, operator, event_id, control_id)
    VALUES (
        r, next_state,
        CASE WHEN next_state = 'taken_over' THEN CASE WHEN c->>'action' = 'takeover' THEN c->>'successor' ELSE cur.successor END END,
        CASE WHEN next_state = 'taken_over' THEN CASE WHEN c->>'action' = 'takeover' THEN c->>'mode' ELSE cur.mode END END,
        CASE WHEN next_state = 'taken_over' THEN CASE WHEN c->>'action' = 'takeover' THEN (c->>'takeover_seq')::bigint ELSE cur.takeover_seq END END,
        CASE c->>'action' WHEN 'pause' THEN true WHEN 'resume' THEN false ELSE coalesce(cur.paused, false) END,
        (c->>'epoch')::bigint, (c->>'version')::bigint, (c->>'at')::timestamptz, c->>'reason', c->>'operator',
        c->>'event_id', c->>'control_id')
    ON CONFLICT (region) DO UPDATE SET
        state = EXCLUDED.state, successor = EXCLUDED.successor, mode = EXCLUDED.mode, takeover_seq = EXCLUDED.takeover_seq,
        paused = EXCLUDED.paused, epoch = EXCLUDED.epoch, version = EXCLUDED.version, since = EXCLUDED.since,
        reason = EXCLUDED.reason, operator = EXCLUDED.operator, event_id = EXCLUDED.event_id, control_id = EXCLUDED.control_id;
    -- This region serving itself again at a new epoch: its next entries carry that epoch.
    IF c->>'action' = 'failback' THEN
        UPDATE ledger_heads SET epoch = (c->>'epoch')::bigint WHERE region = r AND epoch < (c->>'epoch')::bigint;
    END IF;
END
$$;

-- As in 0006, plus: an execution recorded in this region's ledger of a seal whose home is
-- another region is checked again once the region's lock is held, on a fresh snapshot. A
-- failback that committed while the execution statement ran (its ownership test saw the old
-- state) would otherwise let the execution be chained after the failback, and the home region,
-- active again, could execute the same seal.
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
