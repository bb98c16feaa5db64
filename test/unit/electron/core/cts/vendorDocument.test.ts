import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createDocumentExaminer } from '../../../../../electron/core/cts/vendorDocument';

const SHARED = join(__dirname, '..', '..', '..', '..', '..', '..', 'shared', 'fixtures', 'opencts');
const examine = createDocumentExaminer();

describe('the OpenCTS schema a vendor document is examined against', () => {
  it('is the upstream file, byte for byte', () => {
    const ours = readFileSync(
      join(
        __dirname,
        '..',
        '..',
        '..',
        '..',
        '..',
        'electron',
        'core',
        'cts',
        'schema',
        'cts-schema.v1-2025-10-16.json',
      ),
    );
    expect(ours.equals(readFileSync(join(SHARED, 'cts-schema.v1-2025-10-16.json')))).toBe(true);
  });

  it('accepts the spec §3 example', () => {
    const example = {
      version: 'v1',
      timestamp: '2025-10-16T12:00:00Z',
      compliance_posture: 'partially_compliant',
      frameworks: [
        {
          name: 'SOC2',
          status: 'partial',
          score: 0.7,
          controls: [
            {
              id: 'CC1.1',
              title: 'Control Environment',
              status: 'partial',
              evidence_ref: 's3://evidence/soc2/cc1.1.pdf',
            },
          ],
        },
        { name: 'ISO27001', status: 'compliant', score: 1.0 },
      ],
      evidence_refs: ['s3://compliance-bucket/account123/soc2.zip'],
    };
    expect(examine(JSON.stringify(example))).toMatchObject({ valid: true, problems: [] });
  });

  it.each([
    [
      'payment-saas-example.json',
      [
        '(root): has "organization", which the schema does not allow here',
        'evidence_refs[0]: must be string',
      ],
    ],
    [
      'healthcare-saas-example.json',
      ['(root): has "control_mappings", which the schema does not allow here'],
    ],
    [
      'integration-platform-example.json',
      ['(root): has "service_commitments", which the schema does not allow here'],
    ],
    [
      'vendor-extension-example.json',
      [
        '(root): has "$schema", which the schema does not allow here',
        '(root): has "x-acme-tenant-id", which the schema does not allow here',
      ],
    ],
  ])('finds upstream %s invalid, saying why, and still reads it', (file, reasons) => {
    const examined = examine(readFileSync(join(SHARED, 'examples-upstream', file), 'utf8'));
    expect(examined.valid).toBe(false);
    expect(examined.problems).toEqual(expect.arrayContaining(reasons));
    expect(examined.reading.frameworks.length).toBeGreaterThan(0);
    expect(examined.reading.frameworks[0]!.controls.length).toBeGreaterThan(0);
  });

  it('names the JSON path of each problem and bounds their number', () => {
    const bad = {
      version: 'v1.1',
      timestamp: 'yesterday',
      compliance_posture: 'fine',
      frameworks: Array.from({ length: 100 }, () => ({ name: 'X', status: 'ok', score: 2 })),
    };
    const { problems } = examine(JSON.stringify(bad));
    expect(problems.slice(0, 4)).toEqual([
      'version: must match pattern "^v[0-9]+$"',
      'timestamp: must match format "date-time"',
      'compliance_posture: must be one of "compliant", "partially_compliant", "non_compliant", "unknown"',
      'frameworks[0].status: must be one of "compliant", "partial", "non_compliant"',
    ]);
    expect(problems).toHaveLength(50);
  });
});
