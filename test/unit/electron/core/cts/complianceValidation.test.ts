import { describe, expect, it } from 'vitest';

import { validateCompliance } from '../../../../../electron/core/cts/complianceValidation';

function check(value: unknown) {
  const problems: string[] = [];
  const input = validateCompliance(value, (path, message) => problems.push(`${path}: ${message}`));
  return { input, problems };
}

const HEX = 'a'.repeat(64);

describe('validateCompliance (DESIGN "Provider data")', () => {
  it('reads frameworks, controls, references and the measurement ids with their paths', () => {
    const { input, problems } = check({
      frameworks: [
        {
          name: 'SOC2',
          controls: [
            {
              id: 'CC7.2',
              title: 'Monitoring',
              measurements: ['m1', 'm2'],
              evidence_ref: `sha256:${HEX.toUpperCase()}`,
            },
            {
              id: 'CC1.1',
              status: 'compliant',
              evidence_refs: ['https://e.example/a.pdf', 's3://b/k', 'https://e.example/a.pdf'],
            },
          ],
        },
        { name: 'ISO27001', status: 'partial' },
      ],
      evidence_refs: ['https://e.example/report.pdf'],
    });
    expect(problems).toEqual([]);
    expect(input!.mapping).toEqual({
      frameworks: [
        {
          name: 'SOC2',
          controls: [
            {
              id: 'CC7.2',
              title: 'Monitoring',
              measurements: ['m1', 'm2'],
              evidenceRefs: [`sha256:${HEX}`],
            },
            {
              id: 'CC1.1',
              measurements: [],
              status: 'compliant',
              evidenceRefs: ['https://e.example/a.pdf', 's3://b/k'],
            },
          ],
        },
        { name: 'ISO27001', controls: [], status: 'partial' },
      ],
      evidenceRefs: ['https://e.example/report.pdf'],
    });
    expect(input!.references).toEqual([
      { measurement: 'm1', path: 'compliance.frameworks[0].controls[0].measurements[0]' },
      { measurement: 'm2', path: 'compliance.frameworks[0].controls[0].measurements[1]' },
    ]);
  });

  it('has nothing to say when the section is absent', () => {
    expect(check(undefined)).toEqual({ input: undefined, problems: [] });
  });

  it.each([
    [[], 'compliance: must be an object'],
    [{}, 'compliance.frameworks: is required (an array)'],
    [
      { frameworks: [], extra: 1 },
      'compliance.extra: is not a known property (known: frameworks, evidence_refs)',
    ],
    [
      {
        frameworks: [
          { name: 'SOC2', status: 'compliant' },
          { name: 'soc2', status: 'partial' },
        ],
      },
      'compliance.frameworks[1].name: framework "soc2" is named twice',
    ],
    [
      { frameworks: [{ name: 'SOC2' }] },
      'compliance.frameworks[0]: needs controls, or a declared "status" when it maps none',
    ],
    [
      {
        frameworks: [
          { name: 'SOC2', status: 'compliant', controls: [{ id: 'a', status: 'compliant' }] },
        ],
      },
      'compliance.frameworks[0].status: a framework with controls takes its status from them: remove it',
    ],
    [
      {
        frameworks: [
          {
            name: 'S',
            controls: [
              { id: 'a', status: 'compliant' },
              { id: 'a', status: 'partial' },
            ],
          },
        ],
      },
      'compliance.frameworks[0].controls[1].id: control "a" is listed twice',
    ],
    [
      {
        frameworks: [
          { name: 'S', controls: [{ id: 'a', measurements: ['m1'], status: 'compliant' }] },
        ],
      },
      'compliance.frameworks[0].controls[0].status: a control with measurements takes its status from them: remove it',
    ],
    [
      { frameworks: [{ name: 'S', controls: [{ id: 'a' }] }] },
      'compliance.frameworks[0].controls[0]: needs "measurements" (CTP ids), or a declared "status"',
    ],
    [
      { frameworks: [{ name: 'S', controls: [{ id: 'a', status: 'unknown' }] }] },
      'compliance.frameworks[0].controls[0].status: must be "compliant", "partial" or "non_compliant" (OpenCTS §3)',
    ],
    [
      { frameworks: [{ name: 'S', controls: [{ id: 'a', measurements: ['m 1'] }] }] },
      "compliance.frameworks[0].controls[0].measurements[0]: must be a measurement's CTP id (its `id` in this file or on the server)",
    ],
    [
      { frameworks: [{ name: 'S', controls: [{ id: 'a', measurements: ['m1', 'm1'] }] }] },
      'compliance.frameworks[0].controls[0].measurements[1]: measurement "m1" is listed twice',
    ],
    [
      {
        frameworks: [
          { name: 'S', controls: [{ id: 'a', status: 'compliant', evidence_ref: 'sha256:abc' }] },
        ],
      },
      'compliance.frameworks[0].controls[0].evidence_ref: a sha256: reference needs exactly 64 hex digits',
    ],
    [
      { frameworks: [], evidence_refs: ['http://e.example/r.pdf'] },
      'compliance.evidence_refs[0]: must be sha256:<64 hex digits>, an https:// URL or an s3://bucket/key location (OpenCTS §5)',
    ],
    [
      { frameworks: [{ name: ' ', status: 'compliant' }] },
      'compliance.frameworks[0].name: must not be empty',
    ],
    [
      { frameworks: [{ name: 'x'.repeat(201), status: 'compliant' }] },
      'compliance.frameworks[0].name: is longer than 200 characters',
    ],
  ])('%j → %s', (value, expected) => {
    expect(check(value).problems).toContain(expected);
  });

  it('bounds the number of frameworks and controls', () => {
    const many = check({
      frameworks: Array.from({ length: 101 }, (_, i) => ({ name: `F${i}`, status: 'compliant' })),
    });
    expect(many.problems).toContain(
      'compliance.frameworks: has 101 items; at most 100 are allowed',
    );
    expect(many.input!.mapping.frameworks).toHaveLength(100);
  });
});
