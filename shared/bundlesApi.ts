/**
 * The `bundles` service of the contract (shared/api.ts): verify, import, browse the
 * imported rules, and the trust store; with the strict validators of their arguments.
 */
import {
  boundedText,
  lineText,
  members,
  noArguments,
  oneOf,
  optionalBoolean,
  plainObject,
  wholeNumber,
} from './argumentChecks';
import {
  IMPORT_STRATEGIES,
  type BundleImportRecord,
  type BundleImportResult,
  type BundleProgress,
  type BundleReport,
  type ImportStrategy,
  type KeyInspection,
  type RuleDetail,
  type RuleFacets,
  type RulePage,
  type RuleSearch,
  type TrustedKeyInfo,
} from './bundles';
import { AppError } from './errors';
import { fileSource, type FileSource, type FileUpload } from './fileSource';

type Unsubscribe = () => void;

/**
 * A bundle to verify: a `.tar.gz` on the machine that runs core (`path`; a
 * `BUNDLE.tar.gz.sig` beside it is checked as a detached signature), or uploaded.
 */
export type VerifyBundleRequest = ({ path: string } | { upload: FileUpload }) & {
  /** Map the legacy rule shapes of older OpenWatch exports before validating. */
  lenient?: boolean;
};

/** Progress of a running verification or import. */
export interface BundleProgressEvent extends BundleProgress {
  /** The bundle being worked on: its path as given, or the uploaded file's name. */
  path: string;
}

/** A bundle to import (`trust-auditor import`). */
export interface BundleImportRequest {
  source: FileSource;
  strategy: ImportStrategy;
  lenient?: boolean;
  /** Accept an unsigned or untrusted bundle (`--allow-unsigned`); recorded with the import. */
  allowUnsigned?: boolean;
}

/** What changed in the workspace's bundles, so that open pages refresh. */
export interface BundlesChangeEvent {
  reason: 'imported' | 'keys';
}

/** The trust store's keys, and the files in its folder that are not usable keys. */
export interface TrustStoreListing {
  dir: string;
  keys: TrustedKeyInfo[];
  problems: Array<{ file: string; message: string }>;
}

/** OpenWatch compliance-rule bundles. */
export interface BundlesApi {
  /**
   * Verifies a bundle against the workspace's trust store and reports every finding;
   * never imports. Progress arrives through `onDidProgress`.
   */
  verify(request: VerifyBundleRequest): Promise<BundleReport>;
  /** Verifies again, then imports if the verdict allows (one transaction). */
  import(request: BundleImportRequest): Promise<BundleImportResult>;
  /** Earlier imports of the same bundle: the same bytes, or the same name and version. */
  previousImports(request: {
    sha256: string;
    name: string | null;
    version: string | null;
  }): Promise<BundleImportRecord[]>;
  /** Every import, newest first. */
  imports(): Promise<BundleImportRecord[]>;
  /** Imported rules matching a search, a page at a time. */
  rules(search: RuleSearch): Promise<RulePage>;
  /** The frameworks, platforms and severities the imported rules use. */
  ruleFacets(): Promise<RuleFacets>;
  /** One rule: every version with the import it came from. */
  rule(request: { ruleId: string }): Promise<RuleDetail>;
  /** The trusted publisher keys (`bundle trust list`). */
  trustedKeys(): Promise<TrustStoreListing>;
  /** Reads a public key without trusting it, for out-of-band comparison of its key id. */
  inspectKey(request: { source: FileSource }): Promise<KeyInspection>;
  /** Trusts a public key (`bundle trust add`). */
  trustKey(request: {
    source: FileSource;
    name?: string;
  }): Promise<TrustedKeyInfo & { added: boolean }>;
  /** Stops trusting a key (`bundle trust remove`). */
  untrustKey(request: { keyId: string }): Promise<TrustedKeyInfo>;
  /** Fires while a verification or import runs (phase, done/total, current file), a few times a second. */
  onDidProgress(listener: (progress: BundleProgressEvent) => void): Unsubscribe;
  /** Fires after an import or a change of the trust store made through the app. */
  onDidChange(listener: (change: BundlesChangeEvent) => void): Unsubscribe;
}

