import { describe, expect, it } from 'vitest';

import { argumentValidator } from '../../../shared/api';
import { historyToCsv } from '../../../shared/client';

const refused = expect.objectContaining({ code: 'APP_INVALID_ARGUMENT' });
const FINGERPRINT = 'AB:'.repeat(31) + 'AB';

describe('the vendors calls check every argument (never trust the renderer)', () => {
  it.each([
    [
      'vendors.add',
      { name: 'acme', url: 'https://x/ctp/', token: null, trust: { kind: 'system' } },
    ],
    [
      'vendors.add',
      {
        name: '<b>Acme</b>',
        url: 'https://x/ctp/',
        token: 't0k3n',
        trust: { kind: 'fingerprint', sha256: FINGERPRINT },
      },
    ],
    ['vendors.edit', { name: 'acme' }],
    ['vendors.edit', { name: 'acme', token: null, trust: { kind: 'ca', caPem: 'PEM' } }],
    ['vendors.probe', { url: 'https://x/ctp/' }],
    ['vendors.measurement', { name: 'acme', url: 'https://x/ctp/measurements/m1' }],
    ['vendors.history', { name: 'acme', url: 'https://x/ctp/measurements/m1' }],
    ['vendors.addAuthority', { kind: 'key', id: 'monitor', material: 'PEM' }],
    ['vendors.addAuthority', { kind: 'ca', material: 'PEM' }],
    ['vendors.removeAuthority', { kind: 'ca', id: FINGERPRINT }],
    ['vendors.cancelSync', { name: 'acme' }],
  ] as const)('%s accepts %j', (call, argument) => {
    expect(argumentValidator(call)(argument)).toEqual(argument);
  });

  it.each([
    ['vendors.add', { name: 'acme', url: 'https://x/ctp/', trust: { kind: 'system' } }],
    ['vendors.add', { name: 'acme', url: 'https://x/ctp/', token: null, trust: { kind: 'any' } }],
    [
      'vendors.add',
      { name: 'acme', url: 'https://x/ctp/', token: null, trust: { kind: 'system', caPem: 'x' } },
    ],
    [
      'vendors.add',
      { name: 'acme', url: 'x'.repeat(2049), token: null, trust: { kind: 'system' } },
    ],
    [
      'vendors.add',
      { name: 'acme', url: 'https://x/', token: 'x'.repeat(4097), trust: { kind: 'system' } },
    ],
    ['vendors.add', { name: 'a\u0000', url: 'https://x/', token: null, trust: { kind: 'system' } }],
    ['vendors.edit', { name: 'acme', admin: true }],
    ['vendors.edit', { name: 'acme', token: 42 }],
    ['vendors.probe', { url: '' }],
    ['vendors.probe', 'https://x/'],
    ['vendors.measurement', { name: 'acme' }],
    ['vendors.history', { name: 'acme', url: 7 }],
    ['vendors.addAuthority', { kind: 'jwk', material: 'x' }],
    ['vendors.addAuthority', { kind: 'key', material: 'x'.repeat(256 * 1024 + 1) }],
    ['vendors.removeAuthority', { kind: 'key' }],
    ['vendors.addDemo', { name: 'x' }],
  ] as const)('%s refuses %j', (call, argument) => {
    expect(() => argumentValidator(call)(argument)).toThrow(refused);
  });
});

describe('historyToCsv', () => {
  it('writes one line per result row, quoting what needs it and defusing formulas', () => {
    const csv = historyToCsv({
      resultFormat: [
        { name: 'severity', type: 'string' },
        { name: 'count', type: 'number' },
      ],
      points: [
        {
          updateTime: '2026-01-01T00:00:00Z',
          firstSeenAt: '2026-01-01T00:01:00Z',
          value: [
            { severity: 'high, "urgent"', count: 2 },
            { severity: '=HYPERLINK("x")', count: -1 },
            { severity: 'a\u001b]52;c;evil\u0007\u202eb', count: 0 },
          ],
          authorityId: null,
          signature: 'unsigned',
          outcome: 'false',
        },
        {
          updateTime: null,
          firstSeenAt: '2026-01-02T00:00:00Z',
          value: [],
          authorityId: 'monitor',
          signature: 'verified',
          outcome: null,
        },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'updateTime,firstSeenAt,row,severity,count,authorityId,signature,outcome',
      '2026-01-01T00:00:00Z,2026-01-01T00:01:00Z,0,"high, ""urgent""",2,,unsigned,false',
      `2026-01-01T00:00:00Z,2026-01-01T00:01:00Z,1,"'=HYPERLINK(""x"")",-1,,unsigned,false`,
      '2026-01-01T00:00:00Z,2026-01-01T00:01:00Z,2,a\\u001B]52;c;evil\\u0007\\u202Eb,0,,unsigned,false',
      ',2026-01-02T00:00:00Z,0,,,monitor,verified,',
      '',
    ]);
  });
});
