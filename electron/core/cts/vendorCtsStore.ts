import type { JWK } from 'jose';

import type {
  AttestationCheck,
  CtsReading,
  VendorCts,
  VendorCtsDocument,
  VendorCtsKey,
} from '../../../shared/cts';
import type { SqliteDatabase } from '../store/database';
import type { AttestationKey } from './attestationCheck';
import type { ExaminedDocument } from './vendorDocument';

export type LastRead = NonNullable<VendorCts['lastRead']> & { documentId: number | null };

/** One check of evidence (a file given, or a download) against a reference. */
export interface EvidenceCheckRecord {
  reference: string | null;
  source: 'file' | 'download';
  name: string;
  sha256: string | null;
  size: number | null;
  outcome: 'verified' | 'mismatch' | 'unreachable' | 'expired' | 'no_digest' | 'unmatched';
  detail: string | null;
  checkedAt: string;
}

/** auditor.db reads and writes of vendors' telemetry (migration 0006_vendor_cts.sql). */
export interface VendorCtsStore {
  url(vendorId: number): string | null;
  setUrl(vendorId: number, url: string | null): void;
  lastRead(vendorId: number): LastRead | null;
  /** Keeps a document (once per distinct content) and records the read, in one transaction. */
  recordRead(
    vendorId: number,
    read: LastRead,
    document: ExaminedDocument | null,
    attestation: AttestationCheck | null,
  ): void;
  document(id: number): VendorCtsDocument | null;
  /** A kept document's text as received. */
  body(id: number): string | null;
  history(vendorId: number): VendorCts['history'];
  latestAttestation(vendorId: number): AttestationCheck | null;
  pinnedKey(vendorId: number): AttestationKey | null;
  /** Pins the first key, or offers a different one (kept once). */
  seeKey(vendorId: number, key: AttestationKey, pin: boolean, now: string): void;
  /** Pins an offered key (by kid or thumbprint); false when there is none such. */
  acceptKey(vendorId: number, kidOrThumbprint: string, now: string): boolean;
  keys(vendorId: number): VendorCtsKey[];
  addEvidenceChecks(vendorId: number, checks: readonly EvidenceCheckRecord[]): void;
  evidenceChecks(vendorId: number): EvidenceCheckRecord[];
}

