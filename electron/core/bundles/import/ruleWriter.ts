/**
 * The importer's side of the rules in auditor.db (migration 0001_bundles.sql): the latest
 * version of every rule, and the writes of one import. Statements are prepared once; the
 * writes happen inside the importer's one transaction.
 */
import type { BundleImportRecord, BundleVerdict } from '../../../../shared/bundles';
import type { SqliteDatabase } from '../../store/database';

/** The latest version of a rule, as the import planner needs it. */
export interface LatestRule {
  pk: number;
  ruleId: string;
  version: number;
  contentHash: string;
  /** SHA-256 of the bundle whose import wrote this version. */
  bundleSha256: string;
}

/** An import record before it is written: an invalid bundle is never imported. */
export interface NewImportRecord extends Omit<BundleImportRecord, 'id' | 'verdict'> {
  verdict: Exclude<BundleVerdict, 'invalid'>;
}

export interface NewRuleVersion {
  ruleId: string;
  version: number;
  sourceVersion: string | null;
  contentHash: string;
  name: string;
  severity: string;
  scannerType: string;
  /** Canonical JSON text of the rule. */
  document: string;
  frameworks: Record<string, string[]>;
  platforms: string[];
  effectiveFrom: string;
  importId: number;
}

export interface RuleWriter {
  latestRules(): Map<string, LatestRule>;
  insertImport(record: NewImportRecord): number;
  insertRuleVersion(rule: NewRuleVersion): number;
  /** Ends a version: no longer latest, effective until `at`. */
  closeVersion(pk: number, at: string): void;
}

function prepareWriteStatements(db: SqliteDatabase) {
  return {
    latest: db.prepare<
      [],
      { pk: number; rule_id: string; version: number; content_hash: string; bundle_sha256: string }
    >(`
      SELECT r.id AS pk, r.rule_id, r.version, r.content_hash, i.bundle_sha256
      FROM rules r JOIN bundle_imports i ON i.id = r.import_id
      WHERE r.is_latest = 1
    `),
    insertImport: db.prepare(`
      INSERT INTO bundle_imports (bundle_sha256, name, version, signer, key_id, signature_mode, verdict,
        strategy, lenient, rules_total, inserted, versioned, unchanged, skipped, retired, imported_at)
      VALUES (@bundleSha256, @name, @version, @signer, @keyId, @signatureMode, @verdict,
        @strategy, @lenient, @total, @inserted, @versioned, @unchanged, @skipped, @retired, @importedAt)
    `),
    insertRule: db.prepare(`
      INSERT INTO rules (rule_id, version, source_version, is_latest, content_hash, name, severity,
        scanner_type, document, effective_from, effective_until, import_id)
      VALUES (@ruleId, @version, @sourceVersion, 1, @contentHash, @name, @severity,
        @scannerType, @document, @effectiveFrom, NULL, @importId)
    `),
    insertControl: db.prepare(
      'INSERT OR IGNORE INTO rule_controls (rule_pk, framework, control) VALUES (?, ?, ?)',
    ),
    insertPlatform: db.prepare(
      'INSERT OR IGNORE INTO rule_platforms (rule_pk, platform) VALUES (?, ?)',
    ),
    close: db.prepare(
      'UPDATE rules SET is_latest = 0, effective_until = ? WHERE id = ? AND is_latest = 1',
    ),
  };
}

export function createRuleWriter(db: SqliteDatabase): RuleWriter {
  const statements = prepareWriteStatements(db);
  return {
    latestRules() {
      const map = new Map<string, LatestRule>();
      for (const row of statements.latest.all()) {
        map.set(row.rule_id, {
          pk: row.pk,
          ruleId: row.rule_id,
          version: row.version,
          contentHash: row.content_hash,
          bundleSha256: row.bundle_sha256,
        });
      }
      return map;
    },
    insertImport(record) {
      const result = statements.insertImport.run({
        bundleSha256: record.bundleSha256,
        name: record.name,
        version: record.version,
        signer: record.signer,
        keyId: record.keyId,
        signatureMode: record.signatureMode,
        verdict: record.verdict,
        strategy: record.strategy,
        lenient: record.lenient ? 1 : 0,
        ...record.counts,
        importedAt: record.importedAt,
      });
      return Number(result.lastInsertRowid);
    },
    insertRuleVersion(rule) {
      const pk = Number(
        statements.insertRule.run({
          ruleId: rule.ruleId,
          version: rule.version,
          sourceVersion: rule.sourceVersion,
          contentHash: rule.contentHash,
          name: rule.name,
          severity: rule.severity,
          scannerType: rule.scannerType,
          document: rule.document,
          effectiveFrom: rule.effectiveFrom,
          importId: rule.importId,
        }).lastInsertRowid,
      );
      // A framework row with no control says the rule maps to the framework as a whole.
      for (const [framework, controls] of Object.entries(rule.frameworks)) {
        statements.insertControl.run(pk, framework, '');
        for (const control of controls) statements.insertControl.run(pk, framework, control);
      }
      for (const platform of rule.platforms) statements.insertPlatform.run(pk, platform);
      return pk;
    },
    closeVersion(pk, at) {
      statements.close.run(at, pk);
    },
  };
}
