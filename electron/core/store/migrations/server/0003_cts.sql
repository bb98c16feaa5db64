-- OpenCTS (DESIGN "OpenCTS"): the provider's compliance mapping (the `compliance` section of
-- its provider data), the telemetry it gives, and every change of that telemetry.

-- The mapping as validated at import (shared/cts.ts ComplianceMapping, JSON); one row.
-- `revision` moves with every import that changes the mapping.
CREATE TABLE cts_mapping (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  mapping     TEXT NOT NULL CHECK (json_valid(mapping)),
  revision    INTEGER NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- What identifies the telemetry's content now (a SHA-256 over each framework's own digest
-- and the rest of the document but `timestamp`), and `changed_at`, that timestamp: when the content
-- last changed. `frameworks` keeps each framework's own digest and change time (JSON
-- {name: {digest, changedAt}}) for the metrics' per-framework timestamps. The document
-- itself is recomputed from the mapping and the objectives, never stored.
CREATE TABLE cts_telemetry (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  digest      TEXT NOT NULL,
  changed_at  TEXT NOT NULL,
  frameworks  TEXT NOT NULL CHECK (json_valid(frameworks))
) STRICT;

-- Every change of the telemetry, compact: the posture and each framework's status and
-- score (JSON [{name, status, score}]), for the posture's history. Append-only.
CREATE TABLE cts_changes (
  seq         INTEGER PRIMARY KEY,
  changed_at  TEXT NOT NULL,
  digest      TEXT NOT NULL,
  posture     TEXT NOT NULL,
  frameworks  TEXT NOT NULL CHECK (json_valid(frameworks))
) STRICT;
