import type {
  BundleFinding,
  BundleImportResult,
  BundleProgress,
  BundleReport,
} from '../../../shared/bundles';
import type { CliContext } from '../context';
import { printJson } from '../context';
import { progressBar } from '../progress';

/** Findings printed in the human-readable report before it points to `--json`. */
const MAX_PRINTED_FINDINGS = 100;

/** The verification report of `verify`, as the lines a person reads. */
export function printReport(
  context: CliContext,
  report: BundleReport,
  requireSignature: boolean,
): void {
  const out = (line: string): void => context.print(`${line}\n`);
  const verdictText: Record<BundleReport['verdict'], string> = {
    verified: 'VERIFIED',
    'valid-unsigned': requireSignature ? 'NOT VERIFIED (unsigned)' : 'VALID, UNSIGNED',
    untrusted: requireSignature
      ? 'NOT VERIFIED (untrusted signer)'
      : 'VALID, SIGNED BY AN UNTRUSTED KEY',
    invalid: 'INVALID',
  };
  out(
    `${verdictText[report.verdict]}: ${report.bundle.name ?? '(no name)'} ${report.bundle.version ?? ''}`.trimEnd(),
  );
  out(`  sha256     ${report.bundle.sha256 || '-'}`);
  out(
    `  signature  ${report.signatureMode}${report.keyId !== null ? `, key ${report.keyId}` : ''}${report.signer !== null ? `, signer ${JSON.stringify(report.signer)}` : ''}`,
  );
  for (const check of report.signatures) {
    out(
      `             ${check.mode}: ${check.outcome}${check.keyId ? ` (key ${check.keyId})` : ''}`,
    );
  }
  out(
    `  rules      ${report.counts.ruleFiles} files, ${report.counts.validRules} valid, ${report.counts.invalidRules} invalid`,
  );
  out(
    `  findings   ${report.counts.errors} errors, ${report.counts.warnings} warnings, ${report.counts.infos} notes`,
  );
  const codes = Object.entries(report.findingCounts);
  if (codes.length > 0) {
    out(`  by code    ${codes.map(([code, count]) => `${code} ${count}`).join(', ')}`);
  }
  printFindings(out, report.findings);
  if (report.lenientWouldHelp) {
    out('  hint       every error is a legacy rule shape that `import --lenient` maps');
  }
}

/** Every error and warning up to the limit; notes only when everything fits. */
function printFindings(out: (line: string) => void, findings: readonly BundleFinding[]): void {
  const shown = findings.filter(
    (finding) => finding.severity !== 'info' || findings.length <= MAX_PRINTED_FINDINGS,
  );
  for (const finding of shown.slice(0, MAX_PRINTED_FINDINGS)) out(formatFinding(finding));
  if (shown.length > MAX_PRINTED_FINDINGS) {
    out(
      `  … and ${shown.length - MAX_PRINTED_FINDINGS} more findings: run with --json to see every one.`,
    );
  }
}

function formatFinding(finding: BundleFinding): string {
  return `  ${finding.severity.padEnd(7)} ${finding.code} ${finding.path ? `${finding.path}: ` : ''}${finding.message}`;
}

/**
 * The outcome of `import`: a loud warning on stderr when unsigned or untrusted content
 * went in, then the result as JSON (its report without the notes) or as one summary line.
 */
export function printImportResult(
  context: CliContext,
  bundle: string,
  result: BundleImportResult,
  json: boolean,
): void {
  if (result.unsignedAllowed) {
    context.warn(
      `\n*** WARNING: imported ${result.report.verdict === 'untrusted' ? 'content signed by an UNTRUSTED key' : 'UNSIGNED content'} (${result.counts.total} rules from ${result.report.bundle.name ?? bundle}). Nothing proves who made these rules. ***\n\n`,
    );
  }
  if (json) {
    printJson(context, { ...result, report: summarizeReport(result.report) });
    return;
  }
  const { counts } = result;
  context.print(
    `Imported ${result.report.bundle.name ?? bundle} ${result.report.bundle.version ?? ''} (${result.report.verdict}, ${result.strategy}): ` +
      `${counts.inserted} new, ${counts.versioned} new versions, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.retired} retired.\n`,
  );
  const mapped = Object.entries(result.lenientMappings);
  if (mapped.length > 0) {
    context.print('Lenient mapping applied:\n');
    for (const [id, count] of mapped) context.print(`  ${id}: ${count} rules\n`);
  }
}

/** The report without its (possibly thousands of) notes, for the import result. */
function summarizeReport(
  report: BundleReport,
): Omit<BundleReport, 'findings'> & { findings: BundleFinding[] } {
  return { ...report, findings: report.findings.filter((finding) => finding.severity !== 'info') };
}

/** Reading the archive (KiB), then checking or importing rules (done/total). */
export function bundleProgressBar(context: CliContext) {
  return progressBar(context, (progress: BundleProgress) => {
    const fraction = progress.total > 0 ? progress.done / progress.total : 0;
    const percent = String(Math.round(Math.min(fraction, 1) * 100)).padStart(3);
    const work =
      progress.phase === 'read'
        ? `reading ${Math.round(progress.done / 1024)} KiB`
        : `${progress.phase === 'validate' ? 'checking' : 'importing'} ${progress.done}/${progress.total}`;
    return { fraction, label: `${percent}% ${work}`, final: progress.done === progress.total };
  });
}
