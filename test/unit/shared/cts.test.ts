import { describe, expect, it } from 'vitest';

import {
  buildTelemetryBody,
  controlStatus,
  ctsEndpoints,
  ctsExtensionOf,
  frameworkOutcome,
  postureOf,
  readObjective,
  restrictToFrameworks,
  withTimestamp,
  type ComplianceMapping,
  type CtsStatus,
  type MeasurementFacts,
  type ObjectiveReading,
} from '../../../shared/cts';

const facts = (overrides: Partial<MeasurementFacts> = {}): MeasurementFacts => ({
  state: 'activated',
  hasObjective: true,
  hasResult: true,
  objectiveStatus: 'true',
  ...overrides,
});

describe('readObjective (SPEC-NOTES "OpenCTS")', () => {
  it.each<[string, MeasurementFacts | undefined, ObjectiveReading]>([
    ['true is met', facts(), { state: 'met' }],
    ['false is not met', facts({ objectiveStatus: 'false' }), { state: 'not_met' }],
    ['error', facts({ objectiveStatus: 'error' }), { state: 'not_evidenced', reason: 'error' }],
    [
      'no result',
      facts({ hasResult: false, objectiveStatus: 'false' }),
      { state: 'not_evidenced', reason: 'no_result' },
    ],
    ['pending', facts({ state: 'pending' }), { state: 'not_evidenced', reason: 'not_activated' }],
    [
      'deactivated',
      facts({ state: 'deactivated' }),
      { state: 'not_evidenced', reason: 'not_activated' },
    ],
    [
      'no objective',
      facts({ hasObjective: false }),
      { state: 'not_evidenced', reason: 'no_objective' },
    ],
    [
      'never evaluated',
      facts({ objectiveStatus: null }),
      { state: 'not_evidenced', reason: 'no_result' },
    ],
    ['gone', undefined, { state: 'not_evidenced', reason: 'missing' }],
  ])('%s', (_name, input, expected) => {
    expect(readObjective(input)).toEqual(expected);
  });
});

describe('controlStatus', () => {
  it.each<[ObjectiveReading['state'][], CtsStatus]>([
    [['met'], 'compliant'],
    [['met', 'met', 'met'], 'compliant'],
    [['met', 'not_met'], 'partial'],
    [['met', 'not_evidenced'], 'partial'],
    [['not_met', 'not_evidenced'], 'non_compliant'],
    [['not_evidenced'], 'non_compliant'],
    [[], 'non_compliant'],
  ])('%j → %s', (states, expected) => {
    expect(controlStatus(states)).toBe(expected);
  });
});

describe('frameworkOutcome', () => {
  it.each<[CtsStatus[], CtsStatus, number]>([
    [['compliant', 'compliant'], 'compliant', 1],
    [['non_compliant', 'non_compliant'], 'non_compliant', 0],
    [['compliant', 'partial', 'non_compliant', 'non_compliant'], 'partial', 0.375],
    [['partial'], 'partial', 0.5],
    [['compliant', 'compliant', 'non_compliant'], 'partial', 2 / 3],
  ])('%j → %s %d', (statuses, status, score) => {
    expect(frameworkOutcome(statuses)).toEqual({ status, score });
  });

  it('is exactly 1 only when every control is compliant, even among 20,000', () => {
    const statuses: CtsStatus[] = Array.from({ length: 20_000 }, () => 'compliant');
    statuses[7] = 'partial';
    const outcome = frameworkOutcome(statuses);
    expect(outcome.score).toBeLessThan(1);
    expect(outcome.status).toBe('partial');
    statuses.fill('non_compliant');
    statuses[3] = 'partial';
    expect(frameworkOutcome(statuses).score).toBeGreaterThan(0);
  });
});

describe('postureOf', () => {
  it.each<[CtsStatus[], boolean, string]>([
    [[], true, 'unknown'],
    [['compliant'], false, 'unknown'],
    [['compliant', 'compliant'], true, 'compliant'],
    [['non_compliant', 'non_compliant'], true, 'non_compliant'],
    [['compliant', 'non_compliant'], true, 'partially_compliant'],
    [['partial'], true, 'partially_compliant'],
  ])('%j evidenced=%s → %s', (statuses, evidenced, expected) => {
    expect(postureOf(statuses, evidenced)).toBe(expected);
  });
});

