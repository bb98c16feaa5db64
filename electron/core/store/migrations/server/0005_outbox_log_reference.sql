-- An outbox row names its log entry (`log_id`) instead of carrying a copy of it: the
-- notifier reads the entry from `logs` (electron/core/provider/outboxLogs.ts). A publish that
-- alerts on many triggers thus writes each entry once (docs/decisions.md "Provider").
-- * `payload` stays for the rows queued before this migration, which keep their copy, and
--   for queued rows whose log entry is deleted (its measurement or service view deleted):
--   the trigger below copies the entry into the row first, so it is still delivered.
-- * `trigger_id` becomes a column of its own, written by the publisher (it was read from
--   the payload); the claim keeps the rows of one trigger in order with it.
-- * `outbox_unsent` goes: `outbox_pending` (migration 0002) serves every query it served.
-- SQLite cannot change a column's definition in place: the table is copied.
CREATE TABLE outbox_0005 (
  seq              INTEGER PRIMARY KEY,
  log_id           TEXT NOT NULL,
  trigger_id       TEXT,
  notification     TEXT NOT NULL,
  payload          TEXT CHECK (payload IS NULL OR json_valid(payload)),
  created_at       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  sent_at          TEXT,
  next_attempt_ms  INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  failed_at        TEXT,
  claimed_by       TEXT,
  claimed_until_ms INTEGER
) STRICT;
INSERT INTO outbox_0005 (seq, log_id, trigger_id, notification, payload, created_at, attempts,
    sent_at, next_attempt_ms, last_error, failed_at, claimed_by, claimed_until_ms)
  SELECT seq, log_id, trigger_id, notification, payload, created_at, attempts,
    sent_at, next_attempt_ms, last_error, failed_at, claimed_by, claimed_until_ms
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_0005 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_trigger_pending ON outbox (trigger_id, seq)
  WHERE sent_at IS NULL AND failed_at IS NULL;

-- A log entry deleted while its notification waits: the row keeps a copy (as the publisher
-- wrote it before this migration). Found through `outbox_trigger_pending`.
CREATE TRIGGER logs_keep_queued_notification BEFORE DELETE ON logs
BEGIN
  UPDATE outbox SET payload = json_object('id', OLD.id, 'serviceViewId', OLD.service_view_id,
      'triggerId', OLD.trigger_id, 'creationTime', OLD.creation_time, 'resultText', OLD.result,
      'error', OLD.error, 'tags', json(OLD.tags))
  WHERE trigger_id = OLD.trigger_id AND log_id = OLD.id AND payload IS NULL
    AND sent_at IS NULL AND failed_at IS NULL;
END;
