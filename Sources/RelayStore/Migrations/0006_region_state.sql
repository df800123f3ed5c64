-- 0006: region state, failover and fencing (docs/failover.md).
-- Each region's database holds its view of every region: active, fenced or taken over (by a
-- successor, in a switchover or a forced failover), its epoch, and whether it is paused. The view
-- changes only through region_control ledger entries: relay-dr writes one into ledger_records (a
-- change to this region, or a takeover by this region) or applies one from a peer's batch into
-- replica_ledger, and a trigger folds it into region_state in the same transaction. Entries at
-- or below a region's (epoch, version) are re-deliveries or overtaken and change nothing, so the
-- view converges whatever order entries from different ledgers arrive in.

CREATE TABLE region_state (
    region      text PRIMARY KEY,
    state       text NOT NULL CHECK (state IN ('active', 'fenced', 'taken_over')),
    successor   text,
    mode        text CHECK (mode IN ('switchover', 'failover')),
    paused      boolean NOT NULL DEFAULT false,
    epoch       bigint NOT NULL,
    version     bigint NOT NULL,
    since       timestamptz NOT NULL,
    reason      text NOT NULL,
    operator    text NOT NULL,
    event_id    text NOT NULL,
    control_id  text NOT NULL,
    CHECK ((state = 'taken_over') = (successor IS NOT NULL AND mode IS NOT NULL))
);

-- Writes of this region's own rows hold this lock shared; a control entry about this region
-- holds it exclusively, so a fence waits for writes already under way and every write after it
-- sees it: no manifest, seal or execution commits after its region's fence.
CREATE FUNCTION relay_region_lock_key() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 7265676901::bigint $$;

CREATE FUNCTION relay_apply_region_control(body bytea, is_local boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c jsonb := convert_from(body, 'UTF8')::jsonb;
    r text := c->>'region';
    cur region_state;
    next_state text;
BEGIN
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
    INSERT INTO region_state AS s (region, state, successor, mode, paused, epoch, version, since, reason, operator, event_id, control_id)
    VALUES (
        r, next_state,
        CASE WHEN next_state = 'taken_over' THEN CASE WHEN c->>'action' = 'takeover' THEN c->>'successor' ELSE cur.successor END END,
        CASE WHEN next_state = 'taken_over' THEN CASE WHEN c->>'action' = 'takeover' THEN c->>'mode' ELSE cur.mode END END,
        CASE c->>'action' WHEN 'pause' THEN true WHEN 'resume' THEN false ELSE coalesce(cur.paused, false) END,
        (c->>'epoch')::bigint, (c->>'version')::bigint, (c->>'at')::timestamptz, c->>'reason', c->>'operator',
        c->>'event_id', c->>'control_id')
    ON CONFLICT (region) DO UPDATE SET
        state = EXCLUDED.state, successor = EXCLUDED.successor, mode = EXCLUDED.mode, paused = EXCLUDED.paused,
        epoch = EXCLUDED.epoch, version = EXCLUDED.version, since = EXCLUDED.since, reason = EXCLUDED.reason,
        operator = EXCLUDED.operator, event_id = EXCLUDED.event_id, control_id = EXCLUDED.control_id;
    -- This region serving itself again at a new epoch: its next entries carry that epoch.
    IF c->>'action' = 'failback' THEN
        UPDATE ledger_heads SET epoch = (c->>'epoch')::bigint WHERE region = r AND epoch < (c->>'epoch')::bigint;
    END IF;
END
$$;

-- Entries of this region's ledger are about this region or a takeover by it; a peer's entry
-- about this region (its takeover by the peer) also takes the region's write lock.
CREATE FUNCTION relay_region_control_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM relay_apply_region_control(NEW.body, TG_TABLE_NAME = 'ledger_records'
        OR EXISTS (SELECT 1 FROM ledger_heads WHERE region = convert_from(NEW.body, 'UTF8')::jsonb->>'region'));
    RETURN NULL;
END
$$;
CREATE TRIGGER ledger_records_region_control AFTER INSERT ON ledger_records
    FOR EACH ROW WHEN (NEW.kind = 'region_control') EXECUTE FUNCTION relay_region_control_entry();
CREATE TRIGGER replica_ledger_region_control AFTER INSERT ON replica_ledger
    FOR EACH ROW WHEN (NEW.kind = 'region_control') EXECUTE FUNCTION relay_region_control_entry();

-- The state is the fold of the ledger's entries: nothing else edits it.
CREATE FUNCTION relay_region_state_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'relay: region_state changes only through region_control ledger entries' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER region_state_guard BEFORE INSERT OR UPDATE OR DELETE ON region_state
    FOR EACH ROW EXECUTE FUNCTION relay_region_state_guard();
CREATE TRIGGER region_state_no_truncate BEFORE TRUNCATE ON region_state
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();

-- Seal ownership: `executor` executes the seals of `seal_home` when they are its own, or when it
-- took `seal_home` over in a switchover (drained first, so it holds all of them); never after a
-- forced failover. The execution statement and the replica apply of executions both ask this.
-- (Parameter names differ from every column name: in SQL functions a column name wins.)
CREATE FUNCTION relay_executes_seals_of(seal_home text, executor text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT seal_home = executor OR EXISTS (
        SELECT 1 FROM region_state rs
        WHERE rs.region = seal_home AND rs.state = 'taken_over' AND rs.mode = 'switchover' AND rs.successor = executor)
$$;

-- The fence, enforced here rather than in the gateway: a write of this region's own manifest,
-- seal or execution is refused while the region is not active, whoever sends it (a stale
-- gateway, a forgotten job, a second coordinator). Rows of other regions (replicas, and a
-- successor's executions of a region it took over) are not this region's writes. relay-dr's
-- replica apply marks its transaction (relay.replica_apply) to mirror a successor's executions.
CREATE FUNCTION relay_fence_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s region_state;
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
    RETURN NEW;
END
$$;
CREATE TRIGGER manifests_fence BEFORE INSERT ON manifests FOR EACH ROW EXECUTE FUNCTION relay_fence_guard();
CREATE TRIGGER seals_fence BEFORE INSERT ON seals FOR EACH ROW EXECUTE FUNCTION relay_fence_guard();
CREATE TRIGGER seals_execution_fence BEFORE UPDATE ON seals
    FOR EACH ROW WHEN (NEW.was_executed AND NOT OLD.was_executed) EXECUTE FUNCTION relay_fence_guard();
CREATE TRIGGER ledger_records_fence BEFORE INSERT ON ledger_records
    FOR EACH ROW WHEN (NEW.kind IN ('manifest', 'seal_executed')) EXECUTE FUNCTION relay_fence_guard();
