-- Alerts received by the auditor (DESIGN "Alerts", CTP 4.2.7, 4.2.8): one row per log
-- entry (`log_url`, its `self`), whether it came over XMPP, from the server's archive or
-- from a logs sync. Messages that are not log entries of a followed vendor are kept too
-- (origin 'unknown' or 'malformed', with the sender), so that nothing received is lost.
CREATE TABLE alerts (
  id            INTEGER PRIMARY KEY,
  log_url       TEXT UNIQUE,
  origin        TEXT NOT NULL CHECK (origin IN ('vendor', 'unknown', 'malformed')),
  vendor_id     INTEGER REFERENCES vendors (id) ON DELETE CASCADE,
  kind          TEXT CHECK (kind IN ('normal', 'error')),
  trigger_url   TEXT,
  scope_url     TEXT,
  creation_time TEXT,
  -- The message body as received (bounded); a logs sync replaces it with the vendor's copy.
  body          TEXT NOT NULL,
  problem       TEXT,
  -- The sender's JID (recorded, proves nothing); null for alerts found by a logs sync.
  sender        TEXT,
  channel       TEXT NOT NULL CHECK (channel IN ('xmpp', 'archive', 'sync')),
  -- The message's stable id (XEP-0359 stanza-id, else its id attribute): duplicates of a
  -- message that is not a log entry are recognised by it.
  message_id    TEXT,
  -- 1 once the vendor's own logs (read with its token over TLS) hold this entry.
  confirmed     INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  received_at   TEXT NOT NULL,
  read_at       TEXT,
  CHECK ((origin = 'malformed') = (log_url IS NULL)),
  CHECK ((origin = 'vendor') = (vendor_id IS NOT NULL))
) STRICT;
CREATE INDEX alerts_unread ON alerts (id) WHERE read_at IS NULL;
CREATE INDEX alerts_vendor ON alerts (vendor_id, id);
CREATE UNIQUE INDEX alerts_message ON alerts (sender, message_id)
  WHERE log_url IS NULL AND message_id IS NOT NULL;

-- The auditor's XMPP account (`alerts account set`); its password is in the secret store.
CREATE TABLE alerts_account (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  jid        TEXT NOT NULL,
  service    TEXT,
  ca_pem     TEXT,
  updated_at TEXT NOT NULL
) STRICT;

-- Where the catch-up resumes: the archive's last result id and time (XEP-0313), and the
-- last vendor_logs row turned into alerts.
CREATE TABLE alerts_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  archive_after  TEXT,
  archive_since  TEXT,
  logs_imported  INTEGER NOT NULL DEFAULT 0,
  caught_up_at   TEXT
) STRICT;
INSERT INTO alerts_state (id) VALUES (1);
