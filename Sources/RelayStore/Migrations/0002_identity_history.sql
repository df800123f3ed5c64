-- 0002: organizations and agents keep their history: no DELETE; the only permitted change is
-- is_active (deactivation / reactivation). Identity fields never change once registered.

CREATE FUNCTION relay_identity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'relay: % on % is forbidden', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - 'is_active') <> (to_jsonb(OLD) - 'is_active') THEN
        RAISE EXCEPTION 'relay: only is_active of % may change', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER organizations_history BEFORE UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION relay_identity_guard();
CREATE TRIGGER organizations_no_truncate BEFORE TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE TRIGGER agents_history BEFORE UPDATE OR DELETE ON agents
    FOR EACH ROW EXECUTE FUNCTION relay_identity_guard();
CREATE TRIGGER agents_no_truncate BEFORE TRUNCATE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION relay_forbid_change();
CREATE INDEX auth_events_agent_idx ON auth_events (agent_id, created_at DESC);
