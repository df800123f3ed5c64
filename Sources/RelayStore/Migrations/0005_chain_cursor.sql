-- 0005: chaining without ledger_pending. Each record carries its writing transaction's id (xid);
-- the chainer remembers in ledger_heads the (xid, id) of the last record it linked and takes, in
-- (xid, id) order, the records after it whose xid is below its snapshot's xmin (transactions that
-- have finished: their rows are final). Everything before the cursor is chained, so nothing is
-- deleted: the write path inserts one row per record instead of two, and chaining leaves nothing
-- for vacuum.

ALTER TABLE ledger_records ADD COLUMN xid xid8;
-- Records still pending keep their writer's xid; records already chained need none.
ALTER TABLE ledger_records DISABLE TRIGGER ledger_records_immutable;
UPDATE ledger_records r SET xid = p.xid FROM ledger_pending p WHERE p.id = r.id;
ALTER TABLE ledger_records ENABLE TRIGGER ledger_records_immutable;
ALTER TABLE ledger_records ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX ledger_records_chain_order_idx ON ledger_records (region, xid, id);

ALTER TABLE ledger_heads
    ADD COLUMN chained_xid xid8 NOT NULL DEFAULT '0',
    ADD COLUMN chained_id bigint NOT NULL DEFAULT 0;

DROP TABLE ledger_pending;

-- The cursor only moves forward, like the head.
CREATE OR REPLACE FUNCTION relay_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq OR NEW.epoch < OLD.epoch OR NEW.region <> OLD.region
        OR (NEW.chained_xid, NEW.chained_id) < (OLD.chained_xid, OLD.chained_id) THEN
        RAISE EXCEPTION 'relay: ledger heads only move forward' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
