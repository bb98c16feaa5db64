/**
 * Rules and import records in auditor.db (migration 0001_bundles.sql). Statements are
 * prepared once; plain data out. Writes happen inside the importer's one transaction.
 */
import type {
  BundleImportRecord,
  ImportStrategy,
  RuleQuery,
  RuleSummary,
  RuleVersion,
  SignatureMode,
  BundleVerdict,
} from '../../../../shared/bundles';
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

export interface RulesRepository {
  /** Runs `work` in one transaction (nested calls join it). */
  transaction<T>(work: () => T): T;
  latestRules(): Map<string, LatestRule>;
  insertImport(record: NewImportRecord): number;
  insertRuleVersion(rule: NewRuleVersion): number;
  /** Ends a version: no longer latest, effective until `at`. */
  closeVersion(pk: number, at: string): void;
  findRules(query?: RuleQuery): RuleSummary[];
  ruleHistory(ruleId: string): RuleVersion[];
  getRule(ruleId: string, version?: number): RuleVersion | null;
  listImports(): BundleImportRecord[];
  countRules(options?: { latestOnly?: boolean }): number;
}

interface RuleRow {
  id: number;
  rule_id: string;
  version: number;
  source_version: string | null;
  is_latest: number;
  content_hash: string;
  name: string;
  severity: string;
  scanner_type: string;
  document: string;
  effective_from: string;
  effective_until: string | null;
  import_id: number;
}

interface ImportRow {
  id: number;
  bundle_sha256: string;
  name: string;
  version: string;
  signer: string | null;
  key_id: string | null;
  signature_mode: SignatureMode;
  verdict: BundleVerdict;
  strategy: ImportStrategy;
  lenient: number;
  rules_total: number;
  inserted: number;
  versioned: number;
  unchanged: number;
  skipped: number;
  retired: number;
  imported_at: string;
}

const MAX_PAGE = 10_000;

