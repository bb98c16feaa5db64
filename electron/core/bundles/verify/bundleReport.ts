/**
 * The report of a verification (`BundleReport`, docs/bundles.md "Verify"): counts, the
 * verdict, and the signature that verified. Pure.
 */
import type {
  BundleFinding,
  BundleReport,
  BundleVerdict,
  FindingCode,
  SignatureCheck,
} from '../../../../shared/bundles';
import type { DocumentFormat } from '../archive/documents';
import type { BundleArchive, RawFileFacts } from '../archive/readBundle';

export interface ReportInput {
  /** Every finding, in the order found; SIGNATURE_MISSING is added when unsigned. */
  findings: BundleFinding[];
  signatures: SignatureCheck[];
  /** Null when the archive was refused. */
  archive: BundleArchive | null;
  /** A refused archive's file: its size and SHA-256 all the same. */
  refusedFile?: RawFileFacts | null | undefined;
  manifest: Record<string, unknown> | null;
  manifestFormat: DocumentFormat | null;
  ruleStats: { files: number; valid: number };
  /** `performance.now()` when the verification started. */
  started: number;
  /** A verdict decided before the report (a refused archive is `invalid`). */
  verdictOverride: BundleVerdict | null;
  /** Paths of the invalid rule files the lenient mapping would make valid. */
  lenientFixes?: ReadonlySet<string> | undefined;
}

export function buildReport(input: ReportInput): BundleReport {
  const { findings, signatures, archive, manifest } = input;
  const { counts, findingCounts } = countFindings(findings);
  const verdict = input.verdictOverride ?? verdictOf(counts.errors, signatures);
  if (verdict === 'valid-unsigned') {
    findings.push({
      code: 'SIGNATURE_MISSING',
      severity: 'info',
      path: '',
      message:
        'The bundle is not signed: nothing proves who made it. Ask its publisher for a signed bundle, or sign it yourself with `bundle sign` if you made it.',
    });
    findingCounts.SIGNATURE_MISSING = 1;
    counts.infos += 1;
  }
  // The detached signature is named when both verified (docs/decisions.md "Both signatures present").
  const verifying =
    signatures.find((check) => check.mode === 'detached' && check.outcome === 'valid') ??
    signatures.find((check) => check.outcome === 'valid');
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    verdict,
    signatureMode: (verifying ?? signatures[0])?.mode ?? 'none',
    signer: verifying?.signer ?? null,
    keyId: verifying?.keyId ?? null,
    signatures,
    bundle: {
      sha256: archive?.sha256 ?? input.refusedFile?.sha256 ?? '',
      compressedBytes: archive?.compressedBytes ?? input.refusedFile?.compressedBytes ?? 0,
      uncompressedBytes: archive?.uncompressedBytes ?? 0,
      name: text(manifest?.name),
      version: text(manifest?.version),
      createdAt: text(manifest?.created_at),
      manifestFormat: input.manifestFormat,
    },
    counts: {
      entries: archive?.entryCount ?? 0,
      ruleFiles: input.ruleStats.files,
      validRules: input.ruleStats.valid,
      invalidRules: input.ruleStats.files - input.ruleStats.valid,
      ...counts,
    },
    findingCounts,
    findings,
    lenientWouldHelp: lenientWouldHelp(findings, input.lenientFixes),
    durationMs: Math.round(performance.now() - input.started),
  };
}

/** Errors make a bundle invalid; then signatures decide (docs/decisions.md "Untrusted = cannot be checked"). */
export function verdictOf(errors: number, signatures: readonly SignatureCheck[]): BundleVerdict {
  if (errors > 0) return 'invalid';
  if (signatures.length === 0) return 'valid-unsigned';
  if (signatures.every((check) => check.outcome === 'valid' && check.trusted)) return 'verified';
  return 'untrusted';
}

function countFindings(findings: readonly BundleFinding[]): {
  counts: { errors: number; warnings: number; infos: number };
  findingCounts: Partial<Record<FindingCode, number>>;
} {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  const findingCounts: Partial<Record<FindingCode, number>> = {};
  for (const finding of findings) {
    findingCounts[finding.code] = (findingCounts[finding.code] ?? 0) + 1;
    if (finding.severity === 'error') counts.errors += 1;
    else if (finding.severity === 'warning') counts.warnings += 1;
    else counts.infos += 1;
  }
  return { counts, findingCounts };
}

/** True when every error is in a rule file the lenient mapping would make valid. */
function lenientWouldHelp(
  findings: readonly BundleFinding[],
  fixes: ReadonlySet<string> | undefined,
): boolean {
  if (fixes === undefined || fixes.size === 0) return false;
  return findings
    .filter((finding) => finding.severity === 'error')
    .every((finding) => fixes.has(finding.path.split('#')[0]!));
}
