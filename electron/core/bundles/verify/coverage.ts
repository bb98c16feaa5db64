/**
 * Hash coverage (docs/bundles.md "What a signature covers"): every rule file the
 * manifest lists must be in the archive with the listed hash and rule id; a file it does
 * not list is an error under an embedded signature (which would not cover it), else a
 * warning (docs/decisions.md "Unlisted rule files"). Pure, apart from marking a rule
 * whose file does not match its listed hash as invalid.
 */
import type { BundleFinding } from '../../../../shared/bundles';
import type { VerifiedRule } from './examineRule';
import type { ManifestRuleEntry } from './manifest';

export interface CoverageInput {
  manifestPath: string;
  /** The manifest's checked `rules` list; null when it has none. */
  ruleEntries: readonly ManifestRuleEntry[] | null;
  /** Archive paths of every file in `rules/`. */
  ruleFilePaths: readonly string[];
  rules: readonly VerifiedRule[];
  /** Whether the manifest carries an embedded signature. */
  signed: boolean;
  /** A listed upper-case rule id matches its lower-cased rule (import --lenient). */
  lenient: boolean;
}

export function checkCoverage(input: CoverageInput): BundleFinding[] {
  const { manifestPath, ruleEntries } = input;
  if (ruleEntries === null) {
    if (!input.signed) return [];
    return [
      error(
        'SIGNATURE_COVERAGE',
        `${manifestPath}#/rules`,
        'The manifest is signed but has no rules list with a hash of every rule file, so the signature would not cover the rules. Re-sign with `bundle sign`.',
      ),
    ];
  }
  const findings: BundleFinding[] = [];
  const byName = new Map(input.rules.map((rule) => [rule.path.slice('rules/'.length), rule]));
  const listed = new Set<string>();
  ruleEntries.forEach((entry, index) => {
    const where = `${manifestPath}#/rules/${index}`;
    if (listed.has(entry.filename)) {
      const message = `${entry.filename} is listed twice in the manifest's rules.`;
      findings.push(error('MANIFEST_RULE_ENTRY_INVALID', where, message));
      return;
    }
    listed.add(entry.filename);
    findings.push(...checkListedRule(entry, byName.get(entry.filename), where, input.lenient));
  });
  for (const path of input.ruleFilePaths) {
    if (!listed.has(path.slice('rules/'.length))) findings.push(unlisted(path, input.signed));
  }
  return findings;
}

/** One listed rule against the file that holds it. */
function checkListedRule(
  entry: ManifestRuleEntry,
  present: VerifiedRule | undefined,
  where: string,
  lenient: boolean,
): BundleFinding[] {
  const path = `rules/${entry.filename}`;
  if (present === undefined) {
    const message = `The manifest lists ${path} but the archive does not hold it; add the file or remove the entry.`;
    return [error('MANIFEST_RULE_MISSING', where, message)];
  }
  const findings: BundleFinding[] = [];
  if (present.fileHash !== entry.hash) {
    const message = `${path} does not match its hash in the manifest: the file was changed after the manifest was written (or the manifest is wrong).`;
    findings.push(error('MANIFEST_HASH_MISMATCH', path, message));
    present.valid = false;
  }
  const ruleId = present.ruleId;
  if (
    ruleId !== null &&
    ruleId !== entry.rule_id &&
    !(lenient && ruleId === entry.rule_id.toLowerCase())
  ) {
    const message = `The manifest says ${path} holds ${entry.rule_id}, but it holds ${ruleId}.`;
    findings.push(error('MANIFEST_RULE_ENTRY_INVALID', where, message));
  }
  return findings;
}

function unlisted(path: string, signed: boolean): BundleFinding {
  return {
    code: 'MANIFEST_RULE_UNLISTED',
    severity: signed ? 'error' : 'warning',
    path,
    message: signed
      ? `${path} is not listed in the signed manifest, so the signature does not cover it; it is refused.`
      : `${path} is not listed in the manifest's rules, so no hash protects it.`,
  };
}

function error(code: BundleFinding['code'], path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}
