/**
 * The manifest (spec §1 "Validation Rules", SPEC-NOTES "Manifest"): finding and decoding
 * it among the archive's files, and checking its fields. Pure: the verifier passes the
 * archive's files, then the decoded manifest and the rule file names.
 */
import type { BundleFinding } from '../../../../shared/bundles';
import { hasControlCharacter } from '../../../../shared/argumentChecks';
import { decodeDocument, formatOfName } from '../archive/documents';
import type { DocumentFormat } from '../archive/documents';
import type { ArchiveFile } from '../archive/readBundle';
import { parseZonedTimestamp } from './timestamps';

/** The official SemVer 2.0.0 regular expression (semver.org). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** `sha256:` + 64 lowercase hex digits. */
export const RULE_HASH = /^sha256:[0-9a-f]{64}$/;

/** One entry of the manifest's `rules` list, once checked. */
export interface ManifestRuleEntry {
  rule_id: string;
  filename: string;
  hash: string;
}

export interface ManifestCheck {
  findings: BundleFinding[];
  /** The checked `rules` list, or null when the manifest has none (or it is malformed). */
  ruleEntries: ManifestRuleEntry[] | null;
}

/** The bundle's manifest file, decoded. */
export interface ManifestFile {
  /** Null when the bundle has none, has two, or it does not decode. */
  value: Record<string, unknown> | null;
  /** Its archive path (`manifest.json` when there is not exactly one). */
  path: string;
  /** Null when there is not exactly one. */
  format: DocumentFormat | null;
  findings: BundleFinding[];
}

/** Finds the one manifest among a bundle's files and decodes it. */
export function readManifest(files: readonly ArchiveFile[]): ManifestFile {
  const manifests = files.filter((file) => file.kind !== 'rule-file');
  const none = { value: null, path: 'manifest.json', format: null };
  const [file] = manifests;
  if (file === undefined || manifests.length > 1) {
    const finding: BundleFinding =
      file === undefined
        ? {
            code: 'MANIFEST_MISSING',
            severity: 'error',
            path: '',
            message:
              'The bundle has no manifest.json (or manifest.bson) at its root; `bundle create` writes one.',
          }
        : {
            code: 'MANIFEST_BOTH',
            severity: 'error',
            path: '',
            message: 'The bundle has both manifest.json and manifest.bson; keep exactly one.',
          };
    return { ...none, findings: [finding] };
  }
  const format = file.kind === 'manifest-bson' ? 'bson' : 'json';
  const decoded = decodeDocument(file.bytes, format);
  if (decoded.ok) return { value: decoded.value, path: file.path, format, findings: [] };
  const finding: BundleFinding = {
    code: 'MANIFEST_PARSE',
    severity: 'error',
    path: file.path,
    message: `${file.path} ${decoded.message}; fix or regenerate it.`,
  };
  return { value: null, path: file.path, format, findings: [finding] };
}

/**
 * Checks a manifest. `path` is its archive path; `ruleFileNames` the bare names of the
 * files in `rules/`.
 */
