-- Delivery by the XMPP notifier (DESIGN "Alerts", CTP 4.2.7.1): at least once, in order per
-- trigger, retried with backoff, failed for good with a reason. A row is queued until
-- `sent_at` (the server acknowledged the stanza, XEP-0198) or `failed_at` (refused for good;
-- a refusal that arrives after the acknowledgement sets it too) is set.

-- Rows of one trigger are sent in `seq` order: the claim skips a row while an earlier one of
-- the same trigger waits (trigger_id is the payload's, as the publisher writes it).
ALTER TABLE outbox ADD COLUMN trigger_id TEXT
  GENERATED ALWAYS AS (json_extract(payload, '$.triggerId')) VIRTUAL;
-- Not before this time (milliseconds since the epoch): the backoff after a failed attempt.
ALTER TABLE outbox ADD COLUMN next_attempt_ms INTEGER NOT NULL DEFAULT 0;
-- The last failure's reason (kept when a later attempt succeeds, for the record).
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
-- A notifier working on the row (`host:pid:nonce`) and until when its claim holds: two
-- notifiers never send the same row at once; a dead one's claims are taken over.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until_ms INTEGER;

CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_trigger_pending ON outbox (trigger_id, seq)
  WHERE sent_at IS NULL AND failed_at IS NULL;

-- The provider's XMPP account (`server notifier set`); its password is in the secret store.
CREATE TABLE notifier_settings (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  jid        TEXT NOT NULL,
  -- `xmpp://HOST:PORT` (STARTTLS) or `xmpps://HOST:PORT` (direct TLS); null: the JID's domain.
  service    TEXT,
  -- A PEM CA bundle trusted for the XMPP server's certificate, instead of the system CAs.
  ca_pem     TEXT,
  updated_at TEXT NOT NULL
) STRICT;
