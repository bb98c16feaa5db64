import {
  CTS_POSTURES,
  CTS_STATUSES,
  ctsExtensionOf,
  type CtsTelemetry,
  type ObjectiveState,
} from '../../../shared/cts';
import { parseEvidenceReference, type EvidenceKind } from '../../../shared/ctsEvidence';

/** The Content-Type of the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const OBJECTIVE_STATES: readonly ObjectiveState[] = ['met', 'not_met', 'not_evidenced'];
const KINDS: readonly EvidenceKind[] = ['sha256', 'https', 's3', 'other'];

/**
 * `GET /cts/metrics` (OpenCTS §4): `opencts_compliance_score{framework}` as the spec names
 * it, and gauges named by Prometheus conventions where upstream's break them (docs/opencts.md
 * "Metrics"): states as a `state` label with 1 for the current one and 0 for the others
 * rather than a fraction (1/0.5/0); counts without `_total` (they are gauges, not
 * counters); times as `_timestamp_seconds`. Every family has HELP and TYPE.
 */
export function metricsText(input: {
  telemetry: CtsTelemetry;
  changedAtMs: number;
  frameworkChangedAt: ReadonlyMap<string, number>;
}): string {
  const { telemetry } = input;
  const out: string[] = [];
  const family = (name: string, help: string, lines: readonly string[]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines);
  };
  const frameworks = telemetry.frameworks;
  const extension = ctsExtensionOf(telemetry);
  family(
    'opencts_compliance_score',
    'Compliance score of a framework from 0 to 1: the mean of its controls (compliant 1, partial 0.5, non_compliant 0).',
    frameworks.map((f) => sample('opencts_compliance_score', { framework: f.name }, f.score)),
  );
  family(
    'opencts_posture',
    'The overall compliance posture: 1 for the current state, 0 for the others.',
    CTS_POSTURES.map((state) =>
      sample('opencts_posture', { state }, telemetry.compliance_posture === state ? 1 : 0),
    ),
  );
  family(
    'opencts_framework_status',
    "A framework's status: 1 for the current state, 0 for the others.",
    frameworks.flatMap((f) =>
      CTS_STATUSES.map((state) =>
        sample(
          'opencts_framework_status',
          { framework: f.name, state },
          f.status === state ? 1 : 0,
        ),
      ),
    ),
  );
  family(
    'opencts_controls',
    'Controls of a framework by state.',
    frameworks.flatMap((f) =>
      CTS_STATUSES.map((state) =>
        sample(
          'opencts_controls',
          { framework: f.name, state },
          (f.controls ?? []).filter((control) => control.status === state).length,
        ),
      ),
    ),
  );
  family(
    'opencts_control_status',
    "A control's status: 1 for the current state, 0 for the others.",
    frameworks.flatMap((f) =>
      (f.controls ?? []).flatMap((control) =>
        CTS_STATUSES.map((state) =>
          sample(
            'opencts_control_status',
            { framework: f.name, control: control.id, state },
            control.status === state ? 1 : 0,
          ),
        ),
      ),
    ),
  );
  family(
    'opencts_objectives',
    "CTP objectives mapped to a framework's controls, by state (met, not_met, not_evidenced).",
    (extension?.frameworks ?? []).flatMap((f) =>
      OBJECTIVE_STATES.map((state) => {
        let count = 0;
        for (const control of f.controls)
          for (const objective of control.objectives ?? []) if (objective.state === state) count++;
        return sample('opencts_objectives', { framework: f.name, state }, count);
      }),
    ),
  );
  family(
    'opencts_evidence_references',
    "Evidence references of a framework's controls, by kind (sha256, https, s3, other).",
    frameworks.flatMap((f) => {
      const refs = (f.controls ?? []).flatMap(
        (c) => c.evidence_refs ?? (c.evidence_ref === undefined ? [] : [c.evidence_ref]),
      );
      return kindCounts(refs).map(([kind, count]) =>
        sample('opencts_evidence_references', { framework: f.name, kind }, count),
      );
    }),
  );
  family(
    'opencts_posture_evidence_references',
    'Evidence references of the posture as a whole, by kind (sha256, https, s3, other).',
    kindCounts(telemetry.evidence_refs ?? []).map(([kind, count]) =>
      sample('opencts_posture_evidence_references', { kind }, count),
    ),
  );
  family(
    'opencts_last_change_timestamp_seconds',
    "When the telemetry's content last changed (its timestamp), in seconds since the Unix epoch.",
    [sample('opencts_last_change_timestamp_seconds', {}, input.changedAtMs / 1000)],
  );
  family(
    'opencts_framework_last_change_timestamp_seconds',
    "When a framework's status, score, controls or evidence last changed, in seconds since the Unix epoch.",
    frameworks.map((f) =>
      sample(
        'opencts_framework_last_change_timestamp_seconds',
        { framework: f.name },
        (input.frameworkChangedAt.get(f.name) ?? input.changedAtMs) / 1000,
      ),
    ),
  );
  return `${out.join('\n')}\n`;
}

function kindCounts(refs: readonly string[]): Array<[EvidenceKind, number]> {
  const counts = new Map<EvidenceKind, number>(KINDS.map((kind) => [kind, 0]));
  for (const ref of refs) {
    const kind = parseEvidenceReference(ref)?.kind ?? 'other';
    counts.set(kind, counts.get(kind)! + 1);
  }
  return [...counts];
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
  return `${name}${pairs.length === 0 ? '' : `{${pairs.join(',')}}`} ${formatValue(value)}`;
}

/** Text format 0.0.4: in label values, backslash, double quote and line feed are escaped. */
export function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
