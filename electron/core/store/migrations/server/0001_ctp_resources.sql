-- What the embedded CTP server publishes (server.db): the resource tree of CTP 4.1.
-- Identifiers are CTP ids (base64url, at most 96 characters, CTP 4.1.3).
-- change_id values come from one database-wide counter and are never reused (CTP 4.1.5.5).
-- Collections are listed in insertion order (rowid), which never changes (CTP 4.1.6).

CREATE TABLE change_counter (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, value) VALUES (1, 0);

-- The CTP entry point (CTP 4.2.1): one row.
CREATE TABLE server_info (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  name       TEXT NOT NULL DEFAULT '',
  annotation TEXT NOT NULL DEFAULT '',
  provider   TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO server_info (id) VALUES (1);

-- Service views and, with a parent, the dependencies under them (CTP 4.2.2, 4.2.9).
CREATE TABLE service_views (
  id            TEXT PRIMARY KEY,
  parent_id     TEXT REFERENCES service_views (id) ON DELETE CASCADE,
  name          TEXT NOT NULL DEFAULT '',
  annotation    TEXT NOT NULL DEFAULT '',
  provider      TEXT NOT NULL DEFAULT '',
  service_class TEXT,
  change_id     INTEGER NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX service_views_parent ON service_views (parent_id);

CREATE TABLE assets (
  id              TEXT PRIMARY KEY,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  name            TEXT NOT NULL DEFAULT '',
  annotation      TEXT NOT NULL DEFAULT '',
  asset_class     TEXT NOT NULL DEFAULT '',
  change_id       INTEGER NOT NULL
) STRICT;
CREATE INDEX assets_service_view ON assets (service_view_id);

CREATE TABLE attributes (
  id         TEXT PRIMARY KEY,
  asset_id   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name       TEXT NOT NULL DEFAULT '',
  annotation TEXT NOT NULL DEFAULT '',
  change_id  INTEGER NOT NULL
) STRICT;
CREATE INDEX attributes_asset ON attributes (asset_id);

-- Metrics are global to the server (CTP 4.2.5); parameters and result format are JSON.
CREATE TABLE metrics (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL DEFAULT '',
  annotation             TEXT NOT NULL DEFAULT '',
  base_metric            TEXT NOT NULL DEFAULT '',
  measurement_parameters TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(measurement_parameters)),
  result_format          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(result_format)),
  change_id              INTEGER NOT NULL
) STRICT;

CREATE TABLE measurements (
  id               TEXT PRIMARY KEY,
  attribute_id     TEXT NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
  metric_id        TEXT NOT NULL REFERENCES metrics (id) ON DELETE RESTRICT,
  name             TEXT NOT NULL DEFAULT '',
  annotation       TEXT NOT NULL DEFAULT '',
  user_activated   INTEGER NOT NULL DEFAULT 0 CHECK (user_activated IN (0, 1)),
  state            TEXT NOT NULL DEFAULT 'activated'
                   CHECK (state IN ('activated', 'deactivated', 'pending')),
  triggers_allowed INTEGER NOT NULL DEFAULT 1 CHECK (triggers_allowed IN (0, 1)),
  -- The current result as received, whitespace outside strings removed: kept as text so
  -- a JWS over it still verifies (CTP 4.2.6.2, SPEC-NOTES "JWS").
  result           TEXT CHECK (result IS NULL OR json_valid(result)),
  objective_condition   TEXT,
  objective_status      TEXT CHECK (objective_status IN ('true', 'false', 'error')),
  objective_status_time TEXT,
  change_id        INTEGER NOT NULL
) STRICT;
CREATE INDEX measurements_attribute ON measurements (attribute_id);
CREATE INDEX measurements_metric ON measurements (metric_id);

-- Every result a measurement ever had, oldest first (append-only).
CREATE TABLE result_history (
  seq            INTEGER PRIMARY KEY,
  measurement_id TEXT NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  result         TEXT NOT NULL CHECK (json_valid(result)),
  update_time    TEXT NOT NULL,
  received_at    TEXT NOT NULL
) STRICT;
CREATE INDEX result_history_measurement ON result_history (measurement_id, seq);

-- Keys of measurement authorities (CTP 4.2.6.2): results they sign are verified.
CREATE TABLE authorities (
  id         TEXT PRIMARY KEY,
  public_key TEXT NOT NULL
) STRICT;

CREATE TABLE triggers (
  id              TEXT PRIMARY KEY,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  measurement_id  TEXT NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  name            TEXT NOT NULL DEFAULT '',
  annotation      TEXT NOT NULL DEFAULT '',
  condition       TEXT NOT NULL,
  notification    TEXT NOT NULL DEFAULT '',
  guard_time      REAL NOT NULL DEFAULT 0 CHECK (guard_time >= 0),
  tags            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  status          TEXT NOT NULL DEFAULT 'false' CHECK (status IN ('true', 'false', 'error')),
  status_update_time TEXT NOT NULL,
  change_id       INTEGER NOT NULL
) STRICT;
CREATE INDEX triggers_measurement ON triggers (measurement_id);
CREATE INDEX triggers_service_view ON triggers (service_view_id);

-- Log entries written by triggers (CTP 4.2.8). They outlive the trigger that wrote them
-- (a customer may delete a trigger and still read its alerts); they go with the view.
CREATE TABLE logs (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  trigger_id      TEXT NOT NULL,
  creation_time   TEXT NOT NULL,
  creation_ms     INTEGER NOT NULL,
  result          TEXT CHECK (result IS NULL OR json_valid(result)),
  error           TEXT,
  tags            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  CHECK ((result IS NULL) <> (error IS NULL))
) STRICT;
CREATE INDEX logs_service_view_time ON logs (service_view_id, creation_ms, seq);

-- XMPP notifications to send (CTP 4.2.7.1), written with the log entry they carry.
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY,
  log_id       TEXT NOT NULL,
  notification TEXT NOT NULL,
  payload      TEXT NOT NULL CHECK (json_valid(payload)),
  created_at   TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  sent_at      TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

-- Customer accounts (CTP 6.3), the service views each may see, and their bearer tokens
-- (SHA-256 digests only: a stolen database gives no usable token).
CREATE TABLE accounts (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE account_service_views (
  account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, service_view_id)
) STRICT;
CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
) STRICT;
CREATE INDEX tokens_account ON tokens (account_id);
