-- The provider store in PostgreSQL (`serve --database postgres://…`): the same tables,
-- columns and meanings as server.db's migration 0001 (migrations/server/), so that the
-- provider's statements (electron/core/provider/) run unchanged on both. Where the engines
-- differ, this schema follows SQLite's side:
-- * `rowid` is an identity column on the tables listed in insertion order (SQLite's
--   implicit rowid), so `ORDER BY rowid` reads the same in both.
-- * Truth values are integers 0/1, JSON is kept as text (a signed result must keep its
--   exact bytes, CTP 4.2.6.2), times are RFC 3339 text: rows come back as in SQLite.
-- * Every statement on a table the CTP API reads notifies `trust_auditor_changes` at commit
--   with the schema's name, so each `serve` empties its response cache whoever wrote.

CREATE TABLE change_counter (
  id    integer PRIMARY KEY CHECK (id = 1),
  value bigint NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE server_info (
  id         integer PRIMARY KEY CHECK (id = 1),
  name       text NOT NULL DEFAULT '',
  annotation text NOT NULL DEFAULT '',
  provider   text NOT NULL DEFAULT ''
);
INSERT INTO server_info (id) VALUES (1);

CREATE TABLE service_views (
  rowid         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id            text PRIMARY KEY,
  parent_id     text REFERENCES service_views (id) ON DELETE CASCADE,
  name          text NOT NULL DEFAULT '',
  annotation    text NOT NULL DEFAULT '',
  provider      text NOT NULL DEFAULT '',
  service_class text,
  change_id     bigint NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX service_views_parent ON service_views (parent_id, rowid);

CREATE TABLE assets (
  rowid           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id              text PRIMARY KEY,
  service_view_id text NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  name            text NOT NULL DEFAULT '',
  annotation      text NOT NULL DEFAULT '',
  asset_class     text NOT NULL DEFAULT '',
  change_id       bigint NOT NULL
);
CREATE INDEX assets_service_view ON assets (service_view_id, rowid);

CREATE TABLE attributes (
  rowid      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id         text PRIMARY KEY,
  asset_id   text NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name       text NOT NULL DEFAULT '',
  annotation text NOT NULL DEFAULT '',
  change_id  bigint NOT NULL
);
CREATE INDEX attributes_asset ON attributes (asset_id, rowid);

CREATE TABLE metrics (
  rowid                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id                     text PRIMARY KEY,
  name                   text NOT NULL DEFAULT '',
  annotation             text NOT NULL DEFAULT '',
  base_metric            text NOT NULL DEFAULT '',
  measurement_parameters text NOT NULL DEFAULT '[]' CHECK (measurement_parameters::json IS NOT NULL),
  result_format          text NOT NULL DEFAULT '[]' CHECK (result_format::json IS NOT NULL),
  change_id              bigint NOT NULL
);

CREATE TABLE measurements (
  rowid            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id               text PRIMARY KEY,
  attribute_id     text NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
  metric_id        text NOT NULL REFERENCES metrics (id) ON DELETE RESTRICT,
  name             text NOT NULL DEFAULT '',
  annotation       text NOT NULL DEFAULT '',
  user_activated   integer NOT NULL DEFAULT 0 CHECK (user_activated IN (0, 1)),
  state            text NOT NULL DEFAULT 'activated'
                   CHECK (state IN ('activated', 'deactivated', 'pending')),
  triggers_allowed integer NOT NULL DEFAULT 1 CHECK (triggers_allowed IN (0, 1)),
  result           text CHECK (result IS NULL OR result::json IS NOT NULL),
  objective_condition   text,
  objective_status      text CHECK (objective_status IN ('true', 'false', 'error')),
  objective_status_time text,
  change_id        bigint NOT NULL
);
CREATE INDEX measurements_attribute ON measurements (attribute_id, rowid);
CREATE INDEX measurements_metric ON measurements (metric_id);

CREATE TABLE result_history (
  seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  measurement_id text NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  result         text NOT NULL CHECK (result::json IS NOT NULL),
  update_time    text NOT NULL,
  received_at    text NOT NULL
);
CREATE INDEX result_history_measurement ON result_history (measurement_id, seq);

CREATE TABLE authorities (
  id         text PRIMARY KEY,
  public_key text NOT NULL
);

CREATE TABLE triggers (
  rowid           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id              text PRIMARY KEY,
  service_view_id text NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  measurement_id  text NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  name            text NOT NULL DEFAULT '',
  annotation      text NOT NULL DEFAULT '',
  condition       text NOT NULL,
  notification    text NOT NULL DEFAULT '',
  guard_time      double precision NOT NULL DEFAULT 0 CHECK (guard_time >= 0),
  tags            text NOT NULL DEFAULT '[]' CHECK (tags::json IS NOT NULL),
  status          text NOT NULL DEFAULT 'false' CHECK (status IN ('true', 'false', 'error')),
  status_update_time text NOT NULL,
  change_id       bigint NOT NULL
-- Every evaluation rewrites a trigger's status (CTP 5.3.2): room on each page lets
-- PostgreSQL update in place (HOT), without touching the four indexes.
) WITH (fillfactor = 50);
CREATE INDEX triggers_measurement ON triggers (measurement_id, rowid);
CREATE INDEX triggers_service_view ON triggers (service_view_id, rowid);

CREATE TABLE logs (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  service_view_id text NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  trigger_id      text NOT NULL,
  creation_time   text NOT NULL,
  creation_ms     bigint NOT NULL,
  result          text CHECK (result IS NULL OR result::json IS NOT NULL),
  error           text,
  tags            text NOT NULL DEFAULT '[]' CHECK (tags::json IS NOT NULL),
  CHECK ((result IS NULL) <> (error IS NULL))
);
CREATE INDEX logs_service_view_time ON logs (service_view_id, creation_ms, seq);
CREATE INDEX logs_trigger ON logs (trigger_id);

CREATE TABLE outbox (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  log_id       text NOT NULL,
  notification text NOT NULL,
  payload      text NOT NULL CHECK (payload::json IS NOT NULL),
  created_at   text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  sent_at      text
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

CREATE TABLE accounts (
  id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);
CREATE TABLE account_service_views (
  rowid           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  service_view_id text NOT NULL REFERENCES service_views (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, service_view_id)
);
CREATE INDEX account_service_views_view ON account_service_views (service_view_id);
CREATE TABLE tokens (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  created_at  text NOT NULL,
  revoked_at  text
);
CREATE INDEX tokens_account ON tokens (account_id);

CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trust_auditor_changes', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
DO $$
DECLARE
  watched text;
BEGIN
  FOREACH watched IN ARRAY ARRAY['server_info', 'service_views', 'assets', 'attributes',
      'metrics', 'measurements', 'triggers', 'logs', 'accounts', 'account_service_views'] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
       FOR EACH STATEMENT EXECUTE FUNCTION notify_change()',
      watched || '_notify_change', watched);
  END LOOP;
END
$$;
