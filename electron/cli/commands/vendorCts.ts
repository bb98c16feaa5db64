import { basename } from 'node:path';

import type { Command } from 'commander';

import type { VendorCts } from '../../../shared/cts';
import type { EvidenceFileCheck, VendorEvidence } from '../../../shared/ctsEvidence';
import { printJson, type CliContext } from '../context';
import { hashInputFile } from '../inputs';
import { progressBar } from '../progress';
import { formatScore } from './cts';

/** Attestation outcomes that mean the vendor's telemetry cannot be trusted as it is. */
const FAILED_ATTESTATIONS = new Set(['invalid', 'mismatch', 'key_changed']);

/**
 * `vendor cts NAME [--json] [--accept-key KID]` and `vendor evidence NAME [--check FILE...]
 * [--fetch] [--json]` (DESIGN "Command line"), registered by registerVendorCommands.
 * Offline but for `--fetch`. Exit 1 when the checked thing failed: an invalid document, an
 * attestation that does not hold, a contradicted claim; an evidence mismatch or a file that
 * matches no reference.
 */
export function registerVendorCtsCommands(vendor: Command, context: CliContext): void {
  vendor
    .command('cts')
    .description(
      "the vendor's OpenCTS telemetry as its syncs kept it, checked against our CTP data",
    )
    .argument('<name>')
    .option('--json', 'print one JSON document')
    .option(
      '--accept-key <kid>',
      'pin the attestation key the vendor changed to (after confirming it)',
    )
    .action(
      async (name: string, options: { json?: boolean; acceptKey?: string }, command: Command) => {
        const auditor = await (await context.modules(command).cts()).auditor();
        if (options.acceptKey !== undefined) {
          auditor.acceptKey(name, options.acceptKey);
          context.warn(`Pinned key ${options.acceptKey} for ${name}.\n`);
        }
        const view = auditor.view(name);
        if (options.json === true) printJson(context, view);
        else context.print(describeVendorCts(view));
        const failed =
          view.current?.valid === false ||
          FAILED_ATTESTATIONS.has(view.attestation?.status ?? '') ||
          view.verdicts.contradiction > 0;
        if (failed) context.exitCode = 1;
      },
    );

  vendor
    .command('evidence')
    .description("the evidence references of the vendor's telemetry and what is known of each")
    .argument('<name>')
    .option('--check <files...>', 'compare files with the references (hashed here, never uploaded)')
    .option(
      '--fetch',
      'download the https references (bounded) and compare them with their digests',
    )
    .option('--json', 'print one JSON document')
    .action(
      async (
        name: string,
        options: { check?: string[]; fetch?: boolean; json?: boolean },
        command: Command,
      ) => {
        const files = [];
        for (const path of options.check ?? []) {
          files.push({ name: basename(path), ...(await hashInputFile(path, 'the evidence file')) });
        }
        const auditor = await (await context.modules(command).cts()).auditor();
        let checked: EvidenceFileCheck[] = [];
        if (files.length > 0) checked = auditor.checkFiles(name, files).files;
        if (options.fetch === true) {
          const bar = progressBar(context, ([done, total]: [number, number]) => ({
            fraction: total === 0 ? 1 : done / total,
            prefix: name,
            label: `${done}/${total} downloads`,
          }));
          await auditor.fetchEvidence(name, (done, total) => bar.update([done, total]));
          bar.done();
        }
        const evidence = auditor.evidence(name);
        if (options.json === true) printJson(context, { ...evidence, checked });
        else context.print(describeEvidence(evidence, checked));
        if (evidence.counts.mismatch > 0 || checked.some((file) => file.outcome === 'unmatched')) {
          context.exitCode = 1;
        }
      },
    );
}

