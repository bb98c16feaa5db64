import type { ResultColumn } from '../../../shared/ctp/types';
import { compileCondition, formatDiagnostic } from '../../../shared/ctpscript';

/**
 * The one check a condition passes when it is created: a trigger's (CTP 5.2.16), an
 * objective set through the admin API or imported with the provider data. Returns null
 * when the condition is accepted, else why not, with position and suggestion
 * (SPEC-NOTES "Triggers"): `1:1: unknown function "matchRegex"; did you mean matchRegexp?`.
 *
 * `resultFormat` is the measurement's metric's (undefined when not known yet): checks
 * that depend on the shape of the results a condition will meet belong here.
 */
export function checkCondition(
  source: string,
  _resultFormat: readonly ResultColumn[] | undefined,
): string | null {
  const compiled = compileCondition(source);
  if (compiled.ok) return null;
  const first = compiled.diagnostics[0];
  return first === undefined ? 'does not compile' : formatDiagnostic(source, first);
}