interface DocumentRow {
  id: number;
  sha256: string;
  body: string;
  valid: number;
  problems: string;
  summary: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** Every statement the store runs, prepared once. */
function prepareStatements(db: SqliteDatabase) {
  return {
    settings: db.prepare<[number], { url: string | null; last_read: string | null }>(
      'SELECT url, last_read FROM vendor_cts WHERE vendor_id = ?',
    ),
    ensure: db.prepare<[number]>(
      'INSERT INTO vendor_cts (vendor_id) VALUES (?) ON CONFLICT (vendor_id) DO NOTHING',
    ),
    setUrl: db.prepare<[string | null, number]>(
      'UPDATE vendor_cts SET url = ? WHERE vendor_id = ?',
    ),
    setLastRead: db.prepare<[string, number]>(
      'UPDATE vendor_cts SET last_read = ? WHERE vendor_id = ?',
    ),
    documentByHash: db.prepare<[number, string], { id: number }>(
      'SELECT id FROM vendor_cts_documents WHERE vendor_id = ? AND sha256 = ?',
    ),
    insertDocument: db.prepare<[number, string, string, number, string, string, string, string]>(`
      INSERT INTO vendor_cts_documents (vendor_id, sha256, body, valid, problems, summary, first_seen_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    touchDocument: db.prepare<[string, number]>(
      'UPDATE vendor_cts_documents SET last_seen_at = ? WHERE id = ?',
    ),
    documentById: db.prepare<[number], DocumentRow>(
      'SELECT * FROM vendor_cts_documents WHERE id = ?',
    ),
    lastSighting: db.prepare<[number], { document_id: number; attestation: string }>(
      'SELECT document_id, attestation FROM vendor_cts_sightings WHERE vendor_id = ? ORDER BY id DESC LIMIT 1',
    ),
    addSighting: db.prepare<[number, number, string, string]>(
      'INSERT INTO vendor_cts_sightings (vendor_id, document_id, seen_at, attestation) VALUES (?, ?, ?, ?)',
    ),
    sightings: db.prepare<
      [number],
      { seen_at: string; document_id: number; valid: number; summary: string; attestation: string }
    >(`
      SELECT s.seen_at, s.document_id, d.valid, d.summary, s.attestation
      FROM vendor_cts_sightings s JOIN vendor_cts_documents d ON d.id = s.document_id
      WHERE s.vendor_id = ? ORDER BY s.id`),
    keyRows: db.prepare<
      [number],
      {
        thumbprint: string;
        kid: string;
        jwk: string;
        status: VendorCtsKey['status'];
        first_seen_at: string;
        changed_at: string;
      }
    >(
      'SELECT thumbprint, kid, jwk, status, first_seen_at, changed_at FROM vendor_cts_keys WHERE vendor_id = ? ORDER BY id',
    ),
    insertKey: db.prepare<[number, string, string, string, string, string, string]>(`
      INSERT INTO vendor_cts_keys (vendor_id, thumbprint, kid, jwk, status, first_seen_at, changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vendor_id, thumbprint) DO NOTHING`),
    setKeyStatus: db.prepare<[string, string, number, string]>(
      'UPDATE vendor_cts_keys SET status = ?, changed_at = ? WHERE vendor_id = ? AND thumbprint = ?',
    ),
    insertCheck: db.prepare<
      [
        number,
        string | null,
        string,
        string,
        string | null,
        number | null,
        string,
        string | null,
        string,
      ]
    >(`
      INSERT INTO vendor_evidence_checks (vendor_id, reference, source, name, sha256, size, outcome, detail, checked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    checks: db.prepare<[number], EvidenceCheckRow>(
      'SELECT reference, source, name, sha256, size, outcome, detail, checked_at FROM vendor_evidence_checks WHERE vendor_id = ? ORDER BY id',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** Keeps the document (once per distinct content), a sighting when it changed, and the read. */
function storeRead(
  s: Statements,
  vendorId: number,
  read: LastRead,
  document: ExaminedDocument | null,
  attestation: AttestationCheck | null,
): void {
  s.ensure.run(vendorId);
  let documentId: number | null = null;
  if (document !== null) {
    documentId = s.documentByHash.get(vendorId, document.sha256)?.id ?? null;
    if (documentId === null) {
      documentId = Number(
        s.insertDocument.run(
          vendorId,
          document.sha256,
          document.body,
          document.valid ? 1 : 0,
          JSON.stringify(document.problems),
          JSON.stringify(document.reading),
          read.at,
          read.at,
        ).lastInsertRowid,
      );
    } else s.touchDocument.run(read.at, documentId);
    const last = s.lastSighting.get(vendorId);
    const check = JSON.stringify(attestation ?? { status: 'absent', kid: null, message: null });
    if (last?.document_id !== documentId || last.attestation !== check)
      s.addSighting.run(vendorId, documentId, read.at, check);
  }
  s.setLastRead.run(
    JSON.stringify({ ...read, documentId: documentId ?? read.documentId }),
    vendorId,
  );
}

export function createVendorCtsStore(db: SqliteDatabase): VendorCtsStore {
  const s = prepareStatements(db);
  const keys = (vendorId: number) => s.keyRows.all(vendorId);
  const recordRead = db.transaction(storeRead);
  const acceptKey = db.transaction((vendorId: number, wanted: string, now: string): boolean => {
    const offered = keys(vendorId).find(
      (k) => k.status === 'offered' && (k.kid === wanted || k.thumbprint === wanted),
    );
    if (offered === undefined) return false;
    for (const key of keys(vendorId))
      if (key.status === 'pinned') s.setKeyStatus.run('replaced', now, vendorId, key.thumbprint);
    s.setKeyStatus.run('pinned', now, vendorId, offered.thumbprint);
    return true;
  });

  return {
    url: (vendorId) => s.settings.get(vendorId)?.url ?? null,
    setUrl(vendorId, url) {
      s.ensure.run(vendorId);
      s.setUrl.run(url, vendorId);
    },
    lastRead(vendorId) {
      const text = s.settings.get(vendorId)?.last_read;
      return text === null || text === undefined ? null : (JSON.parse(text) as LastRead);
    },
    recordRead: (vendorId, read, document, attestation) =>
      recordRead.immediate(s, vendorId, read, document, attestation),
    document(id) {
      const row = s.documentById.get(id);
      if (row === undefined) return null;
      return {
        id: row.id,
        sha256: row.sha256,
        valid: row.valid === 1,
        problems: JSON.parse(row.problems) as string[],
        firstSeenAt: row.first_seen_at,
        lastSeenAt: row.last_seen_at,
        reading: JSON.parse(row.summary) as CtsReading,
      };
    },
    body: (id) => s.documentById.get(id)?.body ?? null,
    history: (vendorId) =>
      s.sightings.all(vendorId).map((row) => {
        const reading = JSON.parse(row.summary) as CtsReading;
        return {
          seenAt: row.seen_at,
          documentId: row.document_id,
          valid: row.valid === 1,
          posture: reading.posture,
          frameworks: reading.frameworks.map(({ name, score, status }) => ({
            name,
            score,
            status,
          })),
          attestation: JSON.parse(row.attestation) as AttestationCheck,
        };
      }),
    latestAttestation(vendorId) {
      const last = s.lastSighting.get(vendorId);
      return last === undefined ? null : (JSON.parse(last.attestation) as AttestationCheck);
    },
    pinnedKey(vendorId) {
      const row = keys(vendorId).find((k) => k.status === 'pinned');
      return row === undefined
        ? null
        : { thumbprint: row.thumbprint, kid: row.kid, jwk: JSON.parse(row.jwk) as JWK };
    },
    seeKey(vendorId, key, pin, now) {
      s.insertKey.run(
        vendorId,
        key.thumbprint,
        key.kid,
        JSON.stringify(key.jwk),
        pin ? 'pinned' : 'offered',
        now,
        now,
      );
    },
    acceptKey: (vendorId, wanted, now) => acceptKey.immediate(vendorId, wanted, now),
    keys: (vendorId) =>
      keys(vendorId).map((row) => ({
        kid: row.kid,
        thumbprint: row.thumbprint,
        status: row.status,
        firstSeenAt: row.first_seen_at,
        changedAt: row.changed_at,
      })),
    addEvidenceChecks: db.transaction((vendorId: number, list: readonly EvidenceCheckRecord[]) => {
      for (const c of list)
        s.insertCheck.run(
          vendorId,
          c.reference,
          c.source,
          c.name,
          c.sha256,
          c.size,
          c.outcome,
          c.detail,
          c.checkedAt,
        );
    }),
    evidenceChecks: (vendorId) =>
      s.checks.all(vendorId).map((row) => ({
        reference: row.reference,
        source: row.source,
        name: row.name,
        sha256: row.sha256,
        size: row.size,
        outcome: row.outcome,
        detail: row.detail,
        checkedAt: row.checked_at,
      })),
  };
}

interface EvidenceCheckRow {
  reference: string | null;
  source: 'file' | 'download';
  name: string;
  sha256: string | null;
  size: number | null;
  outcome: EvidenceCheckRecord['outcome'];
  detail: string | null;
  checked_at: string;
}
