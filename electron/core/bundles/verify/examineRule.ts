/**
 * One rule file on its own (SPEC-NOTES "OpenWatch bundles"): its hash, its rule id (after
 * the lenient mapping when asked), and every finding that needs no other file. Pure; the
 * result is plain data, so that a worker thread can compute it (ruleExaminer.ts).
 */
import { hash } from 'node:crypto';

import type { BundleFinding } from '../../../../shared/bundles';
import { decodeDocument, formatOfName } from '../archive/documents';
import type { DocumentFormat } from '../archive/documents';
import { mapLegacyRule } from './lenientMapping';
import type { LenientMappingId } from './lenientMapping';
import { validateRule } from './ruleValidation';

/** What examining one file found (structured-clonable: no parsed rule, no functions). */
export interface RuleExamination {
  path: string;
  /** Null when the file is not a rule file at all (wrong extension). */
  format: DocumentFormat | null;
  /** `sha256:` + hex of the file bytes ('' when not a rule file). */
  fileHash: string;
  /** Whether the file decoded to an object. */
  decoded: boolean;
  ruleId: string | null;
  /** True when the rule has no error finding. */
  valid: boolean;
  lenientMappings: LenientMappingId[];
  /**
   * Examined without the lenient mapping: true when the rule is invalid and the mapping
   * would make it valid (the page then points at the lenient option).
   */
  lenientWouldFix: boolean;
  findings: BundleFinding[];
}

/** One rule of a verified bundle, ready for the importer. */
export interface VerifiedRule {
  /** Archive path (`rules/ow-x.json`). */
  path: string;
  format: DocumentFormat;
  /** `sha256:` + hex of the file bytes. */
  fileHash: string;
  /**
   * The rule as imported (after the lenient mapping when it was asked for), decoded again
   * from the file: a verification for an import keeps the bytes, not 2,000 parsed rules
   * that the garbage collector would copy around while nothing needs them
   * (bench/bundles.bench.ts). Null when the verification kept no content (`keepContent`).
   */
  load: (() => Record<string, unknown>) | null;
  ruleId: string | null;
  /** True when the rule has no error finding. */
  valid: boolean;
  lenientMappings: LenientMappingId[];
}

export function examineRuleBytes(
  path: string,
  bytes: Uint8Array,
  lenient: boolean,
): RuleExamination {
  const name = path.slice('rules/'.length);
  const format = formatOfName(name);
  const examination: RuleExamination = {
    path,
    format,
    fileHash: '',
    decoded: false,
    ruleId: null,
    valid: false,
    lenientMappings: [],
    lenientWouldFix: false,
    findings: [],
  };
  if (format === null) {
    examination.findings.push(
      error(
        'RULE_FILE_NAME',
        path,
        `${path} is not a rule file: rule files are rules/<rule_id>.json or .bson.`,
      ),
    );
    return examination;
  }
  // One-shot hash: no Hash object per file.
  examination.fileHash = `sha256:${hash('sha256', bytes, 'hex')}`;
  const decoded = decodeDocument(bytes, format);
  if (!decoded.ok) {
    examination.findings.push(
      error('RULE_PARSE', path, `${path} ${decoded.message}; fix or regenerate the rule.`),
    );
    return examination;
  }
  examination.decoded = true;
  let rule = decoded.value;
  const stem = name.slice(0, -(format.length + 1));
  let fileStem = stem;
  if (lenient) {
    const mapped = mapLegacyRule(rule);
    rule = mapped.rule;
    examination.lenientMappings = mapped.applied.map((entry) => entry.id);
    fileStem = lenientStem(stem, examination.lenientMappings);
    if (examination.lenientMappings.length > 0) {
      examination.findings.push({
        code: 'RULE_LENIENT_MAPPED',
        severity: 'info',
        path,
        message: `Legacy shapes mapped: ${[...new Set(examination.lenientMappings)].join(', ')}.`,
      });
    }
  }
  examination.findings.push(...validateRule(rule, { path, fileStem }));
  examination.ruleId = typeof rule.rule_id === 'string' ? rule.rule_id : null;
  examination.valid = !examination.findings.some((finding) => finding.severity === 'error');
  if (!lenient && !examination.valid) {
    examination.lenientWouldFix = validWhenMapped(decoded.value, path, stem);
  }
  return examination;
}

/** The file stem the lenient mapping compares the rule id with. */
function lenientStem(stem: string, mappings: readonly LenientMappingId[]): string {
  return mappings.includes('rule_id_lowercase') ? stem.toLowerCase() : stem;
}

/** Whether the lenient mapping changes the rule and leaves it without an error. */
function validWhenMapped(rule: Record<string, unknown>, path: string, stem: string): boolean {
  const mapped = mapLegacyRule(rule);
  if (mapped.applied.length === 0) return false;
  const fileStem = lenientStem(
    stem,
    mapped.applied.map((entry) => entry.id),
  );
  return !validateRule(mapped.rule, { path, fileStem }).some(
    (finding) => finding.severity === 'error',
  );
}

/**
 * The importer's view of an examined rule file (its bytes if kept); null when it is not
 * a rule file.
 */
export function verifiedRule(
  path: string,
  content: Buffer | null,
  examination: RuleExamination,
  lenient: boolean,
): VerifiedRule | null {
  const format = examination.format;
  if (format === null) return null;
  return {
    path,
    format,
    fileHash: examination.fileHash,
    load:
      content === null
        ? null
        : () => (examination.decoded ? loadRule(content, format, lenient) : {}),
    ruleId: examination.ruleId,
    valid: examination.valid,
    lenientMappings: examination.lenientMappings,
  };
}

/** The rule of a file that examined without a parse error. */
function loadRule(
  content: Buffer,
  format: DocumentFormat,
  lenient: boolean,
): Record<string, unknown> {
  const decoded = decodeDocument(content, format);
  if (!decoded.ok) return {};
  return lenient ? mapLegacyRule(decoded.value).rule : decoded.value;
}

function error(code: BundleFinding['code'], path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}
