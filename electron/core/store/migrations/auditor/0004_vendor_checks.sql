-- The auditor's workspace views (the app's Vendors pages): which vendor is the built-in
-- demonstration, the independent checks kept after every sync (objectives re-evaluated,
-- result signatures verified) so that the portfolio is a query and not a re-check, and
-- what each sync changed ("what changed in the last sync").

-- 1 for the demonstration vendor the first run adds (never mixed up with real vendors).
ALTER TABLE vendors ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));

-- Our evaluation of each measurement's objective next to the vendor's claim, as of the
-- last check (replaced whole for a vendor at each check).
CREATE TABLE vendor_objective_checks (
  vendor_id        INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  measurement_url  TEXT NOT NULL,
  condition        TEXT NOT NULL,
  claimed          TEXT CHECK (claimed IN ('true', 'false', 'error')),
  ours             TEXT NOT NULL CHECK (ours IN ('true', 'false', 'error', 'no_result')),
  disagrees        INTEGER NOT NULL CHECK (disagrees IN (0, 1)),
  message          TEXT,
  checked_at       TEXT NOT NULL,
  PRIMARY KEY (vendor_id, measurement_url)
) STRICT;

-- The signature status of every kept result (CTP 4.2.6.2), verified once when the result
-- arrives and again when the authority keys change.
CREATE TABLE vendor_result_signatures (
  result_id   INTEGER PRIMARY KEY REFERENCES vendor_results (id) ON DELETE CASCADE,
  vendor_id   INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  status      TEXT NOT NULL CHECK (status IN ('verified', 'unsigned', 'invalid', 'unknown_authority')),
  algorithm   TEXT,
  message     TEXT,
  checked_at  TEXT NOT NULL
) STRICT;
CREATE INDEX vendor_result_signatures_vendor ON vendor_result_signatures (vendor_id);

-- What one sync changed (shared/client.ts SyncChanges as JSON), kept with the sync.
CREATE TABLE vendor_sync_changes (
  sync_id    INTEGER PRIMARY KEY REFERENCES vendor_syncs (id) ON DELETE CASCADE,
  vendor_id  INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
  changes    TEXT NOT NULL
) STRICT;
