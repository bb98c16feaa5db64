/**
 * OpenWatch rule bundles: the typed verification report, import results, rule queries
 * and progress events, shared by core, the CLI and (later) the renderer.
 *
 * Spec: `specs/openwatch-rules-data-structure-v1.2.0.md`, as resolved by SPEC-NOTES.md
 * ("OpenWatch bundles"). Plain data only: everything here crosses IPC and HTTP RPC.
 */

// ---------------------------------------------------------------------------------------
// Verification report

/**
 * The outcome of verifying one bundle.
 * - `verified`: structurally valid, every hash matches, and a signature made by a key in
 *   the trust store verifies.
 * - `valid-unsigned`: structurally valid, every listed hash matches, but no signature.
 * - `untrusted`: structurally valid and signed, but not by a trusted key (the signer's
 *   key is not in the trust store, so the signature cannot be relied on).
 * - `invalid`: anything at all is wrong (unsafe archive, manifest, rule, hash, signature).
 */
export type BundleVerdict = 'verified' | 'valid-unsigned' | 'invalid' | 'untrusted';

/**
 * Which signature was checked.
 * - `embedded`: `manifest.signature` signs the RFC 8785 canonical manifest without its
 *   `signature` member; the manifest's `rules` list hashes every rule file.
 * - `detached`: `BUNDLE.tar.gz.sig` beside the bundle signs the raw `.tar.gz` bytes.
 * - `none`: the bundle carries no signature.
 */
export type SignatureMode = 'embedded' | 'detached' | 'none';

