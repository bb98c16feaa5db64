-- OpenWatch rule bundles in the auditor's workspace (auditor.db): every import, and every
-- version of every rule (spec §7 "Rule Versioning"; SPEC-NOTES "Import"). Rules are
-- append-only: a change writes a new version and closes the old one (is_latest = 0,
-- effective_until set); nothing is deleted, so the audit trail stays complete.

-- One row per import: what was imported, who signed it, what it changed.
CREATE TABLE bundle_imports (
  id                INTEGER PRIMARY KEY,
  bundle_sha256     TEXT NOT NULL,
  name              TEXT NOT NULL,
  version           TEXT NOT NULL,
  signer            TEXT,
  key_id            TEXT,
  signature_mode    TEXT NOT NULL CHECK (signature_mode IN ('embedded', 'detached', 'none')),
  verdict           TEXT NOT NULL CHECK (verdict IN ('verified', 'valid-unsigned', 'untrusted')),
  strategy          TEXT NOT NULL CHECK (strategy IN ('skip_all', 'skip_unchanged_update_changed', 'version_increment', 'replace_all')),
  lenient           INTEGER NOT NULL CHECK (lenient IN (0, 1)),
  rules_total       INTEGER NOT NULL,
  inserted          INTEGER NOT NULL,
  versioned         INTEGER NOT NULL,
  unchanged         INTEGER NOT NULL,
  skipped           INTEGER NOT NULL,
  retired           INTEGER NOT NULL,
  imported_at       TEXT NOT NULL
) STRICT;
CREATE INDEX bundle_imports_sha256 ON bundle_imports (bundle_sha256);

-- Every version of every rule. `version` is ours (1, 2, 3… per rule id);
-- `source_version` is the rule's own `version` field.
CREATE TABLE rules (
  id               INTEGER PRIMARY KEY,
  rule_id          TEXT NOT NULL,
  version          INTEGER NOT NULL CHECK (version >= 1),
  source_version   TEXT,
  is_latest        INTEGER NOT NULL CHECK (is_latest IN (0, 1)),
  -- sha256: + hex over the RFC 8785 form of the rule minus bookkeeping fields.
  content_hash     TEXT NOT NULL,
  name             TEXT NOT NULL,
  severity         TEXT NOT NULL,
  scanner_type     TEXT NOT NULL,
  -- The rule as imported (RFC 8785 JSON).
  document         TEXT NOT NULL,
  effective_from   TEXT NOT NULL,
  effective_until  TEXT,
  import_id        INTEGER NOT NULL REFERENCES bundle_imports (id),
  UNIQUE (rule_id, version)
) STRICT;
-- At most one latest version per rule id.
CREATE UNIQUE INDEX rules_latest ON rules (rule_id) WHERE is_latest = 1;
CREATE INDEX rules_severity ON rules (severity, is_latest);
CREATE INDEX rules_import ON rules (import_id);

-- Framework mappings of each rule version, for "rules of NIST 800-53 AC-2" queries.
-- Every framework key of a rule also has one row with control = '' (a framework whose
-- controls list is empty is still found by a framework-only query).
CREATE TABLE rule_controls (
  rule_pk    INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  framework  TEXT NOT NULL,
  control    TEXT NOT NULL,
  PRIMARY KEY (rule_pk, framework, control)
) STRICT, WITHOUT ROWID;
CREATE INDEX rule_controls_lookup ON rule_controls (framework, control);

-- Platforms of each rule version.
CREATE TABLE rule_platforms (
  rule_pk    INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  platform   TEXT NOT NULL,
  PRIMARY KEY (rule_pk, platform)
) STRICT, WITHOUT ROWID;
CREATE INDEX rule_platforms_lookup ON rule_platforms (platform);
