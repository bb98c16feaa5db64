import type { Command } from 'commander';

import { ctsExtensionOf, type CtsTelemetry, type ExtensionControl } from '../../../shared/cts';
import { printJson, type CliContext } from '../context';

/**
 * `trust-auditor cts [--json]` (DESIGN "Command line"): the telemetry this server publishes,
 * exactly as `GET /cts` serves it with `--json`, else a summary that says what drives each
 * control. Computed from server.db as it is now (the server need not run).
 */
export function registerCtsCommand(program: Command, context: CliContext): void {
  program
    .command('cts')
    .description('the OpenCTS telemetry this server publishes (GET /cts)')
    .option('--json', 'print the telemetry document as GET /cts serves it')
    .action(async (options: { json?: boolean }, command: Command) => {
      const cts = await context.modules(command).cts();
      const published = await cts.provider().telemetry.refresh();
      if (options.json === true) printJson(context, published.telemetry);
      else context.print(describeTelemetry(published.telemetry));
    });
}

/** The human summary: posture, each framework's score, each control and its objectives. */
export function describeTelemetry(telemetry: CtsTelemetry): string {
  const lines = [`Posture ${telemetry.compliance_posture} (since ${telemetry.timestamp})`];
  if (telemetry.frameworks.length === 0) {
    lines.push('No frameworks: import a provider file with a "compliance" section.');
  }
  const extension = ctsExtensionOf(telemetry);
  telemetry.frameworks.forEach((framework, index) => {
    const controls = framework.controls ?? [];
    lines.push(
      `${framework.name}: ${framework.status}, score ${formatScore(framework.score)}${controls.length === 0 ? ' (declared)' : `, ${controls.length} controls`}`,
    );
    const drivers = new Map(
      (extension?.frameworks[index]?.controls ?? []).map((control) => [control.id, control]),
    );
    for (const control of controls) {
      const title = control.title === undefined ? '' : ` ${control.title}`;
      lines.push(
        `  ${control.id}${title}: ${control.status}${drivesText(drivers.get(control.id))}`,
      );
    }
  });
  for (const ref of telemetry.evidence_refs ?? []) lines.push(`Evidence ${ref}`);
  return `${lines.join('\n')}\n`;
}

function drivesText(control: ExtensionControl | undefined): string {
  if (control === undefined) return '';
  if (control.source === 'declared') return ' (declared)';
  const objectives = (control.objectives ?? []).map(
    (objective) =>
      `${objective.measurement} ${objective.state}${objective.reason === undefined ? '' : ` (${objective.reason})`}`,
  );
  return ` ← ${objectives.join(', ')}`;
}

export function formatScore(score: number): string {
  return (Math.floor(score * 1000) / 1000).toFixed(3);
}
