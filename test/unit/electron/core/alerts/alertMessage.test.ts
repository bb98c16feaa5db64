import { describe, expect, it } from 'vitest';

import {
  classifyAlertBody,
  MAX_ALERT_BODY_BYTES,
} from '../../../../../electron/core/alerts/listener/alertMessage';

const BASE = 'https://ctp.acme.example/ctp/';
const vendors = [
  { id: 1, baseUrl: BASE },
  { id: 2, baseUrl: 'https://ctp.other.example/' },
];

function entry(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    self: `${BASE}logs/l1`,
    scope: `${BASE}serviceViews/sv1`,
    trigger: `${BASE}triggers/t1`,
    creationTime: '2026-01-01T00:00:00Z',
    result: { value: [{ percentage: 98 }], updateTime: '2026-01-01T00:00:00Z' },
    tags: ['sla'],
    ...overrides,
  });
}

describe('what an incoming message is (pure)', () => {
  it('matches a normal and an error log entry to the vendor serving all their links', () => {
    expect(classifyAlertBody(entry(), vendors)).toMatchObject({
      origin: 'vendor',
      vendorId: 1,
      kind: 'normal',
    });
    const error = entry({ result: undefined, error: 'field read on null', tags: ['error'] });
    expect(classifyAlertBody(error, vendors)).toMatchObject({ origin: 'vendor', kind: 'error' });
  });

  it('breaks a tie between two vendors on one server by the workspace holding the scope', () => {
    const twins = [
      { id: 3, baseUrl: BASE },
      { id: 4, baseUrl: BASE },
    ];
    expect(classifyAlertBody(entry(), twins, (id) => id === 4)).toMatchObject({ vendorId: 4 });
    expect(classifyAlertBody(entry(), twins)).toMatchObject({ vendorId: 3 });
  });

  it.each([
    ['a link at another origin', { trigger: 'https://evil.example/ctp/triggers/t' }],
    ['a self outside logs/', { self: `${BASE}measurements/m1` }],
    ['a link that leaves the base by ..', { self: `${BASE}../logs/x` }],
    ['an unknown vendor', { self: 'https://x.example/ctp/logs/l', scope: null, trigger: null }],
  ])('keeps an entry with %s as unknown', (_label, overrides) => {
    expect(classifyAlertBody(entry(overrides), vendors)).toMatchObject({
      origin: 'unknown',
      problem: expect.stringMatching(/no followed vendor serves/),
    });
  });

  it.each([
    ['not JSON', 'hello <b>world</b>', /malformed JSON/],
    ['an array', '[1,2]', /expected a JSON object/],
    ['no self', entry({ self: undefined }), /self/],
    ['a self that is not a URL', entry({ self: 'javascript:alert(1)' }), /not an absolute http/],
    ['both result and error', entry({ error: 'x' }), /not both or neither/],
    ['neither result nor error', entry({ result: undefined }), /not both or neither/],
    ['tags that are not strings', entry({ tags: [1] }), /tags\[0\]/],
    ['a result that is not rows', entry({ result: { value: 'x' } }), /result\.value/],
  ])('keeps %s as malformed with the reason', (_label, body, reason) => {
    expect(classifyAlertBody(body, vendors)).toMatchObject({
      origin: 'malformed',
      problem: expect.stringMatching(reason),
    });
  });

  it('does not read a body over the size bound; keeps its start', () => {
    const huge = 'x'.repeat(MAX_ALERT_BODY_BYTES + 1);
    const classified = classifyAlertBody(huge, vendors);
    expect(classified).toMatchObject({
      origin: 'malformed',
      problem: expect.stringMatching(/bytes, more than/),
    });
    expect(classified.body).toHaveLength(4096);
  });
});
