import { describe, expect, it } from 'vitest';

import type { CtsReading, ObjectiveReading } from '../../../../../shared/cts';
import { compareClaims } from '../../../../../electron/core/cts/claims';

/** A vendor document claiming `claimed` for one control mapped to `objectives` (id → claimed state). */
function documentOf(claimed: string, objectives: Record<string, string>) {
  const parsed = {
    extensions: {
      'trust-auditor': {
        frameworks: [
          {
            name: 'SOC2',
            source: 'measured',
            controls: [
              {
                id: 'C1',
                source: 'measured',
                objectives: Object.entries(objectives).map(([measurement, state]) => ({
                  measurement,
                  state,
                })),
              },
              { id: 'C2', source: 'declared' },
            ],
          },
        ],
      },
    },
  };
  const reading: CtsReading = {
    posture: null,
    timestamp: null,
    evidenceRefs: [],
    frameworks: [
      {
        name: 'SOC2',
        status: null,
        score: null,
        controls: [
          { id: 'C1', title: 'One', status: claimed, evidenceRefs: [] },
          { id: 'C2', title: null, status: 'compliant', evidenceRefs: [] },
        ],
      },
    ],
  };
  return { parsed, reading };
}

const ours = (held: Record<string, ObjectiveReading['state']>) => (id: string) =>
  held[id] === undefined
    ? null
    : {
        url: `https://v.example/ctp/measurements/${id}`,
        reading: { state: held[id]! },
        message: null,
      };

describe('compareClaims', () => {
  it.each([
    [
      'compliant',
      { a: 'met', b: 'met' },
      { a: 'met', b: 'met' },
      'agrees',
      'compliant',
      'We hold all 2 mapped measurements and reach compliant too.',
    ],
    ['partial', { a: 'met', b: 'not_met' }, { a: 'met', b: 'not_met' }, 'agrees', 'partial', null],
    [
      'compliant',
      { a: 'met', b: 'met' },
      { a: 'met', b: 'not_met' },
      'contradiction',
      'partial',
      'The vendor reports b as met; our evaluation gives not met.',
    ],
    [
      'compliant',
      { a: 'met' },
      { a: 'not_evidenced' },
      'contradiction',
      'non_compliant',
      'The vendor reports a as met; our evaluation gives not evidenced.',
    ],
    [
      'non_compliant',
      { a: 'bogus' },
      { a: 'met' },
      'contradiction',
      'compliant',
      'Claimed non_compliant; the objectives we hold give compliant.',
    ],
    [
      'compliant',
      { a: 'bogus', b: 'met' },
      { a: 'not_met' },
      'contradiction',
      null,
      'Claimed compliant, but a is not met here (every mapped objective must be met).',
    ],
    [
      'non_compliant',
      { a: 'bogus', b: 'x' },
      { a: 'met' },
      'contradiction',
      null,
      'Claimed non_compliant, but a is met here (none may be).',
    ],
    [
      'partial',
      { a: 'met', b: 'not_met' },
      { a: 'met' },
      'consistent',
      null,
      'We hold 1 of 2 mapped measurements; nothing we hold contradicts partial.',
    ],
    [
      'compliant',
      { a: 'met' },
      {},
      'unverifiable',
      null,
      'We hold none of the 1 mapped measurements (not visible to our token, or not synced yet).',
    ],
    [
      'excellent',
      { a: 'bogus' },
      { a: 'met' },
      'unverifiable',
      'compliant',
      'The vendor claims "excellent", not a status.',
    ],
  ] as const)(
    'claimed %s, vendor %j, ours %j → %s',
    (claimed, vendor, held, verdict, ourStatus, explanation) => {
      const { parsed, reading } = documentOf(claimed, vendor);
      const { claims, verdicts } = compareClaims(
        parsed,
        reading,
        ours(held as Record<string, ObjectiveReading['state']>),
      );
      expect(claims[0]).toMatchObject({
        framework: 'SOC2',
        control: 'C1',
        title: 'One',
        claimed,
        verdict,
        ours: ourStatus,
      });
      if (explanation !== null) expect(claims[0]!.explanation).toBe(explanation);
      expect(claims[1]).toMatchObject({ control: 'C2', verdict: 'declared', ours: null });
      expect(verdicts[verdict]).toBe(1);
    },
  );

  it('has nothing to compare without our extension, and ignores what it cannot read', () => {
    const { reading } = documentOf('compliant', {});
    expect(compareClaims({}, reading, ours({})).claims).toEqual([]);
    expect(compareClaims(null, reading, ours({})).claims).toEqual([]);
    const odd = {
      extensions: {
        'trust-auditor': {
          frameworks: [
            {
              name: 'SOC2',
              controls: [{ id: 'C1', objectives: [{ measurement: 7 }, 'x'] }, { id: 99 }, null],
            },
            'x',
          ],
        },
      },
    };
    expect(compareClaims(odd, reading, ours({})).claims.map((c) => [c.control, c.verdict])).toEqual(
      [['C1', 'unverifiable']],
    );
  });

  it('puts contradictions first', () => {
    const { parsed, reading } = documentOf('compliant', { a: 'met' });
    const { claims } = compareClaims(parsed, reading, ours({ a: 'not_met' }));
    expect(claims.map((c) => c.verdict)).toEqual(['contradiction', 'declared']);
  });
});
