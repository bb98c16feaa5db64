/**
 * The checks kept in auditor.db (migration 0004_vendor_checks.sql): our evaluation of
 * each objective, the signature status of each kept result, and what each sync changed.
 * Prepared statements only; plain data out.
 */
import type { ObjectiveCheck, SignatureStatus, SyncChanges } from '../../../shared/client';
import type { SqliteDatabase } from '../store/database';

export interface StoredSignature {
  status: SignatureStatus;
  algorithm: string | null;
  message: string | null;
}

export interface ResultToVerify {
  id: number;
  resultText: string;
  authorityId: string | null;
}

export interface ChecksRepository {
  /** Replaces every objective check of a vendor (one transaction). */
  replaceObjectiveChecks(vendorId: number, checks: readonly ObjectiveCheck[], now: string): void;
  objectiveChecks(vendorId: number): Map<string, ObjectiveCheck>;
  /** Results without a signature status yet (`all`: every result of the vendor). */
  resultsToVerify(vendorId: number, all: boolean): ResultToVerify[];
  putSignatures(
    vendorId: number,
    verdicts: ReadonlyArray<{ resultId: number } & StoredSignature>,
    now: string,
  ): void;
  /** The signature status of every result of one measurement, by result id. */
  signaturesOf(vendorId: number, measurementUrl: string): Map<number, StoredSignature>;
  /** The status of each measurement's newest kept result, by measurement URL. */
  currentSignatures(vendorId: number): Map<string, StoredSignature>;
  putChanges(syncId: number, vendorId: number, changes: SyncChanges): void;
  changes(syncId: number): SyncChanges | null;
}

interface CheckRow {
  measurement_url: string;
  condition: string;
  claimed: ObjectiveCheck['claimed'];
  ours: ObjectiveCheck['ours'];
  disagrees: 0 | 1;
  message: string | null;
}

interface SignatureRow {
  status: SignatureStatus;
  algorithm: string | null;
  message: string | null;
}

const toSignature = (row: SignatureRow): StoredSignature => ({
  status: row.status,
  algorithm: row.algorithm,
  message: row.message,
});

export function createChecksRepository(db: SqliteDatabase): ChecksRepository {
  const deleteChecks = db.prepare('DELETE FROM vendor_objective_checks WHERE vendor_id = ?');
  const insertCheck = db.prepare(
    `INSERT INTO vendor_objective_checks
       (vendor_id, measurement_url, condition, claimed, ours, disagrees, message, checked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const checks = db.prepare<[number], CheckRow>(
    'SELECT * FROM vendor_objective_checks WHERE vendor_id = ?',
  );
  const unverified = db.prepare<
    [number],
    { id: number; result_text: string; authority_id: string | null }
  >(
    `SELECT r.id, r.result_text, r.authority_id FROM vendor_results r
      WHERE r.vendor_id = ? AND NOT EXISTS (SELECT 1 FROM vendor_result_signatures s WHERE s.result_id = r.id)`,
  );
  const everyResult = db.prepare<
    [number],
    { id: number; result_text: string; authority_id: string | null }
  >('SELECT id, result_text, authority_id FROM vendor_results WHERE vendor_id = ?');
  const putSignature = db.prepare(
    `INSERT INTO vendor_result_signatures (result_id, vendor_id, status, algorithm, message, checked_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (result_id) DO UPDATE SET status = excluded.status, algorithm = excluded.algorithm,
       message = excluded.message, checked_at = excluded.checked_at`,
  );
  const ofMeasurement = db.prepare<[number, string], SignatureRow & { result_id: number }>(
    `SELECT s.result_id, s.status, s.algorithm, s.message FROM vendor_result_signatures s
       JOIN vendor_results r ON r.id = s.result_id
      WHERE r.vendor_id = ? AND r.measurement_url = ?`,
  );
  const current = db.prepare<[number], SignatureRow & { measurement_url: string }>(
    `SELECT r.measurement_url, s.status, s.algorithm, s.message
       FROM vendor_results r JOIN vendor_result_signatures s ON s.result_id = r.id
      WHERE r.vendor_id = ? AND r.id = (
        SELECT newest.id FROM vendor_results newest
         WHERE newest.vendor_id = r.vendor_id AND newest.measurement_url = r.measurement_url
         ORDER BY newest.update_time DESC, newest.id DESC LIMIT 1)`,
  );
  const putChangesStatement = db.prepare(
    `INSERT INTO vendor_sync_changes (sync_id, vendor_id, changes) VALUES (?, ?, ?)
     ON CONFLICT (sync_id) DO UPDATE SET changes = excluded.changes`,
  );
  const changesStatement = db.prepare<[number], { changes: string }>(
    'SELECT changes FROM vendor_sync_changes WHERE sync_id = ?',
  );
  const replace = db.transaction(
    (vendorId: number, list: readonly ObjectiveCheck[], now: string) => {
      deleteChecks.run(vendorId);
      for (const check of list) {
        insertCheck.run(
          vendorId,
          check.measurementUrl,
          check.condition,
          check.claimed,
          check.ours,
          check.disagrees ? 1 : 0,
          check.message,
          now,
        );
      }
    },
  );
  const putMany = db.transaction(
    (
      vendorId: number,
      verdicts: ReadonlyArray<{ resultId: number } & StoredSignature>,
      now: string,
    ) => {
      for (const verdict of verdicts) {
        putSignature.run(
          verdict.resultId,
          vendorId,
          verdict.status,
          verdict.algorithm,
          verdict.message,
          now,
        );
      }
    },
  );

  return {
    replaceObjectiveChecks: (vendorId, list, now) => replace(vendorId, list, now),
    objectiveChecks: (vendorId) =>
      new Map(
        checks.all(vendorId).map((row) => [
          row.measurement_url,
          {
            measurementUrl: row.measurement_url,
            condition: row.condition,
            claimed: row.claimed,
            ours: row.ours,
            disagrees: row.disagrees === 1,
            message: row.message,
          },
        ]),
      ),
    resultsToVerify: (vendorId, all) =>
      (all ? everyResult : unverified).all(vendorId).map((row) => ({
        id: row.id,
        resultText: row.result_text,
        authorityId: row.authority_id,
      })),
    putSignatures: (vendorId, verdicts, now) => putMany(vendorId, verdicts, now),
    signaturesOf: (vendorId, measurementUrl) =>
      new Map(
        ofMeasurement.all(vendorId, measurementUrl).map((row) => [row.result_id, toSignature(row)]),
      ),
    currentSignatures: (vendorId) =>
      new Map(current.all(vendorId).map((row) => [row.measurement_url, toSignature(row)])),
    putChanges(syncId, vendorId, changes) {
      putChangesStatement.run(syncId, vendorId, JSON.stringify(changes));
    },
    changes(syncId) {
      const row = changesStatement.get(syncId);
      return row === undefined ? null : (JSON.parse(row.changes) as SyncChanges);
    },
  };
}
