-- The auditor's CTP workspace: followed vendors, the latest snapshot of every
-- resource they expose, the append-only history of measurement results, their log
-- entries, and every sync run with its report. Tokens are not here: they live in the
-- secret store (safeStorage in the app, a 0600 file for the CLI); `token_ref` names them.

CREATE TABLE vendors (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  base_url      TEXT NOT NULL,
  trust_kind    TEXT NOT NULL CHECK (trust_kind IN ('system', 'ca', 'fingerprint')),
  -- The CA bundle's PEM text (trust_kind 'ca') or the pinned SHA-256 fingerprint.
  trust_value   TEXT,
  token_ref     TEXT,
  -- The vendor's own provider name (entry point `provider`, CTP appendix B.1).
  provider      TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

-- Latest snapshot: one row per remote resource, its JSON text as received (minified).
-- `root_url` is the service view whose subtree holds it (metrics: the CtpBase), so a
-- re-crawled subtree can drop what disappeared; `complete` says the subtree under the
-- resource was fetched without error (CTP 4.1.5.5: only then may an unchanged changeId
-- skip it).
CREATE TABLE vendor_resources (
  vendor_id     INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('entryPoint', 'serviceView', 'dependency', 'asset', 'attribute', 'measurement', 'metric', 'trigger')),
  parent_url    TEXT,
  root_url      TEXT,
  change_id     TEXT,
  name          TEXT NOT NULL DEFAULT '',
  provider      TEXT,
  body          TEXT NOT NULL,
  complete      INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  fetched_at    TEXT NOT NULL,
  sync_id       INTEGER,
  PRIMARY KEY (vendor_id, url)
) STRICT;
CREATE INDEX vendor_resources_root ON vendor_resources (vendor_id, root_url);
CREATE INDEX vendor_resources_kind ON vendor_resources (vendor_id, kind);

-- Edges of the service-view graph (views → dependencies, CTP 4.2.9, appendix B): kept
-- apart from parent_url because a dependency may be reached from several parents.
CREATE TABLE vendor_edges (
  vendor_id     INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  from_url      TEXT NOT NULL,
  to_url        TEXT NOT NULL,
  root_url      TEXT NOT NULL,
  sync_id       INTEGER,
  PRIMARY KEY (vendor_id, from_url, to_url)
) STRICT;

-- Every measurement result ever seen: append-only, deduplicated by (updateTime, content).
CREATE TABLE vendor_results (
  id              INTEGER PRIMARY KEY,
  vendor_id       INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  measurement_url TEXT NOT NULL,
  update_time     TEXT NOT NULL,
  content_sha256  TEXT NOT NULL,
  result_text     TEXT NOT NULL,
  authority_id    TEXT,
  first_seen_at   TEXT NOT NULL,
  sync_id         INTEGER,
  UNIQUE (vendor_id, measurement_url, update_time, content_sha256)
) STRICT;
CREATE TRIGGER vendor_results_append_only BEFORE UPDATE ON vendor_results
BEGIN
  SELECT RAISE(ABORT, 'vendor_results is append-only');
END;

-- Every log entry seen (CTP 4.2.8), by its URL; fetched incrementally with `oldest`.
CREATE TABLE vendor_logs (
  vendor_id         INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  url               TEXT NOT NULL,
  service_view_url  TEXT NOT NULL,
  creation_time     TEXT NOT NULL,
  body              TEXT NOT NULL,
  first_seen_at     TEXT NOT NULL,
  PRIMARY KEY (vendor_id, url)
) STRICT;
CREATE INDEX vendor_logs_view ON vendor_logs (vendor_id, service_view_url, creation_time);

-- Sync runs and their reports (shared/client.ts SyncReport as JSON).
CREATE TABLE vendor_syncs (
  id            INTEGER PRIMARY KEY,
  vendor_id     INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
  report        TEXT
) STRICT;
CREATE INDEX vendor_syncs_vendor ON vendor_syncs (vendor_id, id);