/** Checks a {@link VerifyBundleRequest}: a path or an upload, an optional flag, nothing else. */
export function verifyBundleRequest(value: unknown): VerifyBundleRequest {
  const record = plainObject(value, 'bundles.verify takes { path | upload, lenient? }.');
  const { lenient, ...rest } = record;
  const source = fileSource(rest, 'bundles.verify');
  const flag = optionalBoolean(lenient, 'lenient');
  return flag === undefined ? source : { ...source, lenient: flag };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const SEARCH_TEXT_MAX = 200;

function nullableLine(value: unknown, what: string): string | null {
  return value === null ? null : lineText(value, what, 200, 0);
}

export function bundleImportRequest(value: unknown): BundleImportRequest {
  const record = members(
    value,
    'bundles.import',
    ['source', 'strategy'],
    ['lenient', 'allowUnsigned'],
  );
  const request: BundleImportRequest = {
    source: fileSource(record.source, 'source'),
    strategy: oneOf(record.strategy, 'strategy', IMPORT_STRATEGIES),
  };
  const lenient = optionalBoolean(record.lenient, 'lenient');
  const allowUnsigned = optionalBoolean(record.allowUnsigned, 'allowUnsigned');
  if (lenient !== undefined) request.lenient = lenient;
  if (allowUnsigned !== undefined) request.allowUnsigned = allowUnsigned;
  return request;
}

export function previousImportsRequest(value: unknown): {
  sha256: string;
  name: string | null;
  version: string | null;
} {
  const record = members(value, 'bundles.previousImports', ['sha256', 'name', 'version']);
  if (typeof record.sha256 !== 'string' || !SHA256_HEX.test(record.sha256)) {
    throw new AppError('APP_INVALID_ARGUMENT', '"sha256" must be 64 lowercase hex digits.');
  }
  return {
    sha256: record.sha256,
    name: nullableLine(record.name, 'name'),
    version: nullableLine(record.version, 'version'),
  };
}

const SEARCH_TEXT_FIELDS = ['text', 'severity', 'framework', 'control', 'platform'] as const;

export function ruleSearchRequest(value: unknown): RuleSearch {
  const record = members(
    value,
    'bundles.rules',
    [],
    [...SEARCH_TEXT_FIELDS, 'latestOnly', 'offset', 'limit'],
  );
  const search: RuleSearch = {};
  for (const field of SEARCH_TEXT_FIELDS) {
    if (record[field] !== undefined)
      search[field] = lineText(record[field], field, SEARCH_TEXT_MAX, 0);
  }
  const latestOnly = optionalBoolean(record.latestOnly, 'latestOnly');
  if (latestOnly !== undefined) search.latestOnly = latestOnly;
  if (record.offset !== undefined)
    search.offset = wholeNumber(record.offset, 'offset', 0, 10_000_000);
  if (record.limit !== undefined) search.limit = wholeNumber(record.limit, 'limit', 1, 1000);
  return search;
}

export function ruleIdRequest(value: unknown): { ruleId: string } {
  return { ruleId: lineText(members(value, 'bundles.rule', ['ruleId']).ruleId, 'ruleId', 256) };
}

export function keySourceRequest(value: unknown): { source: FileSource } {
  return { source: fileSource(members(value, 'This call', ['source']).source, 'source') };
}

export function trustKeyRequest(value: unknown): { source: FileSource; name?: string } {
  const record = members(value, 'bundles.trustKey', ['source'], ['name']);
  const source = fileSource(record.source, 'source');
  return record.name === undefined
    ? { source }
    : { source, name: boundedText(record.name, 'name', 100) };
}

export function keyIdRequest(value: unknown): { keyId: string } {
  const { keyId } = members(value, 'bundles.untrustKey', ['keyId']);
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) {
    throw new AppError('APP_INVALID_ARGUMENT', '"keyId" must be 16 lowercase hex digits.');
  }
  return { keyId };
}

/** The `bundles` entry of `API_DESCRIPTION` (shared/api.ts). */
export const BUNDLES_CALLS = {
  verify: verifyBundleRequest,
  import: bundleImportRequest,
  previousImports: previousImportsRequest,
  imports: noArguments,
  rules: ruleSearchRequest,
  ruleFacets: noArguments,
  rule: ruleIdRequest,
  trustedKeys: noArguments,
  inspectKey: keySourceRequest,
  trustKey: trustKeyRequest,
  untrustKey: keyIdRequest,
} as const;
