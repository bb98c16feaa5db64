/**
 * Rule checks (spec §2 "Core Required Fields", §4 validators, §6 framework mappings;
 * SPEC-NOTES "Rules"). Pure, and it reports EVERY deviation of a rule, not the first.
 */
import { FRAMEWORK_KEYS, RULE_SEVERITIES } from '../../../../shared/bundles';
import type { BundleFinding, FindingCode, FindingSeverity } from '../../../../shared/bundles';
import { isPlainObject } from '../../../../shared/plainObject';

/** `ow-` then lowercase letters, digits and underscores; at most 255 characters. */
export const RULE_ID = /^ow-[a-z0-9_]+$/;
export const MAX_RULE_ID_LENGTH = 255;

/** Legacy framework keys and the spec key they mean (used in messages and --lenient). */
export const FRAMEWORK_KEY_ALIASES: Readonly<Record<string, string>> = {
  nist: 'nist_800_53',
  nist_800_53r5: 'nist_800_53',
  stig: 'disa_stig',
  pci: 'pci_dss',
  iso27001: 'iso_27001',
};

/** Fields the importer owns; a rule may carry them but they are not content. */
export const BOOKKEEPING_FIELDS = [
  '_id',
  'created_at',
  'updated_at',
  'imported_at',
  'is_latest',
  'version',
  'effective_from',
  'effective_until',
] as const;

export interface RuleContext {
  /** Archive path of the rule file (finding paths start with it). */
  path: string;
  /** File name without extension; null skips the file-name check. */
  fileStem: string | null;
}

/** Every deviation of one rule from the spec. */
export function validateRule(rule: Record<string, unknown>, context: RuleContext): BundleFinding[] {
  const findings: BundleFinding[] = [];
  const reporter = ruleReporter(context.path, findings);
  const { add, missing, invalid } = reporter;

  if ('_id' in rule) {
    add(
      'RULE_BOOKKEEPING_FIELD',
      'info',
      '/_id',
      'The rule carries _id, a database field; the importer ignores it. Remove it from exported rules.',
    );
  }

  const ruleId = rule.rule_id;
  if (ruleId === undefined) missing('rule_id', 'add "rule_id": "ow-<name>"');
  else if (typeof ruleId !== 'string')
    invalid('/rule_id', 'rule_id must be a string such as "ow-account_unique_id".');
  else checkRuleId(ruleId, context.fileStem, add);

  // metadata.name
  const metadata = rule.metadata;
  if (metadata === undefined)
    missing('metadata', 'add "metadata": {"name": "<human-readable name>"}');
  else if (!isPlainObject(metadata))
    invalid('/metadata', 'metadata must be an object with at least a name.');
  else if (metadata.name === undefined) {
    add(
      'RULE_FIELD_MISSING',
      'error',
      '/metadata/name',
      'metadata has no name (required); add a human-readable rule name.',
    );
  } else if (typeof metadata.name !== 'string' || metadata.name.trim() === '') {
    invalid('/metadata/name', 'metadata.name must be a non-empty string.');
  }

  // severity
  const severity = rule.severity;
  if (severity === undefined) missing('severity', `use one of ${RULE_SEVERITIES.join(', ')}`);
  else if (
    typeof severity !== 'string' ||
    !(RULE_SEVERITIES as readonly string[]).includes(severity)
  ) {
    add(
      'RULE_SEVERITY_INVALID',
      'error',
      '/severity',
      `severity ${JSON.stringify(severity)} is not one of ${RULE_SEVERITIES.join(', ')}.`,
    );
  }

  // scanner_type
  const scannerType = rule.scanner_type;
  if (scannerType === undefined)
    missing('scanner_type', 'add the scanner that checks it, e.g. "scanner_type": "oscap"');
  else if (typeof scannerType !== 'string' || scannerType.trim() === '') {
    invalid('/scanner_type', 'scanner_type must be a non-empty string such as "oscap".');
  }

  // version: a string per the spec; OpenWatch's own model stores an integer, accepted too.
  const version = rule.version;
  if (version === undefined) missing('version', 'add the rule\'s version, e.g. "version": "1.0.0"');
  else if (
    !(typeof version === 'string' && version.trim() !== '') &&
    !(typeof version === 'number' && Number.isInteger(version) && version >= 0)
  ) {
    invalid('/version', 'version must be a non-empty string such as "1.0.0".');
  }

  // is_latest
  const isLatest = rule.is_latest;
  if (isLatest === undefined) missing('is_latest', 'add "is_latest": true');
  else if (typeof isLatest !== 'boolean') invalid('/is_latest', 'is_latest must be true or false.');

  checkLists(rule, reporter);
  return findings;
}

type AddFinding = (
  code: FindingCode,
  severity: FindingSeverity,
  pointer: string,
  message: string,
) => void;

/** rule_id's form, and the file name that must match it. */
function checkRuleId(ruleId: string, fileStem: string | null, add: AddFinding): void {
  const problems: string[] = [];
  if (!ruleId.startsWith('ow-')) problems.push('it must start with "ow-"');
  if (ruleId.length > MAX_RULE_ID_LENGTH)
    problems.push(`it is longer than ${MAX_RULE_ID_LENGTH} characters`);
  if (/[A-Z]/.test(ruleId)) problems.push('it contains upper-case letters (use lower case)');
  const body = ruleId.startsWith('ow-') ? ruleId.slice(3) : ruleId;
  if (body.length === 0) problems.push('nothing follows "ow-"');
  if (/[^a-zA-Z0-9_]/.test(body))
    problems.push(
      'only letters, digits and underscores may follow "ow-" (hyphens become underscores)',
    );
  if (problems.length === 0 && !RULE_ID.test(ruleId))
    problems.push('it does not match ^ow-[a-z0-9_]+$');
  if (problems.length > 0) {
    add(
      'RULE_ID_INVALID',
      'error',
      '/rule_id',
      `rule_id ${JSON.stringify(ruleId)} is invalid: ${problems.join('; ')}.`,
    );
  }
  if (fileStem !== null && fileStem !== ruleId) {
    add(
      'RULE_FILE_NAME',
      'error',
      '',
      `The file is named ${fileStem} but holds rule ${JSON.stringify(ruleId)}; name it rules/${ruleId}.json (or .bson).`,
    );
  }
}

