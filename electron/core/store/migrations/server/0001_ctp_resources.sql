-- What the embedded CTP server publishes (server.db): the resource tree of CTP 4.1.
-- Identifiers are CTP ids (base64url, at most 96 characters, CTP 4.1.3).
-- change_id values come from one database-wide counter and are never reused (CTP 4.1.5.5).

CREATE TABLE change_counter (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, value) VALUES (1, 0);

-- Service views and, with a parent, the dependencies under them (CTP 4.2.3, appendix B).
CREATE TABLE service_views (
  id            TEXT PRIMARY KEY,
  parent_id     TEXT REFERENCES service_views (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  annotation    TEXT NOT NULL DEFAULT '',
  provider      TEXT NOT NULL DEFAULT '',
  service_class TEXT,
  change_id     INTEGER NOT NULL
) STRICT;
CREATE INDEX service_views_parent ON service_views (parent_id);

CREATE TABLE assets (
  id              TEXT PRIMARY KEY,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  annotation      TEXT NOT NULL DEFAULT '',
  asset_class     TEXT NOT NULL DEFAULT '',
  change_id       INTEGER NOT NULL
) STRICT;
CREATE INDEX assets_service_view ON assets (service_view_id);

CREATE TABLE attributes (
  id         TEXT PRIMARY KEY,
  asset_id   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  annotation TEXT NOT NULL DEFAULT '',
  change_id  INTEGER NOT NULL
) STRICT;
CREATE INDEX attributes_asset ON attributes (asset_id);

-- Metrics are global to the server (CTP 4.2.7); parameters and result format are JSON.
CREATE TABLE metrics (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL,
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
  state            TEXT NOT NULL DEFAULT 'activated',
  triggers_allowed INTEGER NOT NULL DEFAULT 1 CHECK (triggers_allowed IN (0, 1)),
  -- The current result as received (JSON text: kept raw for JWS verification, CTP 4.2.6.2).
  result           TEXT CHECK (result IS NULL OR json_valid(result)),
  change_id        INTEGER NOT NULL
) STRICT;
CREATE INDEX measurements_attribute ON measurements (attribute_id);
CREATE INDEX measurements_metric ON measurements (metric_id);

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

-- Customer accounts (CTP 6.3) and the service views each may see.
CREATE TABLE accounts (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE account_service_views (
  account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  service_view_id TEXT NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, service_view_id)
) STRICT;
