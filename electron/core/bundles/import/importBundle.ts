/**
 * Imports a bundle into auditor.db: verify, refuse what must be refused, plan, then write
 * everything (new versions, closed versions, the import record) in ONE transaction, so a
 * failure at any point leaves the rules exactly as they were.
 */
import type {
  BundleImportResult,
  BundleProgressListener,
  ImportStrategy,
} from '../../../../shared/bundles';
import { DEFAULT_IMPORT_STRATEGY, isImportStrategy } from '../../../../shared/bundles';
import { canonicalJson } from '../../../../shared/canonicalJson';
import { AppError, errorMessage } from '../../../../shared/errors';
import { ruleContentHash } from './contentHash';
import { planImport } from './importPlan';
import type { RulesRepository } from './rulesRepository';
import type { BundleVerification, BundleVerifier, VerifyFileOptions } from '../verify/verifyBundle';

export interface ImportOptions {
  strategy?: ImportStrategy | undefined;
  /** Accept unsigned or untrusted bundles (`--allow-unsigned`, `REQUIRE_BUNDLE_SIGNATURE=false`). */
  allowUnsigned?: boolean | undefined;
  /** Map the legacy rule shapes first (see lenientMapping.ts). */
  lenient?: boolean | undefined;
  onProgress?: BundleProgressListener | undefined;
  detachedSignature?: VerifyFileOptions['detachedSignature'];
}

export interface BundleImporter {
  /** Verifies the bundle, then imports it if the verdict allows (one transaction). */
  importFile(path: string, options?: ImportOptions): Promise<BundleImportResult>;
  /**
   * Imports a verification made before with `keepContent` (the app's uploads; the
   * benchmark times the import alone).
   */
  importVerified(
    verification: BundleVerification,
    options?: ImportOptions,
  ): Promise<BundleImportResult>;
  readonly rules: RulesRepository;
}

export interface BundleImporterDeps {
  verifier: BundleVerifier;
  clock: () => Date;
  repository: RulesRepository;
}

/** Rules hashed between two yields to the event loop. */
const RULES_PER_STEP = 200;

/** Refuses an unknown strategy before any work. */
function checkStrategy(strategy: unknown): asserts strategy is ImportStrategy {
  if (!isImportStrategy(strategy)) {
    throw new AppError(
      'BUNDLE_STRATEGY_INVALID',
      `Unknown import strategy ${JSON.stringify(strategy)}; use skip_all, skip_unchanged_update_changed, version_increment or replace_all.`,
    );
  }
}

/** The verdict, when it allows an import: never an invalid bundle, unsigned ones only when allowed. */
function importableVerdict(report: BundleVerification['report'], options: ImportOptions) {
  if (report.verdict === 'invalid') {
    throw new AppError(
      'BUNDLE_INVALID',
      `The bundle is invalid (${report.counts.errors} error(s)); nothing was imported. Run \`verify\` for every finding${options.lenient ? '' : ', or try --lenient if these are the legacy OpenWatch shapes'}.`,
      {
        details: {
          verdict: report.verdict,
          counts: report.counts,
          findingCounts: report.findingCounts,
        },
      },
    );
  }
  if (report.verdict !== 'verified' && options.allowUnsigned !== true) {
    throw new AppError(
      'BUNDLE_SIGNATURE_REQUIRED',
      report.verdict === 'untrusted'
        ? `The bundle is signed by key ${report.signatures[0]?.keyId ?? '?'}, which is not trusted; nothing was imported. Add the signer's public key with \`bundle trust add\`, or pass --allow-unsigned.`
        : 'The bundle is not signed; nothing was imported. Import signed bundles, or pass --allow-unsigned (or set REQUIRE_BUNDLE_SIGNATURE=false) to accept unsigned content.',
      { details: { verdict: report.verdict } },
    );
  }
  return report.verdict;
}

interface PreparedRule {
  ruleId: string;
  contentHash: string;
  /** The rule as canonical JSON, as stored. */
  document: string;
  rule: Record<string, unknown>;
}

