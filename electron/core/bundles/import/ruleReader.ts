/**
 * The app's side of the rules in auditor.db (migration 0001_bundles.sql): rules found,
 * searched and counted, a rule's versions, the import records. Statements are prepared
 * once; plain data out.
 */
import type {
  BundleImportRecord,
  BundleVerdict,
  ImportStrategy,
  RuleFacets,
  RulePage,
  RuleQuery,
  RuleSearch,
  RuleSummary,
  RuleVersion,
  SignatureMode,
} from '../../../../shared/bundles';
import type { SqliteDatabase } from '../../store/database';

export interface RuleReader {
  findRules(query?: RuleQuery): RuleSummary[];
  /** The app's rule search: text in id or name, controls any case with their enhancements. */
  searchRules(search: RuleSearch): RulePage;
  facets(): RuleFacets;
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

/** A query's page, bounded: 1 to MAX_PAGE rows (100 by default) from offset 0 or more. */
function pageOf(query: { limit?: number; offset?: number }): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), MAX_PAGE),
    offset: Math.max(Math.trunc(query.offset ?? 0), 0),
  };
}

function prepareReadStatements(db: SqliteDatabase) {
  return {
    controlsOf: db.prepare<[number], { framework: string; control: string }>(
      'SELECT framework, control FROM rule_controls WHERE rule_pk = ? ORDER BY framework, control',
    ),
    platformsOf: db.prepare<[number], { platform: string }>(
      'SELECT platform FROM rule_platforms WHERE rule_pk = ? ORDER BY platform',
    ),
    history: db.prepare<[string], RuleRow>(
      'SELECT * FROM rules WHERE rule_id = ? ORDER BY version',
    ),
    oneVersion: db.prepare<[string, number], RuleRow>(
      'SELECT * FROM rules WHERE rule_id = ? AND version = ?',
    ),
    oneLatest: db.prepare<[string], RuleRow>(
      'SELECT * FROM rules WHERE rule_id = ? AND is_latest = 1',
    ),
    imports: db.prepare<[], ImportRow>('SELECT * FROM bundle_imports ORDER BY id'),
    countAll: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rules'),
    countLatest: db.prepare<[], { n: number }>(
      'SELECT count(*) AS n FROM rules WHERE is_latest = 1',
    ),
    // One statement for every filter combination: a NULL parameter disables its filter.
    find: db.prepare<
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
    `),
  };
}

type ReadStatements = ReturnType<typeof prepareReadStatements>;

export function createRuleReader(db: SqliteDatabase): RuleReader {
  const statements = prepareReadStatements(db);
  const search = createRuleSearch(db);
  const summary = (row: RuleRow): RuleSummary => summaryOf(statements, row);
  const full = (row: RuleRow): RuleVersion => ({
    ...summary(row),
    document: JSON.parse(row.document) as Record<string, unknown>,
  });
  return {
    findRules(query = {}) {
      return statements.find
        .all({
          latestOnly: query.latestOnly === false ? 0 : 1,
          framework: query.framework ?? null,
          control: query.framework !== undefined ? (query.control ?? null) : null,
          severity: query.severity ?? null,
          platform: query.platform ?? null,
          ...pageOf(query),
        })
        .map(summary);
    },
    searchRules(query) {
      const { total, rows } = search.run(query);
      return { total, rules: rows.map(summary) };
    },
    facets: () => search.facets(),
    ruleHistory(ruleId) {
      return statements.history.all(ruleId).map(full);
    },
    getRule(ruleId, version) {
      const row =
        version === undefined
          ? statements.oneLatest.get(ruleId)
          : statements.oneVersion.get(ruleId, version);
      return row === undefined ? null : full(row);
    },
    listImports() {
      return statements.imports.all().map(importRecordOf);
    },
    countRules(options = {}) {
      return (options.latestOnly ? statements.countLatest : statements.countAll).get()?.n ?? 0;
    },
  };
}

/** A rule row with its frameworks (a framework's '' row is the framework as a whole). */
function summaryOf(statements: ReadStatements, row: RuleRow): RuleSummary {
  const frameworks: Record<string, string[]> = {};
  for (const { framework, control } of statements.controlsOf.all(row.id)) {
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
    platforms: statements.platformsOf.all(row.id).map((item) => item.platform),
    frameworks,
    contentHash: row.content_hash,
    effectiveFrom: row.effective_from,
    effectiveUntil: row.effective_until,
    importId: row.import_id,
  };
}

function importRecordOf(row: ImportRow): BundleImportRecord {
  return {
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
  };
}

/**
 * The app's search over rules (RuleSearch): one statement for every combination, a NULL
 * parameter disabling its filter. `AC-2` matches the control `AC-2` and its enhancements
 * (`AC-2(4)`), in any case, as people write NIST 800-53 controls either way.
 */
function createRuleSearch(db: SqliteDatabase) {
  const where = `
    WHERE (@latestOnly = 0 OR r.is_latest = 1)
      AND (@text IS NULL OR instr(lower(r.rule_id), @text) > 0 OR instr(lower(r.name), @text) > 0)
      AND (@severity IS NULL OR r.severity = @severity)
      AND (@framework IS NULL OR EXISTS (
        SELECT 1 FROM rule_controls c WHERE c.rule_pk = r.id AND c.framework = @framework))
      AND (@control IS NULL OR EXISTS (
        SELECT 1 FROM rule_controls c
        WHERE c.rule_pk = r.id AND c.control <> ''
          AND (@framework IS NULL OR c.framework = @framework)
          AND (upper(c.control) = @control
               OR substr(upper(c.control), 1, length(@control) + 1) = @control || '(')))
      AND (@platform IS NULL OR EXISTS (
        SELECT 1 FROM rule_platforms p WHERE p.rule_pk = r.id AND p.platform = @platform))`;
  type Params = Record<
    'latestOnly' | 'text' | 'severity' | 'framework' | 'control' | 'platform',
    string | number | null
  >;
  const count = db.prepare<[Params], { n: number }>(`SELECT count(*) AS n FROM rules r ${where}`);
  const page = db.prepare<[Params & { limit: number; offset: number }], RuleRow>(
    `SELECT r.* FROM rules r ${where} ORDER BY r.rule_id, r.version LIMIT @limit OFFSET @offset`,
  );
  const facets = {
    rules: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rules WHERE is_latest = 1'),
    frameworks: db.prepare<[], { key: string; rules: number }>(`
      SELECT c.framework AS key, count(DISTINCT c.rule_pk) AS rules
      FROM rule_controls c JOIN rules r ON r.id = c.rule_pk
      WHERE r.is_latest = 1 GROUP BY c.framework ORDER BY c.framework`),
    platforms: db.prepare<[], { platform: string }>(`
      SELECT DISTINCT p.platform FROM rule_platforms p JOIN rules r ON r.id = p.rule_pk
      WHERE r.is_latest = 1 ORDER BY p.platform`),
    severities: db.prepare<[], { severity: string }>(
      'SELECT DISTINCT severity FROM rules WHERE is_latest = 1 ORDER BY severity',
    ),
  };
  const blank = (value: string | undefined): string | null =>
    value === undefined || value.trim() === '' ? null : value.trim();
  return {
    run(query: RuleSearch): { total: number; rows: RuleRow[] } {
      const params: Params = {
        latestOnly: query.latestOnly === false ? 0 : 1,
        text: blank(query.text)?.toLowerCase() ?? null,
        severity: blank(query.severity),
        framework: blank(query.framework),
        control: blank(query.control)?.toUpperCase() ?? null,
        platform: blank(query.platform),
      };
      return {
        total: count.get(params)?.n ?? 0,
        rows: page.all({ ...params, ...pageOf(query) }),
      };
    },
    facets: (): RuleFacets => ({
      rules: facets.rules.get()?.n ?? 0,
      frameworks: facets.frameworks.all(),
      platforms: facets.platforms.all().map((row) => row.platform),
      severities: facets.severities.all().map((row) => row.severity),
    }),
  };
}
