/**
 * `bundle create DIR OUT.tar.gz`: builds a spec bundle from a folder of rule files, with a
 * manifest that lists every rule's SHA-256 (so that a later embedded signature covers
 * every rule). Deterministic: the same files and `createdAt` give the same bytes.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { DEFAULT_BUNDLE_LIMITS } from '../../../../shared/bundles';
import type { BundleFinding } from '../../../../shared/bundles';
import { AppError, errorMessage } from '../../../../shared/errors';
import { compareNames, writeBundleArchive } from '../archive/archiveWriter';
import { decodeDocument, formatOfName } from '../archive/documents';
import { checkManifest, SEMVER } from '../verify/manifest';
import { validateRule } from '../verify/ruleValidation';
import { parseZonedTimestamp } from '../verify/timestamps';

export interface CreateBundleOptions {
  /** A folder of `ow-*.json|bson` files, or a folder holding `rules/` (and optionally a
   * `manifest.json` whose descriptive fields are kept). */
  dir: string;
  name?: string | undefined;
  version?: string | undefined;
  description?: string | undefined;
  /** ISO 8601 with a zone; default: the clock (or SOURCE_DATE_EPOCH via the CLI). */
  createdAt?: string | undefined;
  /** Write the bundle even when rules do not validate (they are listed in `findings`). */
  allowInvalid?: boolean | undefined;
  clock?: (() => Date) | undefined;
}

export interface CreatedBundle {
  bytes: Buffer;
  manifest: Record<string, unknown>;
  /** Rule deviations (only errors when allowInvalid). */
  findings: BundleFinding[];
  ruleCount: number;
}

/** The rule files: in `dir/rules/` when there is such a folder, else in `dir` itself. */
async function listRuleFiles(dir: string): Promise<{ ruleDir: string; ruleNames: string[] }> {
  const hasRulesFolder = await isDirectory(join(dir, 'rules'));
  const ruleDir = hasRulesFolder ? join(dir, 'rules') : dir;
  let names: string[];
  try {
    names = await readdir(ruleDir);
  } catch (error) {
    throw new AppError(
      'BUNDLE_FILE_UNREADABLE',
      `Cannot read the folder ${ruleDir}: ${errorMessage(error)}.`,
    );
  }
  const ruleNames = names
    .filter((name) => formatOfName(name) !== null)
    .filter((name) => hasRulesFolder || (name !== 'manifest.json' && name !== 'manifest.bson'))
    .sort(compareNames);
  if (ruleNames.length === 0) {
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `${ruleDir} holds no rule files (*.json or *.bson).`,
    );
  }
  return { ruleDir, ruleNames };
}

/** Reads and validates every rule file (bounded in size); a file that does not parse is a finding. */
async function readRules(
  ruleDir: string,
  ruleNames: readonly string[],
): Promise<{
  rules: { name: string; bytes: Buffer; ruleId: string }[];
  findings: BundleFinding[];
}> {
  const findings: BundleFinding[] = [];
  const rules: { name: string; bytes: Buffer; ruleId: string }[] = [];
  for (const name of ruleNames) {
    const path = join(ruleDir, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    if (info.size > DEFAULT_BUNDLE_LIMITS.maxEntryBytes) {
      throw new AppError(
        'BUNDLE_CREATE_FAILED',
        `${path} is larger than ${DEFAULT_BUNDLE_LIMITS.maxEntryBytes} bytes; verifiers refuse such entries.`,
      );
    }
    const bytes = await readFile(path);
    const format = formatOfName(name) ?? 'json';
    const decoded = decodeDocument(bytes, format);
    const archivePath = `rules/${name}`;
    if (!decoded.ok) {
      findings.push({
        code: 'RULE_PARSE',
        severity: 'error',
        path: archivePath,
        message: `${archivePath} ${decoded.message}.`,
      });
      rules.push({ name, bytes, ruleId: name.slice(0, -(format.length + 1)) });
      continue;
    }
    findings.push(
      ...validateRule(decoded.value, {
        path: archivePath,
        fileStem: name.slice(0, -(format.length + 1)),
      }),
    );
    const ruleId =
      typeof decoded.value.rule_id === 'string'
        ? decoded.value.rule_id
        : name.slice(0, -(format.length + 1));
    rules.push({ name, bytes, ruleId });
  }
  return { rules, findings };
}

export async function createBundle(options: CreateBundleOptions): Promise<CreatedBundle> {
  const dir = options.dir;
  const { ruleDir, ruleNames } = await listRuleFiles(dir);

  let base: Record<string, unknown> = {};
  const baseText = await readOptional(join(dir, 'manifest.json'));
  if (baseText !== null) {
    const decoded = decodeDocument(baseText, 'json');
    if (!decoded.ok)
      throw new AppError(
        'BUNDLE_CREATE_FAILED',
        `${join(dir, 'manifest.json')} ${decoded.message}.`,
      );
    base = decoded.value;
  }

  const { rules, findings } = await readRules(ruleDir, ruleNames);
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0 && options.allowInvalid !== true) {
    const sample = errors
      .slice(0, 3)
      .map((finding) => `${finding.path}: ${finding.message}`)
      .join('\n  ');
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `${errors.length} problem(s) in the rules; a bundle must hold valid rules (use --allow-invalid to write it anyway):\n  ${sample}`,
      { details: { findings: errors.slice(0, 1000) } },
    );
  }

  const createdAt =
    options.createdAt ??
    (typeof base.created_at === 'string' &&
    options.createdAt === undefined &&
    parseZonedTimestamp(base.created_at) !== null
      ? base.created_at
      : (options.clock ?? (() => new Date()))().toISOString());
  const createdMs = parseZonedTimestamp(createdAt);
  if (createdMs === null) {
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `created_at ${JSON.stringify(createdAt)} is not an ISO 8601 date-time with a time zone.`,
    );
  }
  const version = options.version ?? (typeof base.version === 'string' ? base.version : '1.0.0');
  if (!SEMVER.test(version)) {
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `The version ${JSON.stringify(version)} is not SemVer 2.0.0 (e.g. 1.0.0).`,
    );
  }
  const formats = new Set(rules.map((rule) => formatOfName(rule.name)));
  const manifest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (!['signature', 'rules', 'rules_count', 'format', 'rule_count'].includes(key))
      manifest[key] = value;
  }
  manifest.name =
    options.name ?? (typeof base.name === 'string' && base.name !== '' ? base.name : basename(dir));
  manifest.version = version;
  manifest.rules_count = rules.length;
  manifest.created_at = createdAt;
  if (options.description !== undefined) manifest.description = options.description;
  if (formats.size === 1) manifest.format = [...formats][0];
  manifest.rules = rules.map((rule) => ({
    rule_id: rule.ruleId,
    filename: rule.name,
    hash: `sha256:${createHash('sha256').update(rule.bytes).digest('hex')}`,
  }));
  const manifestCheck = checkManifest(
    manifest,
    'manifest.json',
    rules.map((rule) => rule.name),
  );
  if (manifestCheck.findings.length > 0) {
    throw new AppError(
      'BUNDLE_CREATE_FAILED',
      `The manifest would be invalid: ${manifestCheck.findings.map((finding) => finding.message).join(' ')}`,
    );
  }
  const bytes = await writeBundleArchive({
    manifestName: 'manifest.json',
    manifest: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
    rules,
    mtime: new Date(createdMs),
  });
  return { bytes, manifest, findings, ruleCount: rules.length };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