/** `vendor cts` in words: the document, its attestation, the claims, the history. */
export function describeVendorCts(view: VendorCts): string {
  const lines = [`${view.vendor}: telemetry at ${view.url}`];
  if (view.lastRead === null) lines.push('Not read yet: `vendor sync` reads it.');
  else
    lines.push(
      `Last read ${view.lastRead.at}: ${view.lastRead.status}${view.lastRead.message === null ? '' : ` (${view.lastRead.message})`}`,
    );
  const current = view.current;
  if (current !== null) {
    lines.push(
      `Document ${current.sha256.slice(0, 16)}… first seen ${current.firstSeenAt}: ${current.valid ? 'valid' : 'INVALID against the OpenCTS v1 schema'}`,
      ...current.problems.map((problem) => `  ${problem}`),
      `Posture ${current.reading.posture ?? '(none)'} (timestamp ${current.reading.timestamp ?? '(none)'})`,
      ...current.reading.frameworks.map(
        (f) =>
          `  ${f.name}: ${f.status ?? '(no status)'}, score ${f.score === null ? '(none)' : formatScore(f.score)}, ${f.controls.length} controls`,
      ),
    );
  }
  if (view.attestation !== null) {
    const a = view.attestation;
    lines.push(
      `Attestation ${a.status.toUpperCase()}${a.kid === null ? '' : ` (key ${a.kid})`}${a.message === null ? '' : `: ${a.message}`}`,
    );
  }
  for (const key of view.keys.filter((k) => k.status === 'offered')) {
    lines.push(
      `  KEY CHANGED: offered key ${key.kid} (thumbprint ${key.thumbprint}) since ${key.firstSeenAt}; accept with --accept-key ${key.kid}`,
    );
  }
  const v = view.verdicts;
  lines.push(
    view.claims.length === 0
      ? 'Claims: the telemetry maps no control to CTP measurements.'
      : `Claims against our CTP data: ${v.contradiction} contradicted, ${v.consistent} consistent, ${v.agrees} agree, ${v.unverifiable} unverifiable, ${v.declared} declared`,
  );
  for (const claim of view.claims.filter((c) => c.verdict !== 'declared')) {
    lines.push(
      `  ${claim.verdict.toUpperCase()} ${claim.framework} ${claim.control}: ${claim.explanation}`,
    );
    if (claim.verdict === 'contradiction') {
      for (const o of claim.objectives) {
        lines.push(
          `    ${o.measurement}: vendor ${o.claimed ?? '?'}, ours ${o.ours}${o.message === null ? '' : ` (${o.message})`}`,
        );
      }
    }
  }
  lines.push(`History: ${view.history.length} change${view.history.length === 1 ? '' : 's'} seen`);
  for (const entry of view.history.slice(-10)) {
    const scores = entry.frameworks
      .map((f) => `${f.name} ${f.score === null ? '-' : formatScore(f.score)}`)
      .join(', ');
    lines.push(
      `  ${entry.seenAt} ${entry.posture ?? '(none)'}${entry.valid ? '' : ' (invalid)'} ${scores} [attestation ${entry.attestation.status}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `vendor evidence` in words: each reference by status, then the files checked. */
export function describeEvidence(
  evidence: VendorEvidence,
  checked: readonly EvidenceFileCheck[],
): string {
  const lines: string[] = [];
  if (evidence.documentId === null)
    lines.push(`${evidence.vendor}: no telemetry kept yet (vendor sync reads it).`);
  else if (evidence.items.length === 0)
    lines.push(`${evidence.vendor}: the telemetry references no evidence.`);
  for (const item of evidence.items) {
    const r = item.reference;
    lines.push(
      `${item.status.toUpperCase().padEnd(12)} ${r.kind.padEnd(6)} ${r.text} (${item.where.join('; ')})${item.detail === null ? '' : `\n${' '.repeat(20)}${item.detail}`}`,
    );
  }
  for (const file of checked) {
    lines.push(
      `file ${file.name} sha256:${file.sha256}: ${file.outcome}${file.references.length === 0 ? '' : ` (${file.references.join(', ')})`}`,
    );
  }
  const counts = Object.entries(evidence.counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  if (counts.length > 0) lines.push(counts.join(', '));
  return `${lines.join('\n')}\n`;
}