/** Signature hash algorithms (RSA-PSS, MGF1 with the same hash). */
export const SIGNATURE_ALGORITHMS = ['SHA256', 'SHA384', 'SHA512'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** `error` makes the bundle invalid; `warning` and `info` do not. */
export type FindingSeverity = 'error' | 'warning' | 'info';

/** Every finding code the verifier and importer emit (see docs/bundles.md). */
export const FINDING_CODES = [
  // Archive (readBundle)
  'ARCHIVE_NOT_GZIP',
  'ARCHIVE_CORRUPT',
  'ARCHIVE_TRUNCATED',
  'ARCHIVE_LIMIT_COMPRESSED',
  'ARCHIVE_LIMIT_TOTAL',
  'ARCHIVE_LIMIT_ENTRY',
  'ARCHIVE_LIMIT_ENTRIES',
  'ARCHIVE_LIMIT_RATIO',
  'ARCHIVE_ENTRY_TYPE',
  'ARCHIVE_PATH_UNSAFE',
  'ARCHIVE_PATH_UNEXPECTED',
  'ARCHIVE_DUPLICATE',
  'ARCHIVE_NESTED',
  // Manifest
  'MANIFEST_MISSING',
  'MANIFEST_BOTH',
  'MANIFEST_PARSE',
  'MANIFEST_FIELD_MISSING',
  'MANIFEST_FIELD_INVALID',
  'MANIFEST_RULES_COUNT',
  'MANIFEST_FORMAT_MISMATCH',
  'MANIFEST_RULE_ENTRY_INVALID',
  'MANIFEST_RULE_UNLISTED',
  'MANIFEST_RULE_MISSING',
  'MANIFEST_HASH_MISMATCH',
  // Rules
  'RULE_PARSE',
  'RULE_FILE_NAME',
  'RULE_ID_INVALID',
  'RULE_ID_DUPLICATE',
  'RULE_FIELD_MISSING',
  'RULE_FIELD_INVALID',
  'RULE_SEVERITY_INVALID',
  'RULE_FRAMEWORK_SHAPE',
  'RULE_FRAMEWORK_UNKNOWN',
  'RULE_CONTROL_DUPLICATE',
  'RULE_BOOKKEEPING_FIELD',
  'RULE_LENIENT_MAPPED',
  // Signature
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_ALGORITHM',
  'SIGNATURE_INVALID',
  'SIGNATURE_KEY_UNKNOWN',
  'SIGNATURE_KEY_WEAK',
  'SIGNATURE_SIGNED_AT',
  'SIGNATURE_COVERAGE',
  'SIGNATURE_DETACHED_UNREADABLE',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** One thing the verifier noticed. */
export interface BundleFinding {
  code: FindingCode;
  severity: FindingSeverity;
  /**
   * Where: an archive path (`rules/ow-x.json`), optionally followed by a JSON pointer into
   * the document (`rules/ow-x.json#/frameworks/nist`); empty for the bundle as a whole.
   */
  path: string;
  /** What is wrong and how to fix it, in one or two sentences. */
  message: string;
}

/** One signature that was checked (a bundle may carry an embedded and a detached one). */
export interface SignatureCheck {
  mode: Exclude<SignatureMode, 'none'>;
  algorithm: SignatureAlgorithm | null;
  /** The signer's name as the signature object claims it (not covered by the signature). */
  signer: string | null;
  /** `public_key_id` as the signature object claims it. */
  keyId: string | null;
  signedAt: string | null;
  /** `valid`: verified with the key of that id; `unknown-key`: no such key to check with. */
  outcome: 'valid' | 'invalid' | 'unknown-key' | 'malformed';
  /** True when the verifying key is in the trust store. */
  trusted: boolean;
}

/** The verifier's answer: one typed object, the same for the CLI `--json` and the UI. */
export interface BundleReport {
  verdict: BundleVerdict;
  /** The signature mode that verified (or was checked, when none verified). */
  signatureMode: SignatureMode;
  /** Signer name of the verifying signature, or null. */
  signer: string | null;
  /** Key id (first 16 hex of SHA-256 over the SPKI PEM) of the verifying key, or null. */
  keyId: string | null;
  signatures: SignatureCheck[];
  bundle: {
    /** SHA-256 (hex) of the raw `.tar.gz` bytes. */
    sha256: string;
    compressedBytes: number;
    uncompressedBytes: number;
    name: string | null;
    version: string | null;
    createdAt: string | null;
    /** `json` or `bson`: the manifest's own encoding. */
    manifestFormat: 'json' | 'bson' | null;
  };
  counts: {
    entries: number;
    ruleFiles: number;
    /** Rule files without any error finding. */
    validRules: number;
    invalidRules: number;
    errors: number;
    warnings: number;
    infos: number;
  };
  /** How many findings there are of each code (handy with thousands of findings). */
  findingCounts: Partial<Record<FindingCode, number>>;
  findings: BundleFinding[];
  /**
   * Verified without the lenient mapping, the bundle is invalid only through rules in
   * legacy shapes that the mapping converts: verifying with `lenient` would clear them.
   */
  lenientWouldHelp: boolean;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------
// Limits

/** Archive limits; every one is enforced while bytes arrive (SPEC-NOTES defaults). */
export interface BundleLimits {
  /** Size of the `.tar.gz` file. */
  maxCompressedBytes: number;
  /** Sum of all inflated bytes (tar headers and padding included). */
  maxUncompressedBytes: number;
  /** One entry (the manifest included). */
  maxEntryBytes: number;
  maxEntries: number;
  /** Inflated bytes per compressed byte, over the whole stream. */
  maxCompressionRatio: number;
  /**
   * The ratio is enforced once this many bytes have been inflated: tiny archives of
   * mostly tar padding legitimately compress better than 200:1.
   */
  ratioGraceBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxCompressedBytes: 100 * MIB,
  maxUncompressedBytes: 512 * MIB,
  maxEntryBytes: 16 * MIB,
  maxEntries: 20_000,
  maxCompressionRatio: 200,
  ratioGraceBytes: 1 * MIB,
});

// ---------------------------------------------------------------------------------------
// Progress

/** Progress of a long bundle operation, for a CLI progress bar or the UI. */
export interface BundleProgress {
  phase: 'read' | 'validate' | 'import';
  done: number;
  total: number;
  /** The archive path or rule id being worked on, when there is one. */
  current: string | null;
}

export type BundleProgressListener = (progress: BundleProgress) => void;

// ---------------------------------------------------------------------------------------
// Import

/** Import strategies, named exactly as the spec (§5 "Deduplication Strategies"). */
export const IMPORT_STRATEGIES = [
  'skip_all',
  'skip_unchanged_update_changed',
  'version_increment',
  'replace_all',
] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];
export const DEFAULT_IMPORT_STRATEGY: ImportStrategy = 'skip_unchanged_update_changed';

export function isImportStrategy(value: unknown): value is ImportStrategy {
  return typeof value === 'string' && (IMPORT_STRATEGIES as readonly string[]).includes(value);
}

/** What an import did, rule by rule counted. */
export interface ImportCounts {
  /** Rules in the bundle. */
  total: number;
  /** New rule ids (version 1). */
  inserted: number;
  /** New versions of existing rules (the old version kept, no longer latest). */
  versioned: number;
  /** Same content hash as the latest version: nothing written. */
  unchanged: number;
  /** Existing rules left alone by `skip_all`. */
  skipped: number;
  /** Latest rules absent from the bundle that `replace_all` retired. */
  retired: number;
}

/** The result of `import`. */
export interface BundleImportResult {
  /** Row id of the import record, or null when nothing was imported (refused). */
  importId: number | null;
  strategy: ImportStrategy;
  /** True when unsigned or untrusted content was imported because it was allowed. */
  unsignedAllowed: boolean;
  lenient: boolean;
  counts: ImportCounts;
  /** Legacy shapes the lenient mapping converted: `{ what: count }`. */
  lenientMappings: Record<string, number>;
  report: BundleReport;
}

/** One row of the import history. */
export interface BundleImportRecord {
  id: number;
  bundleSha256: string;
  name: string;
  version: string;
  signer: string | null;
  keyId: string | null;
  signatureMode: SignatureMode;
  verdict: BundleVerdict;
  strategy: ImportStrategy;
  lenient: boolean;
  counts: ImportCounts;
  importedAt: string;
}

// ---------------------------------------------------------------------------------------
// Rules

/** Rule severities the spec and OpenWatch's model accept. */
export const RULE_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical', 'unknown'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/** Framework keys of spec §6 (others are kept but reported as unknown). */
export const FRAMEWORK_KEYS = [
  'nist_800_53',
  'cis',
  'pci_dss',
  'disa_stig',
  'iso_27001',
  'hipaa',
] as const;
export type FrameworkKey = (typeof FRAMEWORK_KEYS)[number];

/** Human names of the framework keys, for display. */
export const FRAMEWORK_NAMES: Readonly<Record<FrameworkKey, string>> = {
  nist_800_53: 'NIST 800-53',
  cis: 'CIS Benchmarks',
  pci_dss: 'PCI-DSS',
  disa_stig: 'DISA STIG',
  iso_27001: 'ISO 27001',
  hipaa: 'HIPAA',
};

/** A filter over stored rules; every given field must match. */
export interface RuleQuery {
  /** Framework key (`nist_800_53`, `cis`, ...). */
  framework?: string;
  /** A control of that framework, exact (`AC-2(3)`); needs `framework`. */
  control?: string;
  severity?: RuleSeverity;
  platform?: string;
  /** Only latest versions (default true). */
  latestOnly?: boolean;
  limit?: number;
  offset?: number;
}

/** One stored rule version, as lists show it. */
export interface RuleSummary {
  ruleId: string;
  /** Our version number: 1, 2, 3… per rule id. */
  version: number;
  /** The rule's own `version` field. */
  sourceVersion: string | null;
  isLatest: boolean;
  name: string;
  severity: string;
  scannerType: string;
  platforms: string[];
  /** Framework key → controls. */
  frameworks: Record<string, string[]>;
  /** `sha256:` + hex over the canonical rule minus bookkeeping fields. */
  contentHash: string;
  effectiveFrom: string;
  effectiveUntil: string | null;
  importId: number;
}

/** One stored rule version with its full document. */
export interface RuleVersion extends RuleSummary {
  document: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// Browsing imported rules

/** A search over imported rules (the app's Rules page); every given field must match. */
export interface RuleSearch {
  /** Part of the rule id or name, any case. */
  text?: string;
  severity?: string;
  /** Framework key (`nist_800_53`, `cis`, ...). */
  framework?: string;
  /**
   * A control, any case; `AC-2` also finds its enhancements (`AC-2(1)`). Within
   * `framework` when given, else in any framework.
   */
  control?: string;
  platform?: string;
  /** Only latest versions (default true). */
  latestOnly?: boolean;
  offset?: number;
  limit?: number;
}

/** One page of a {@link RuleSearch}. */
export interface RulePage {
  /** How many rule versions match in all. */
  total: number;
  rules: RuleSummary[];
}

/** What the imported rules hold, for the search's choices. */
export interface RuleFacets {
  /** Latest rules in the workspace. */
  rules: number;
  frameworks: Array<{ key: string; rules: number }>;
  platforms: string[];
  severities: string[];
}

/** A rule's page: every version, newest first, and the imports that wrote them. */
export interface RuleDetail {
  ruleId: string;
  versions: RuleVersion[];
  imports: BundleImportRecord[];
}

// ---------------------------------------------------------------------------------------
// The trust store, as the app shows it

/** A trusted publisher key (`bundle trust list`). */
export interface TrustedKeyInfo {
  keyId: string;
  /** Full SHA-256 (hex) over the SPKI PEM text. */
  fingerprint: string;
  bits: number;
  /** The name it was trusted under (`bundle trust add --name`; the key id by default). */
  name: string;
  file: string;
  /** When the key file was written (RFC 3339). */
  addedAt: string;
}

/** A public key read before trusting it: compare its key id with the publisher's. */
export interface KeyInspection {
  keyId: string;
  fingerprint: string;
  bits: number;
  /** The trusted key with the same id, if it is trusted already. */
  trustedAs: string | null;
}
