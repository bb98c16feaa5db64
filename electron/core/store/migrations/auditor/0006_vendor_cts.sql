-- Vendors' OpenCTS telemetry in the auditor's workspace (DESIGN "OpenCTS", client side):
-- where it is read, the attestation key pinned on first sight, every distinct document
-- seen (valid or not), when each was seen, and the checks of their evidence references.

-- One row per vendor that has been read or configured.
CREATE TABLE vendor_cts (
  vendor_id   INTEGER PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
  -- `vendor edit --cts URL`; null: the origin of the CtpBase + /cts.
  url         TEXT,
  -- The last read: {at, status, message, documentId} (JSON), null before any.
  last_read   TEXT CHECK (last_read IS NULL OR json_valid(last_read))
) STRICT;

-- Every distinct document (by the SHA-256 of its bytes), kept as received. `problems` are
-- the schema's reasons when it is invalid (an empty array when valid); `summary` is what
-- could be read of it (posture, frameworks' names, statuses and scores) for history charts.
CREATE TABLE vendor_cts_documents (
  id             INTEGER PRIMARY KEY,
  vendor_id      INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  sha256         TEXT NOT NULL,
  body           TEXT NOT NULL,
  valid          INTEGER NOT NULL CHECK (valid IN (0, 1)),
  problems       TEXT NOT NULL CHECK (json_valid(problems)),
  summary        TEXT NOT NULL CHECK (json_valid(summary)),
  first_seen_at  TEXT NOT NULL,
  last_seen_at   TEXT NOT NULL,
  UNIQUE (vendor_id, sha256)
) STRICT;

-- When the vendor's telemetry changed: one row each time a read finds another document
-- than the previous one, with the outcome of its attestation check (JSON). Append-only.
CREATE TABLE vendor_cts_sightings (
  id           INTEGER PRIMARY KEY,
  vendor_id    INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  document_id  INTEGER NOT NULL REFERENCES vendor_cts_documents (id) ON DELETE CASCADE,
  seen_at      TEXT NOT NULL,
  attestation  TEXT NOT NULL CHECK (json_valid(attestation))
) STRICT;
CREATE INDEX vendor_cts_sightings_vendor ON vendor_cts_sightings (vendor_id, id);

-- Attestation keys seen (JWK, RFC 7638 thumbprint). The first is pinned on first sight;
-- a later different key waits as 'offered' (an alert) until the auditor accepts it, when
-- it becomes 'pinned' and the old one 'replaced'.
CREATE TABLE vendor_cts_keys (
  id             INTEGER PRIMARY KEY,
  vendor_id      INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  thumbprint     TEXT NOT NULL,
  kid            TEXT NOT NULL,
  jwk            TEXT NOT NULL CHECK (json_valid(jwk)),
  status         TEXT NOT NULL CHECK (status IN ('pinned', 'offered', 'replaced')),
  first_seen_at  TEXT NOT NULL,
  changed_at     TEXT NOT NULL,
  UNIQUE (vendor_id, thumbprint)
) STRICT;
CREATE UNIQUE INDEX vendor_cts_keys_pinned ON vendor_cts_keys (vendor_id) WHERE status = 'pinned';

-- Checks of evidence: a file the auditor gave, or an https download (kept by hash in
-- <data-dir>/evidence/), against the references of the vendor's telemetry.
CREATE TABLE vendor_evidence_checks (
  id          INTEGER PRIMARY KEY,
  vendor_id   INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  -- The reference checked (its text), or null for a file that matches none.
  reference   TEXT,
  source      TEXT NOT NULL CHECK (source IN ('file', 'download')),
  -- The file's name as given, or the URL downloaded.
  name        TEXT NOT NULL,
  sha256      TEXT,
  size        INTEGER,
  outcome     TEXT NOT NULL CHECK (outcome IN ('verified', 'mismatch', 'unreachable', 'expired', 'no_digest', 'unmatched')),
  detail      TEXT,
  checked_at  TEXT NOT NULL
) STRICT;
CREATE INDEX vendor_evidence_checks_vendor ON vendor_evidence_checks (vendor_id, reference, id);