const mapping: ComplianceMapping = {
  frameworks: [
    {
      name: 'SOC2',
      controls: [
        { id: 'CC7.2', title: 'Monitoring', measurements: ['up', 'down'], evidenceRefs: [] },
        {
          id: 'CC1.1',
          measurements: [],
          status: 'compliant',
          evidenceRefs: ['https://e.example/a.pdf', 's3://b/k'],
        },
      ],
    },
    { name: 'ISO27001', status: 'compliant', controls: [] },
    { name: 'GDPR', controls: [{ id: 'Art.32', measurements: ['none'], evidenceRefs: [] }] },
  ],
  evidenceRefs: ['sha256:' + 'a'.repeat(64)],
};
const readings: Record<string, ObjectiveReading> = {
  up: { state: 'met' },
  down: { state: 'not_met' },
  none: { state: 'not_evidenced', reason: 'no_result' },
};

describe('buildTelemetryBody', () => {
  const body = buildTelemetryBody(
    mapping,
    (id) => readings[id] ?? { state: 'not_evidenced', reason: 'missing' },
  );

  it('gives each control, framework and the posture by the rules, in the mapping order', () => {
    expect(body.compliance_posture).toBe('partially_compliant');
    expect(body.frameworks.map((f) => [f.name, f.status, f.score])).toEqual([
      ['SOC2', 'partial', 0.75],
      ['ISO27001', 'compliant', 1],
      ['GDPR', 'non_compliant', 0],
    ]);
    expect(body.frameworks[0]!.controls).toEqual([
      { id: 'CC7.2', title: 'Monitoring', status: 'partial' },
      {
        id: 'CC1.1',
        status: 'compliant',
        evidence_ref: 'https://e.example/a.pdf',
        evidence_refs: ['https://e.example/a.pdf', 's3://b/k'],
      },
    ]);
    expect(body.frameworks[1]!.controls).toBeUndefined();
    expect(body.evidence_refs).toEqual(['sha256:' + 'a'.repeat(64)]);
  });

  it('says under extensions["trust-auditor"] which objectives drive each control', () => {
    const ours = ctsExtensionOf(body)!;
    expect(ours.objectives).toEqual({ met: 1, not_met: 1, not_evidenced: 1 });
    expect(ours.frameworks[0]!.controls[0]).toEqual({
      id: 'CC7.2',
      source: 'measured',
      objectives: [
        { measurement: 'up', state: 'met' },
        { measurement: 'down', state: 'not_met' },
      ],
    });
    expect(ours.frameworks[0]!.counts).toEqual({ compliant: 1, partial: 1, non_compliant: 0 });
    expect(ours.frameworks[1]).toMatchObject({ name: 'ISO27001', source: 'declared' });
    expect(ours.frameworks[2]!.controls[0]!.objectives).toEqual([
      { measurement: 'none', state: 'not_evidenced', reason: 'no_result' },
    ]);
  });

  it('is unknown when nothing is evidenced and with no frameworks', () => {
    const fresh = buildTelemetryBody(
      { frameworks: [mapping.frameworks[2]!], evidenceRefs: [] },
      () => ({ state: 'not_evidenced', reason: 'no_result' }),
    );
    expect(fresh.compliance_posture).toBe('unknown');
    expect(fresh.frameworks[0]!.status).toBe('non_compliant');
    expect(
      buildTelemetryBody({ frameworks: [], evidenceRefs: [] }, () => readings.up!),
    ).toMatchObject({
      compliance_posture: 'unknown',
      frameworks: [],
    });
  });

  it('restricts to some frameworks with the posture of those kept', () => {
    const telemetry = withTimestamp(body, '2026-01-01T00:00:00.000Z');
    expect(Object.keys(telemetry)).toEqual([
      'version',
      'timestamp',
      'compliance_posture',
      'frameworks',
      'evidence_refs',
      'extensions',
    ]);
    const iso = restrictToFrameworks(telemetry, new Set(['ISO27001']));
    expect(iso.compliance_posture).toBe('compliant');
    expect(iso.frameworks.map((f) => f.name)).toEqual(['ISO27001']);
    expect(iso.timestamp).toBe(telemetry.timestamp);
    expect(ctsExtensionOf(iso)!.frameworks.map((f) => f.name)).toEqual(['ISO27001']);
    const gdpr = restrictToFrameworks(telemetry, new Set(['GDPR']));
    expect(gdpr.compliance_posture).toBe('unknown');
    expect(ctsExtensionOf(gdpr)!.objectives).toEqual({ met: 0, not_met: 0, not_evidenced: 1 });
  });
});

describe('ctsEndpoints', () => {
  it('puts the endpoints at the origin of the CtpBase', () => {
    expect(ctsEndpoints('https://ctp.example.com:8443/ctp/')).toEqual({
      cts: 'https://ctp.example.com:8443/cts',
      metrics: 'https://ctp.example.com:8443/cts/metrics',
      attestation: 'https://ctp.example.com:8443/cts/attestation',
      keys: 'https://ctp.example.com:8443/cts/keys',
    });
  });
});
