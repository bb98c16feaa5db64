/**
 * Claims against measurements (docs/opencts.md "Claims against measurements"): for each
 * control a vendor maps to CTP measurements (its `extensions["trust-auditor"]`), the status
 * it claims next to the status our own evaluation of the objectives we hold gives by the
 * same rules (shared/cts.ts). Pure.
 */
import {
  CTS_STATUSES,
  controlStatus,
  ctsExtensionOf,
  type ClaimVerdict,
  type ControlComparison,
  type CtsReading,
  type CtsStatus,
  type ObjectiveComparison,
  type ObjectiveReading,
  type ObjectiveState,
} from '../../../shared/cts';

/** Our evaluation of one mapped measurement, or null when we do not hold it. */
export type OurObjective = (measurementId: string) => {
  url: string;
  reading: ObjectiveReading;
  message: string | null;
} | null;

const ORDER: readonly ClaimVerdict[] = [
  'contradiction',
  'consistent',
  'agrees',
  'unverifiable',
  'declared',
];
const STATES: readonly string[] = ['met', 'not_met', 'not_evidenced'];

export function compareClaims(
  parsed: unknown,
  reading: CtsReading,
  ours: OurObjective,
): { claims: ControlComparison[]; verdicts: Record<ClaimVerdict, number> } {
  const extension = ctsExtensionOf(typeof parsed === 'object' && parsed !== null ? parsed : {});
  const claims: ControlComparison[] = [];
  for (const framework of list(extension?.frameworks).slice(0, 1_000)) {
    const name = typeof framework?.name === 'string' ? framework.name : null;
    const claimedFramework = reading.frameworks.find((f) => f.name === name);
    if (name === null || claimedFramework === undefined) continue;
    for (const control of list(framework.controls).slice(0, 20_000)) {
      if (typeof control?.id !== 'string') continue;
      const claimed = claimedFramework.controls.find((c) => c.id === control.id);
      if (claimed === undefined) continue;
      const base = {
        framework: name,
        control: control.id,
        title: claimed.title,
        claimed: claimed.status,
      };
      if (control.source === 'declared' || !Array.isArray(control.objectives)) {
        claims.push({
          ...base,
          ours: null,
          verdict: 'declared',
          explanation: 'Declared by the vendor; no CTP measurement backs it.',
          objectives: [],
        });
        continue;
      }
      claims.push({ ...base, ...judge(claimed.status, control.objectives.slice(0, 1_000), ours) });
    }
  }
  claims.sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict));
  const verdicts = Object.fromEntries(ORDER.map((verdict) => [verdict, 0])) as Record<
    ClaimVerdict,
    number
  >;
  for (const claim of claims) verdicts[claim.verdict]++;
  return { claims, verdicts };
}

function judge(
  claimed: string | null,
  mapped: unknown[],
  ours: OurObjective,
): Pick<ControlComparison, 'ours' | 'verdict' | 'explanation' | 'objectives'> {
  const objectives: ObjectiveComparison[] = [];
  for (const item of mapped) {
    const entry = item as { measurement?: unknown; state?: unknown };
    if (typeof entry?.measurement !== 'string') continue;
    const mine = ours(entry.measurement);
    objectives.push({
      measurement: entry.measurement.slice(0, 200),
      measurementUrl: mine?.url ?? null,
      claimed:
        typeof entry.state === 'string' && STATES.includes(entry.state)
          ? (entry.state as ObjectiveState)
          : null,
      ours: mine?.reading.state ?? 'not_held',
      reason: mine?.reading.reason ?? null,
      message: mine?.message ?? null,
    });
  }
  const held = objectives.filter((o) => o.ours !== 'not_held');
  const heldStates = held.map((o) => o.ours as ObjectiveState);
  const all = held.length === objectives.length && objectives.length > 0;
  const ourStatus: CtsStatus | null = all ? controlStatus(heldStates) : null;
  const outcome = (verdict: ClaimVerdict, explanation: string) => ({
    ours: ourStatus,
    verdict,
    explanation,
    objectives,
  });
  if (held.length === 0) {
    return outcome(
      'unverifiable',
      `We hold none of the ${objectives.length} mapped measurements (not visible to our token, or not synced yet).`,
    );
  }
  const disputed = held.find((o) => o.claimed !== null && o.claimed !== o.ours);
  if (disputed !== undefined) {
    return outcome(
      'contradiction',
      `The vendor reports ${disputed.measurement} as ${words(disputed.claimed!)}; our evaluation gives ${words(disputed.ours)}.`,
    );
  }
  if (claimed === null || !(CTS_STATUSES as readonly string[]).includes(claimed)) {
    return outcome(
      'unverifiable',
      `The vendor claims ${claimed === null ? 'no status' : `"${claimed.slice(0, 40)}", not a status`}.`,
    );
  }
  if (all) {
    return ourStatus === claimed
      ? outcome(
          'agrees',
          `We hold all ${held.length} mapped measurements and reach ${claimed} too.`,
        )
      : outcome('contradiction', `Claimed ${claimed}; the objectives we hold give ${ourStatus!}.`);
  }
  const unmet = held.find((o) => o.ours !== 'met');
  const met = held.find((o) => o.ours === 'met');
  if (claimed === 'compliant' && unmet !== undefined) {
    return outcome(
      'contradiction',
      `Claimed compliant, but ${unmet.measurement} is ${words(unmet.ours)} here (every mapped objective must be met).`,
    );
  }
  if (claimed === 'non_compliant' && met !== undefined) {
    return outcome(
      'contradiction',
      `Claimed non_compliant, but ${met.measurement} is met here (none may be).`,
    );
  }
  return outcome(
    'consistent',
    `We hold ${held.length} of ${objectives.length} mapped measurements; nothing we hold contradicts ${claimed}.`,
  );
}

function words(state: string): string {
  return state.replace(/_/g, ' ');
}

function list(value: unknown): Array<
  Record<string, unknown> & {
    id?: unknown;
    name?: unknown;
    source?: unknown;
    objectives?: unknown;
    controls?: unknown;
  }
> {
  return Array.isArray(value) ? value : [];
}