/** Loads, hashes and serializes every rule, yielding to the event loop every few rules. */
async function prepareRules(
  verification: BundleVerification,
  onProgress: BundleProgressListener | undefined,
): Promise<PreparedRule[]> {
  const prepared: PreparedRule[] = [];
  for (let index = 0; index < verification.rules.length; index += 1) {
    const rule = verification.rules[index];
    if (rule === undefined || rule.ruleId === null) continue;
    if (index % RULES_PER_STEP === 0) {
      onProgress?.({
        phase: 'import',
        done: index,
        total: verification.rules.length,
        current: rule.ruleId,
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (rule.load === null) {
      throw new AppError('BUNDLE_IMPORT_FAILED', 'The verification kept no rule content.', {
        expected: false,
      });
    }
    prepared.push(prepareRule(rule.path, rule.ruleId, rule.load()));
  }
  return prepared;
}

/** A rule as stored: refused when it has no RFC 8785 form (a lone surrogate, deep nesting). */
function prepareRule(path: string, ruleId: string, rule: Record<string, unknown>): PreparedRule {
  try {
    return { ruleId, contentHash: ruleContentHash(rule), document: canonicalJson(rule), rule };
  } catch (cause) {
    throw new AppError(
      'BUNDLE_INVALID',
      `The rule ${path} cannot be stored: it has no canonical JSON form (${errorMessage(cause)}).`,
      { details: { path } },
    );
  }
}

export function createBundleImporter(deps: BundleImporterDeps): BundleImporter {
  const { clock, repository } = deps;

  async function importVerified(
    verification: BundleVerification,
    options: ImportOptions = {},
  ): Promise<BundleImportResult> {
    const strategy = options.strategy ?? DEFAULT_IMPORT_STRATEGY;
    checkStrategy(strategy);
    const { report } = verification;
    const verdict = importableVerdict(report, options);

    // Hash and serialize before the transaction, in small steps.
    const prepared = await prepareRules(verification, options.onProgress);
    const byId = new Map(prepared.map((rule) => [rule.ruleId, rule]));
    const now = clock().toISOString();

    let importId: number;
    let counts: BundleImportResult['counts'];
    try {
      ({ importId, counts } = repository.transaction(() => {
        const plan = planImport(repository.latestRules(), prepared, strategy, report.bundle.sha256);
        const id = repository.insertImport({
          bundleSha256: report.bundle.sha256,
          name: report.bundle.name ?? '',
          version: report.bundle.version ?? '',
          signer: verdict === 'verified' ? report.signer : (report.signatures[0]?.signer ?? null),
          keyId: verdict === 'verified' ? report.keyId : (report.signatures[0]?.keyId ?? null),
          signatureMode: verdict === 'valid-unsigned' ? 'none' : report.signatureMode,
          verdict,
          strategy,
          lenient: options.lenient === true,
          counts: plan.counts,
          importedAt: now,
        });
        for (const action of plan.actions) {
          if (action.kind === 'unchanged' || action.kind === 'skip') continue;
          if (action.kind === 'retire') {
            repository.closeVersion(action.previous.pk, now);
            continue;
          }
          const rule = byId.get(action.ruleId);
          if (rule === undefined) continue;
          let version = 1;
          if (action.kind === 'version') {
            repository.closeVersion(action.previous.pk, now);
            version = action.previous.version + 1;
          }
          repository.insertRuleVersion({
            ruleId: rule.ruleId,
            version,
            sourceVersion: rule.rule.version === undefined ? null : String(rule.rule.version),
            contentHash: rule.contentHash,
            name: stringAt(rule.rule, 'metadata', 'name') ?? rule.ruleId,
            severity: typeof rule.rule.severity === 'string' ? rule.rule.severity : 'unknown',
            scannerType: typeof rule.rule.scanner_type === 'string' ? rule.rule.scanner_type : '',
            document: rule.document,
            frameworks: frameworkControls(rule.rule.frameworks),
            platforms: stringList(rule.rule.platforms),
            effectiveFrom: now,
            importId: id,
          });
        }
        return { importId: id, counts: plan.counts };
      }));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'BUNDLE_IMPORT_FAILED',
        `Writing the rules failed (${errorMessage(error)}); the import was rolled back and the rules are unchanged.`,
        { expected: false, cause: error },
      );
    }
    options.onProgress?.({
      phase: 'import',
      done: verification.rules.length,
      total: verification.rules.length,
      current: null,
    });
    return {
      importId,
      strategy,
      unsignedAllowed: verdict !== 'verified',
      lenient: options.lenient === true,
      counts,
      lenientMappings: { ...verification.lenientMappings } as Record<string, number>,
      report,
    };
  }

  return {
    rules: repository,
    importVerified,
    async importFile(path, options = {}) {
      if (options.strategy !== undefined) checkStrategy(options.strategy);
      const verification = await deps.verifier.verifyFile(path, {
        lenient: options.lenient,
        onProgress: options.onProgress,
        detachedSignature: options.detachedSignature,
        keepContent: true,
      });
      return importVerified(verification, options);
    },
  };
}

function stringAt(value: Record<string, unknown>, ...keys: string[]): string | null {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return null;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : null;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

function frameworkControls(value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [key, mapping] of Object.entries(value)) {
    const controls =
      typeof mapping === 'object' && mapping !== null && !Array.isArray(mapping)
        ? stringList((mapping as Record<string, unknown>).controls)
        : [];
    out[key] = controls;
  }
  return out;
}
