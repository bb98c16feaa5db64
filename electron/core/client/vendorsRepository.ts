/**
 * Followed vendors in auditor.db (migration 0002_vendors.sql): prepared statements, plain
 * data out. Tokens are not stored here; `tokenRef` names the secret-store entry.
 */
import type { SyncStatus, VendorSummary, VendorTrust } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';

export interface VendorRecord {
  id: number;
  name: string;
  baseUrl: string;
  trust: VendorTrust;
  tokenRef: string | null;
  provider: string | null;
  createdAt: string;
  updatedAt: string;
  /** The first run's demonstration vendor (migration 0004). */
  demo: boolean;
}

export interface NewVendor {
  name: string;
  baseUrl: string;
  trust: VendorTrust;
  tokenRef: string | null;
}

export interface VendorsRepository {
  add(vendor: NewVendor, now: string): VendorRecord;
  /** Changes the URL, trust or token reference of a vendor. */
  update(name: string, changes: Partial<Omit<NewVendor, 'name'>>, now: string): VendorRecord;
  setProvider(id: number, provider: string): void;
  /** Flags the vendor as the demonstration (set once, when the demo is added). */
  setDemo(id: number): void;
  remove(name: string): boolean;
  find(name: string): VendorRecord | null;
  /** Like {@link find}, but a missing vendor is a VENDOR_NOT_FOUND error. */
  get(name: string): VendorRecord;
  list(): VendorRecord[];
  summaries(): VendorSummary[];
}

interface VendorRow {
  id: number;
  name: string;
  base_url: string;
  trust_kind: 'system' | 'ca' | 'fingerprint';
  trust_value: string | null;
  token_ref: string | null;
  provider: string | null;
  created_at: string;
  updated_at: string;
  demo: 0 | 1;
}

interface SummaryRow extends VendorRow {
  sync_started_at: string | null;
  sync_status: SyncStatus | null;
  sync_report: string | null;
}

function trustOf(row: VendorRow): VendorTrust {
  if (row.trust_kind === 'ca') return { kind: 'ca', caPem: row.trust_value ?? '' };
  if (row.trust_kind === 'fingerprint')
    return { kind: 'fingerprint', sha256: row.trust_value ?? '' };
  return { kind: 'system' };
}

function trustValue(trust: VendorTrust): string | null {
  if (trust.kind === 'ca') return trust.caPem;
  if (trust.kind === 'fingerprint') return trust.sha256;
  return null;
}

function toRecord(row: VendorRow): VendorRecord {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.base_url,
    trust: trustOf(row),
    tokenRef: row.token_ref,
    provider: row.provider,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    demo: row.demo === 1,
  };
}

export function createVendorsRepository(db: SqliteDatabase): VendorsRepository {
  const insert = db.prepare(
    `INSERT INTO vendors (name, base_url, trust_kind, trust_value, token_ref, created_at, updated_at)
     VALUES (@name, @baseUrl, @trustKind, @trustValue, @tokenRef, @now, @now)`,
  );
  const byName = db.prepare<[string], VendorRow>('SELECT * FROM vendors WHERE name = ?');
  const all = db.prepare<[], VendorRow>('SELECT * FROM vendors ORDER BY name');
  const updateStatement = db.prepare(
    `UPDATE vendors SET base_url = @baseUrl, trust_kind = @trustKind, trust_value = @trustValue,
       token_ref = @tokenRef, updated_at = @now WHERE id = @id`,
  );
  const providerStatement = db.prepare('UPDATE vendors SET provider = ? WHERE id = ?');
  const deleteStatement = db.prepare('DELETE FROM vendors WHERE name = ?');
  const demoStatement = db.prepare('UPDATE vendors SET demo = 1 WHERE id = ?');
  const summaries = db.prepare<[], SummaryRow>(
    `SELECT v.*, s.started_at AS sync_started_at, s.status AS sync_status, s.report AS sync_report
       FROM vendors v
       LEFT JOIN vendor_syncs s ON s.id = (SELECT MAX(id) FROM vendor_syncs WHERE vendor_id = v.id)
      ORDER BY v.name`,
  );

  const find = (name: string): VendorRecord | null => {
    const row = byName.get(name);
    return row === undefined ? null : toRecord(row);
  };
  const get = (name: string): VendorRecord => {
    const vendor = find(name);
    if (vendor === null) {
      throw new AppError(
        'VENDOR_NOT_FOUND',
        `No vendor is named ${JSON.stringify(name)}; \`vendor list\` shows them, \`vendor add\` adds one.`,
      );
    }
    return vendor;
  };

  return {
    add(vendor, now) {
      if (find(vendor.name) !== null) {
        throw new AppError(
          'VENDOR_EXISTS',
          `A vendor named ${JSON.stringify(vendor.name)} already exists; choose another name.`,
        );
      }
      insert.run({
        name: vendor.name,
        baseUrl: vendor.baseUrl,
        trustKind: vendor.trust.kind,
        trustValue: trustValue(vendor.trust),
        tokenRef: vendor.tokenRef,
        now,
      });
      return get(vendor.name);
    },
    update(name, changes, now) {
      const current = get(name);
      const trust = changes.trust ?? current.trust;
      updateStatement.run({
        id: current.id,
        baseUrl: changes.baseUrl ?? current.baseUrl,
        trustKind: trust.kind,
        trustValue: trustValue(trust),
        tokenRef: changes.tokenRef === undefined ? current.tokenRef : changes.tokenRef,
        now,
      });
      return get(name);
    },
    setProvider(id, provider) {
      providerStatement.run(provider, id);
    },
    setDemo(id) {
      demoStatement.run(id);
    },
    remove(name) {
      return deleteStatement.run(name).changes > 0;
    },
    find,
    get,
    list: () => all.all().map(toRecord),
    summaries: () =>
      summaries.all().map((row) => {
        const trust = trustOf(row);
        let errors = 0;
        if (row.sync_report !== null) {
          try {
            const report = JSON.parse(row.sync_report) as { errors?: unknown[] };
            errors = Array.isArray(report.errors) ? report.errors.length : 0;
          } catch {
            errors = 0;
          }
        }
        return {
          name: row.name,
          baseUrl: row.base_url,
          trust: trust.kind,
          fingerprint: trust.kind === 'fingerprint' ? trust.sha256 : null,
          hasToken: row.token_ref !== null,
          createdAt: row.created_at,
          lastSync:
            row.sync_started_at === null || row.sync_status === null
              ? null
              : { startedAt: row.sync_started_at, status: row.sync_status, errors },
        };
      }),
  };
}
