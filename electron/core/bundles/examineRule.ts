/**
 * One rule file on its own (SPEC-NOTES "OpenWatch bundles"): its hash, its decoded rule
 * (after the lenient mapping when asked), and every finding that needs no other file.
 * Pure; the verifier runs it on each file as the archive inflates.
 */
import { hash } from 'node:crypto';

import type { BundleFinding } from '../../../shared/bundles';
import { decodeDocument, formatOfName } from './documents';
import type { DocumentFormat } from './documents';
import { mapLegacyRule } from './lenientMapping';
import type { LenientMappingId } from './lenientMapping';
import type { ArchiveFile } from './readBundle';
import { validateRule } from './ruleValidation';

/** One rule of a verified bundle, ready for the importer. */
export interface VerifiedRule {
  /** Archive path (`rules/ow-x.json`). */
  path: string;
  format: DocumentFormat;
  /** `sha256:` + hex of the file bytes. */
  fileHash: string;
  /**
   * The rule as imported (after the lenient mapping when it was asked for), decoded again
   * from the file: verification keeps the bytes, not 2,000 parsed rules that the garbage
   * collector would copy around while nothing needs them (bench/bundles.bench.ts).
   */
  load(): Record<string, unknown>;
  ruleId: string | null;
  /** True when the rule has no error finding. */
  valid: boolean;
  lenientMappings: LenientMappingId[];
}

export interface ExaminedRule {
  /** Null when the file is not a rule file at all (wrong extension). */
  rule: VerifiedRule | null;
  findings: BundleFinding[];
}

export function examineRuleFile(file: ArchiveFile, lenient: boolean): ExaminedRule {
  const name = file.path.slice('rules/'.length);
  const format = formatOfName(name);
  if (format === null) {
    return {
      rule: null,
      findings: [
        error(
          'RULE_FILE_NAME',
          file.path,
          `${file.path} is not a rule file: rule files are rules/<rule_id>.json or .bson.`,
        ),
      ],
    };
  }
  // One-shot hash: no Hash object per file.
  const fileHash = `sha256:${hash('sha256', file.bytes, 'hex')}`;
  const decoded = decodeDocument(file.bytes, format);
  if (!decoded.ok) {
    return {
      rule: {
        path: file.path,
        format,
        fileHash,
        load: () => ({}),
        ruleId: null,
        valid: false,
        lenientMappings: [],
      },
      findings: [
        error(
          'RULE_PARSE',
          file.path,
          `${file.path} ${decoded.message}; fix or regenerate the rule.`,
        ),
      ],
    };
  }
  const findings: BundleFinding[] = [];
  let rule = decoded.value;
  let fileStem = name.slice(0, -(format.length + 1));
  let applied: LenientMappingId[] = [];
  if (lenient) {
    const mapped = mapLegacyRule(rule);
    rule = mapped.rule;
    applied = mapped.applied.map((entry) => entry.id);
    if (applied.includes('rule_id_lowercase')) fileStem = fileStem.toLowerCase();
    if (applied.length > 0) {
      findings.push({
        code: 'RULE_LENIENT_MAPPED',
        severity: 'info',
        path: file.path,
        message: `Legacy shapes mapped: ${[...new Set(applied)].join(', ')}.`,
      });
    }
  }
  findings.push(...validateRule(rule, { path: file.path, fileStem }));
  return {
    rule: {
      path: file.path,
      format,
      fileHash,
      load: () => loadRule(file, format, lenient),
      ruleId: typeof rule.rule_id === 'string' ? rule.rule_id : null,
      valid: !findings.some((finding) => finding.severity === 'error'),
      lenientMappings: applied,
    },
    findings,
  };
}

/** The rule of a file that examined without a parse error. */
function loadRule(
  file: ArchiveFile,
  format: DocumentFormat,
  lenient: boolean,
): Record<string, unknown> {
  const decoded = decodeDocument(file.bytes, format);
  if (!decoded.ok) return {};
  return lenient ? mapLegacyRule(decoded.value).rule : decoded.value;
}

function error(code: BundleFinding['code'], path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}