/** The findings of one rule, with their paths. */
interface RuleReporter {
  add: AddFinding;
  missing(field: string, hint: string): void;
  invalid(pointer: string, message: string): void;
}

function ruleReporter(path: string, findings: BundleFinding[]): RuleReporter {
  const add: AddFinding = (code, severity, pointer, message) => {
    findings.push({ code, severity, path: `${path}#${pointer}`, message });
  };
  return {
    add,
    missing: (field, hint) =>
      add(
        'RULE_FIELD_MISSING',
        'error',
        `/${field}`,
        `The rule has no ${field} (required); ${hint}.`,
      ),
    invalid: (pointer, message) => add('RULE_FIELD_INVALID', 'error', pointer, message),
  };
}

/** frameworks and platforms. */
function checkLists(rule: Record<string, unknown>, reporter: RuleReporter): void {
  const { add, missing, invalid } = reporter;
  const frameworks = rule.frameworks;
  if (frameworks === undefined)
    missing('frameworks', 'add "frameworks": {} or the rule\'s framework mappings');
  else if (!isPlainObject(frameworks))
    invalid(
      '/frameworks',
      'frameworks must be an object of {"controls": [...], "applicable": true} per framework.',
    );
  else {
    for (const [key, value] of Object.entries(frameworks)) checkFramework(key, value, add);
  }
  const platforms = rule.platforms;
  if (platforms === undefined) missing('platforms', 'add "platforms": ["rhel8", ...]');
  else if (!Array.isArray(platforms))
    invalid('/platforms', 'platforms must be an array of platform names such as ["rhel8"].');
  else {
    platforms.forEach((platform: unknown, index) => {
      if (typeof platform !== 'string' || platform.trim() === '') {
        invalid(`/platforms/${index}`, 'each platform must be a non-empty string.');
      }
    });
  }
}

function checkFramework(key: string, value: unknown, add: AddFinding): void {
  const pointer = `/frameworks/${escapePointer(key)}`;
  if (!(FRAMEWORK_KEYS as readonly string[]).includes(key)) {
    const alias = FRAMEWORK_KEY_ALIASES[key];
    add(
      'RULE_FRAMEWORK_UNKNOWN',
      'warning',
      pointer,
      alias !== undefined
        ? `Framework key ${JSON.stringify(key)} is not a spec key; it means ${JSON.stringify(alias)}: rename it (import --lenient does).`
        : `Framework key ${JSON.stringify(key)} is not one of ${FRAMEWORK_KEYS.join(', ')}; it is kept but tools may not know it.`,
    );
  }
  if (!isPlainObject(value)) {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      pointer,
      `frameworks.${key} must be an object {"controls": [...], "applicable": true}.`,
    );
    return;
  }
  const hasSpecShape = 'controls' in value || 'applicable' in value;
  const nested = hasSpecShape
    ? []
    : Object.entries(value).filter(([, inner]) => Array.isArray(inner));
  if (nested.length > 0) {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      pointer,
      `frameworks.${key} is nested by version (${nested.map(([version]) => JSON.stringify(version)).join(', ')}) instead of {"controls": [...], "applicable": true}; flatten it (import --lenient does).`,
    );
    for (const [version, list] of nested) {
      reportDuplicates(list as unknown[], `${pointer}/${escapePointer(version)}`, add);
    }
    return;
  }
  const controls = value.controls;
  if (controls === undefined) {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      `${pointer}/controls`,
      `frameworks.${key} has no controls array.`,
    );
  } else if (
    !Array.isArray(controls) ||
    controls.some((control) => typeof control !== 'string' || control === '')
  ) {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      `${pointer}/controls`,
      `frameworks.${key}.controls must be an array of non-empty strings.`,
    );
  } else {
    reportDuplicates(controls, `${pointer}/controls`, add);
  }
  if (value.applicable === undefined) {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      `${pointer}/applicable`,
      `frameworks.${key} has no applicable flag; add "applicable": true.`,
    );
  } else if (typeof value.applicable !== 'boolean') {
    add(
      'RULE_FRAMEWORK_SHAPE',
      'error',
      `${pointer}/applicable`,
      `frameworks.${key}.applicable must be true or false.`,
    );
  }
}

function reportDuplicates(list: unknown[], pointer: string, add: AddFinding): void {
  // Most lists have no duplicate, which one pass of the Set constructor tells.
  const seen = new Set<unknown>(list);
  if (seen.size === list.length) return;
  seen.clear();
  const duplicates = new Set<unknown>();
  for (const item of list) {
    if (seen.has(item)) duplicates.add(item);
    seen.add(item);
  }
  if (duplicates.size > 0) {
    add(
      'RULE_CONTROL_DUPLICATE',
      'warning',
      pointer,
      `Control id(s) listed more than once: ${[...duplicates].map((item) => JSON.stringify(item)).join(', ')}; list each once.`,
    );
  }
}

/** RFC 6901 escaping of one JSON pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