export function createRulesRepository(db: SqliteDatabase): RulesRepository {
  const latest = db.prepare<
    [],
    { pk: number; rule_id: string; version: number; content_hash: string; bundle_sha256: string }
  >(`
    SELECT r.id AS pk, r.rule_id, r.version, r.content_hash, i.bundle_sha256
    FROM rules r JOIN bundle_imports i ON i.id = r.import_id
    WHERE r.is_latest = 1
  `);
  const insertImport = db.prepare(`
    INSERT INTO bundle_imports (bundle_sha256, name, version, signer, key_id, signature_mode, verdict,
      strategy, lenient, rules_total, inserted, versioned, unchanged, skipped, retired, imported_at)
    VALUES (@bundleSha256, @name, @version, @signer, @keyId, @signatureMode, @verdict,
      @strategy, @lenient, @total, @inserted, @versioned, @unchanged, @skipped, @retired, @importedAt)
  `);
  const insertRule = db.prepare(`
    INSERT INTO rules (rule_id, version, source_version, is_latest, content_hash, name, severity,
      scanner_type, document, effective_from, effective_until, import_id)
    VALUES (@ruleId, @version, @sourceVersion, 1, @contentHash, @name, @severity,
      @scannerType, @document, @effectiveFrom, NULL, @importId)
  `);
  const insertControl = db.prepare(
    'INSERT OR IGNORE INTO rule_controls (rule_pk, framework, control) VALUES (?, ?, ?)',
  );
  const insertPlatform = db.prepare(
    'INSERT OR IGNORE INTO rule_platforms (rule_pk, platform) VALUES (?, ?)',
  );
  const close = db.prepare(
    'UPDATE rules SET is_latest = 0, effective_until = ? WHERE id = ? AND is_latest = 1',
  );
  const controlsOf = db.prepare<[number], { framework: string; control: string }>(
    'SELECT framework, control FROM rule_controls WHERE rule_pk = ? ORDER BY framework, control',
  );
  const platformsOf = db.prepare<[number], { platform: string }>(
    'SELECT platform FROM rule_platforms WHERE rule_pk = ? ORDER BY platform',
  );
  const history = db.prepare<[string], RuleRow>(
    'SELECT * FROM rules WHERE rule_id = ? ORDER BY version',
  );
  const oneVersion = db.prepare<[string, number], RuleRow>(
    'SELECT * FROM rules WHERE rule_id = ? AND version = ?',
  );
  const oneLatest = db.prepare<[string], RuleRow>(
    'SELECT * FROM rules WHERE rule_id = ? AND is_latest = 1',
  );
  const imports = db.prepare<[], ImportRow>('SELECT * FROM bundle_imports ORDER BY id');
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rules');
  const countLatest = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM rules WHERE is_latest = 1',
  );
  // One statement for every filter combination: a NULL parameter disables its filter.
  const find = db.prepare<
    {
      latestOnly: number;
      framework: string | null;
      control: string | null;
      severity: string | null;
      platform: string | null;
      limit: number;
      offset: number;
    },
    RuleRow
  >(`
    SELECT r.* FROM rules r
    WHERE (@latestOnly = 0 OR r.is_latest = 1)
      AND (@severity IS NULL OR r.severity = @severity)
      AND (@framework IS NULL OR EXISTS (
        SELECT 1 FROM rule_controls c
        WHERE c.rule_pk = r.id AND c.framework = @framework
          AND c.control = coalesce(@control, '')))
      AND (@platform IS NULL OR EXISTS (
        SELECT 1 FROM rule_platforms p WHERE p.rule_pk = r.id AND p.platform = @platform))
    ORDER BY r.rule_id, r.version
    LIMIT @limit OFFSET @offset
  `);

  const summary = (row: RuleRow): RuleSummary => {
    const frameworks: Record<string, string[]> = {};
    for (const { framework, control } of controlsOf.all(row.id)) {
      const list = frameworks[framework] ?? [];
      if (control !== '') list.push(control);
      frameworks[framework] = list;
    }
    return {
      ruleId: row.rule_id,
      version: row.version,
      sourceVersion: row.source_version,
      isLatest: row.is_latest === 1,
      name: row.name,
      severity: row.severity,
      scannerType: row.scanner_type,
      platforms: platformsOf.all(row.id).map((item) => item.platform),
      frameworks,
      contentHash: row.content_hash,
      effectiveFrom: row.effective_from,
      effectiveUntil: row.effective_until,
      importId: row.import_id,
    };
  };
  const full = (row: RuleRow): RuleVersion => ({
    ...summary(row),
    document: JSON.parse(row.document) as Record<string, unknown>,
  });

  return {
    transaction(work) {
      return db.transaction(work)();
    },
    latestRules() {
      const map = new Map<string, LatestRule>();
      for (const row of latest.all()) {
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
      const result = insertImport.run({
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
        insertRule.run({
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
      for (const [framework, controls] of Object.entries(rule.frameworks)) {
        insertControl.run(pk, framework, '');
        for (const control of controls) insertControl.run(pk, framework, control);
      }
      for (const platform of rule.platforms) insertPlatform.run(pk, platform);
      return pk;
    },
    closeVersion(pk, at) {
      close.run(at, pk);
    },
    findRules(query = {}) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), MAX_PAGE);
      const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
      return find
        .all({
          latestOnly: query.latestOnly === false ? 0 : 1,
          framework: query.framework ?? null,
          control: query.framework !== undefined ? (query.control ?? null) : null,
          severity: query.severity ?? null,
          platform: query.platform ?? null,
          limit,
          offset,
        })
        .map(summary);
    },
    ruleHistory(ruleId) {
      return history.all(ruleId).map(full);
    },
    getRule(ruleId, version) {
      const row = version === undefined ? oneLatest.get(ruleId) : oneVersion.get(ruleId, version);
      return row === undefined ? null : full(row);
    },
    listImports() {
      return imports.all().map((row) => ({
        id: row.id,
        bundleSha256: row.bundle_sha256,
        name: row.name,
        version: row.version,
        signer: row.signer,
        keyId: row.key_id,
        signatureMode: row.signature_mode,
        verdict: row.verdict,
        strategy: row.strategy,
        lenient: row.lenient === 1,
        counts: {
          total: row.rules_total,
          inserted: row.inserted,
          versioned: row.versioned,
          unchanged: row.unchanged,
          skipped: row.skipped,
          retired: row.retired,
        },
        importedAt: row.imported_at,
      }));
    },
    countRules(options = {}) {
      return (options.latestOnly ? countLatest : countAll).get()?.n ?? 0;
    },
  };
}