export function checkManifest(
  manifest: Record<string, unknown>,
  path: string,
  ruleFileNames: readonly string[],
): ManifestCheck {
  const findings: BundleFinding[] = [];
  const error = (code: BundleFinding['code'], field: string, message: string): void => {
    findings.push({ code, severity: 'error', path: `${path}#/${field}`, message });
  };
  const missing = (field: string, what: string): void =>
    error('MANIFEST_FIELD_MISSING', field, `The manifest has no ${field}; add ${what}.`);

  const name = manifest.name;
  if (name === undefined) missing('name', 'a bundle name (1 to 255 characters)');
  else if (typeof name !== 'string' || name.trim() === '' || [...name].length > 255) {
    error(
      'MANIFEST_FIELD_INVALID',
      'name',
      'name must be a non-empty string of at most 255 characters.',
    );
  }

  const version = manifest.version;
  if (version === undefined) missing('version', 'a SemVer 2.0.0 version such as "1.0.0"');
  else if (typeof version !== 'string' || !SEMVER.test(version)) {
    error(
      'MANIFEST_FIELD_INVALID',
      'version',
      `version ${JSON.stringify(version)} is not SemVer 2.0.0; use MAJOR.MINOR.PATCH such as "1.0.0" or "1.1.0-beta.1".`,
    );
  }

  const count = manifest.rules_count;
  if (count === undefined) {
    missing(
      'rules_count',
      `rules_count = ${ruleFileNames.length}${'rule_count' in manifest ? ' (the manifest has rule_count: the spec calls it rules_count)' : ''}`,
    );
  } else if (typeof count !== 'number' || !Number.isInteger(count) || count <= 0) {
    error('MANIFEST_FIELD_INVALID', 'rules_count', 'rules_count must be a positive integer.');
  } else if (count !== ruleFileNames.length) {
    error(
      'MANIFEST_RULES_COUNT',
      'rules_count',
      `rules_count says ${count} but rules/ holds ${ruleFileNames.length} files; fix the count or add the missing rules.`,
    );
  }

  const createdAt = manifest.created_at;
  if (createdAt === undefined)
    missing('created_at', 'created_at, an ISO 8601 date-time with a time zone');
  else if (parseZonedTimestamp(createdAt) === null) {
    error(
      'MANIFEST_FIELD_INVALID',
      'created_at',
      `created_at ${JSON.stringify(createdAt)} is not an ISO 8601 date-time with a time zone (2025-10-22T19:55:05Z or +00:00).`,
    );
  }

  for (const field of ['description', 'source', 'product']) {
    const value = manifest[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      error('MANIFEST_FIELD_INVALID', field, `${field} must be a string.`);
    }
  }

  const format = manifest.format;
  if (format !== undefined) {
    if (format !== 'json' && format !== 'bson') {
      error(
        'MANIFEST_FIELD_INVALID',
        'format',
        `format must be "json" or "bson", not ${JSON.stringify(format)}.`,
      );
    } else {
      const others = ruleFileNames.filter((file) => formatOfName(file) !== format);
      if (others.length > 0) {
        error(
          'MANIFEST_FORMAT_MISMATCH',
          'format',
          `format says "${format}" but ${others.length} rule file(s) are not .${format} (first: ${others[0]}); fix format or the files.`,
        );
      }
    }
  }

  const ruleEntries = manifest.rules === undefined ? null : checkRuleEntries(manifest.rules, error);
  return { findings, ruleEntries };
}

/** The manifest's `rules` list: null when it is not a list; malformed entries are left out. */
function checkRuleEntries(
  rules: unknown,
  error: (code: BundleFinding['code'], field: string, message: string) => void,
): ManifestRuleEntry[] | null {
  if (!Array.isArray(rules)) {
    error(
      'MANIFEST_FIELD_INVALID',
      'rules',
      'rules must be an array of {rule_id, filename, hash}.',
    );
    return null;
  }
  const entries: ManifestRuleEntry[] = [];
  rules.forEach((entry: unknown, index) => {
    const record =
      typeof entry === 'object' && entry !== null && !Array.isArray(entry)
        ? (entry as Record<string, unknown>)
        : null;
    const problems = record === null ? ['it is not an object'] : ruleEntryProblems(record);
    if (problems.length > 0 || record === null) {
      error(
        'MANIFEST_RULE_ENTRY_INVALID',
        `rules/${index}`,
        `Entry ${index} of rules: ${problems.join('; ')}.`,
      );
      return;
    }
    entries.push({
      rule_id: record.rule_id as string,
      filename: record.filename as string,
      hash: record.hash as string,
    });
  });
  return entries;
}

function ruleEntryProblems(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof record.rule_id !== 'string' || record.rule_id === '')
    problems.push('rule_id is missing');
  if (
    typeof record.filename !== 'string' ||
    /[/\\]/.test(record.filename) ||
    hasControlCharacter(record.filename) ||
    record.filename === '.' ||
    record.filename === '..'
  ) {
    problems.push('filename must be the bare file name inside rules/');
  }
  if (typeof record.hash !== 'string' || !RULE_HASH.test(record.hash)) {
    problems.push('hash must be "sha256:" followed by 64 lowercase hex digits');
  }
  return problems;
}
