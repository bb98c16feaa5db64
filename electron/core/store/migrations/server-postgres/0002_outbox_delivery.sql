-- Delivery by the XMPP notifier, as server.db's migration 0002 (migrations/server/): the
-- same columns and meanings. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so the
-- notifiers of several `serve` processes drain the outbox without waiting for each other.
ALTER TABLE outbox ADD COLUMN trigger_id text
  GENERATED ALWAYS AS (CAST(payload AS jsonb) ->> 'triggerId') STORED;
ALTER TABLE outbox ADD COLUMN next_attempt_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error text;
ALTER TABLE outbox ADD COLUMN failed_at text;
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN claimed_until_ms bigint;

CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_trigger_pending ON outbox (trigger_id, seq)
  WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE notifier_settings (
  id         integer PRIMARY KEY CHECK (id = 1),
  jid        text NOT NULL,
  service    text,
  ca_pem     text,
  updated_at text NOT NULL
);
