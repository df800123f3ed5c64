-- 0001: Relay core schema: organizations, agents, manifests, seals, auth events.
-- Every row carries the region it originated in (`region`), so replicas can hold peers' rows.
-- No foreign keys between entities that may arrive from different regions in any order;
-- only seals -> manifests, which are always written together.

CREATE TABLE organizations (
    org_id        text PRIMARY KEY,
    region        text NOT NULL,
    org_name      text NOT NULL,
    contact_email text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    is_active     boolean NOT NULL DEFAULT true
);

CREATE TABLE agents (
    agent_id    text PRIMARY KEY,
    org_id      text NOT NULL,
    region      text NOT NULL,
    agent_name  text NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    is_active   boolean NOT NULL DEFAULT true
);
CREATE INDEX agents_org_idx ON agents (org_id);

CREATE TABLE manifests (
    manifest_id        uuid PRIMARY KEY,
    region             text NOT NULL,
    version            text NOT NULL,
    manifest_timestamp timestamptz NOT NULL,
    agent_id           text NOT NULL,
    org_id             text NOT NULL,
    user_id            text,
    provider           text NOT NULL,
    method             text NOT NULL,
    parameters         jsonb NOT NULL,
    reasoning          text NOT NULL,
    confidence_score   double precision,
    context            jsonb,
    environment        text NOT NULL,
    approved           boolean NOT NULL,
    denial_reason      text,
    policy_version     text NOT NULL,
    created_at         timestamptz NOT NULL
);
-- Audit queries are newest-first, optionally filtered by org, agent or provider.
CREATE INDEX manifests_created_idx ON manifests (created_at DESC, manifest_id DESC);
CREATE INDEX manifests_org_created_idx ON manifests (org_id, created_at DESC);
CREATE INDEX manifests_agent_created_idx ON manifests (agent_id, created_at DESC);

CREATE TABLE seals (
    seal_id        text PRIMARY KEY,
    manifest_id    uuid NOT NULL UNIQUE REFERENCES manifests (manifest_id),
    region         text NOT NULL,
    approved       boolean NOT NULL,
    policy_version text NOT NULL,
    denial_reason  text,
    key_id         text NOT NULL,
    public_key     bytea NOT NULL,
    signature      bytea NOT NULL,
    signed_payload bytea NOT NULL,
    issued_at      timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    was_executed   boolean NOT NULL DEFAULT false,
    executed_at    timestamptz,
    CONSTRAINT seals_executed_consistent CHECK (was_executed = (executed_at IS NOT NULL))
);

CREATE TABLE auth_events (
    event_id   uuid PRIMARY KEY,
    region     text NOT NULL,
    event_type text NOT NULL,
    success    boolean NOT NULL,
    agent_id   text,
    org_id     text,
    endpoint   text,
    client_ip  text,
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_events_created_idx ON auth_events (created_at DESC);

-- Immutability. Triggers stop honest mistakes and compromised application roles; they do not
-- stop a superuser (the hash-chained ledger and cross-region copies catch that).
CREATE FUNCTION relay_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'relay: % on % is forbidden (append-only table)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Seals: the only permitted change is was_executed false -> true with executed_at, once.
CREATE FUNCTION relay_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'relay: % on seals is forbidden', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.was_executed THEN
        RAISE EXCEPTION 'relay: seal % already executed', OLD.seal_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT NEW.was_executed
       OR (to_jsonb(NEW) - 'was_executed' - 'executed_at') <> (to_jsonb(OLD) - 'was_executed' - 'executed_at') THEN
        RAISE EXCEPTION 'relay: only was_executed/executed_at of a seal may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER manifests_immutable BEFORE UPDATE OR DELETE ON manifests
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER manifests_no_truncate BEFORE TRUNCATE ON manifests
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER auth_events_immutable BEFORE UPDATE OR DELETE ON auth_events
    FOR EACH ROW EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER auth_events_no_truncate BEFORE TRUNCATE ON auth_events
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER seals_guard BEFORE UPDATE OR DELETE ON seals
    FOR EACH ROW EXECUTE FUNCTION relay_seal_guard();
CREATE TRIGGER seals_no_truncate BEFORE TRUNCATE ON seals
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
