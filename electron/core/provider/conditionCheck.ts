import type { ResultColumn } from '../../../shared/ctp/types';
import { compileCondition, formatDiagnostic } from '../../../shared/ctpscript';

/**
 * The one check a condition passes when it is created: a trigger's (CTP 5.2.16), an
 * objective set through the admin API or imported with the provider data. Returns null
 * when the condition is accepted, else why not, with position and suggestion
 * (SPEC-NOTES "Triggers"): `1:1: unknown function "matchRegex"; did you mean matchRegexp?`.
 *
 * `resultFormat` is the measurement's metric's: with it, a condition whose worst case on
 * the largest result the server accepts cannot fit the evaluation's step budget is
 * refused too (docs/ctpscript.md "Work budget"); undefined when not known yet (an import
 * whose metric is on the server is checked again once it is looked up).
 */
export function checkCondition(
  source: string,
  resultFormat: readonly ResultColumn[] | undefined,
): string | null {
  const compiled = compileCondition(
    source,
    resultFormat === undefined ? undefined : { resultFormat },
  );
  if (compiled.ok) return null;
  const first = compiled.diagnostics[0];
  return first === undefined ? 'does not compile' : formatDiagnostic(source, first);
}
