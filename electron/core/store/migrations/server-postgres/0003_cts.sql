-- OpenCTS, as server.db's migration 0003 (migrations/server/): the provider's compliance
-- mapping, the telemetry it gives, and every change of that telemetry.
CREATE TABLE cts_mapping (
  id          integer PRIMARY KEY CHECK (id = 1),
  mapping     text NOT NULL CHECK (mapping::json IS NOT NULL),
  revision    integer NOT NULL,
  updated_at  text NOT NULL
);

CREATE TABLE cts_telemetry (
  id          integer PRIMARY KEY CHECK (id = 1),
  digest      text NOT NULL,
  changed_at  text NOT NULL,
  frameworks  text NOT NULL CHECK (frameworks::json IS NOT NULL)
);

CREATE TABLE cts_changes (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  changed_at  text NOT NULL,
  digest      text NOT NULL,
  posture     text NOT NULL,
  frameworks  text NOT NULL CHECK (frameworks::json IS NOT NULL)
);

-- The CTS telemetry depends on the mapping: a change to it empties the response caches too.
CREATE TRIGGER cts_mapping_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON cts_mapping FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
