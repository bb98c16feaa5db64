import { describe, expect, it } from 'vitest';

import {
  parseAsset,
  parseAttribute,
  parseCollection,
  parseEntryPoint,
  parseLogEntry,
  parseMeasurement,
  parseMetric,
  parseServiceView,
  parseTrigger,
} from '../../../../../electron/core/client/responseShapes';

const B = 'https://ctp.example.com/ctp/';
const json = (value: unknown): string => JSON.stringify(value);

const view = {
  self: `${B}serviceViews/sv1`,
  scope: B,
  changeId: '12',
  name: 'main',
  annotation: '',
  provider: 'example.com',
  dependencies: `${B}serviceViews/sv1/dependencies`,
  assets: `${B}serviceViews/sv1/assets`,
  serviceClass: null,
  logs: `${B}serviceViews/sv1/logs`,
  triggers: `${B}serviceViews/sv1/triggers`,
};

const measurementText = (overrides: Record<string, unknown> = {}): string =>
  json({
    self: `${B}measurements/m1`,
    scope: `${B}attributes/at1`,
    changeId: '7',
    name: '',
    annotation: '',
    metric: `${B}metrics/x`,
    result: {
      value: [{ p: 1 }],
      updateTime: '2026-01-01T00:00:00Z',
      authorityId: null,
      signature: null,
    },
    objective: {
      condition: 'value[0].p > 0',
      status: 'true',
      statusUpdateTime: '2026-01-01T00:00:00Z',
    },
    createTrigger: `${B}serviceViews/sv1/triggers`,
    userActivated: false,
    state: 'activated',
    ...overrides,
  });

describe('entry point (CTP 4.2.1.2)', () => {
  it.each([
    ['serviceViews', { serviceViews: `${B}serviceViews` }, `${B}serviceViews`],
    ['views (appendix A.1)', { views: `${B}views` }, `${B}views`],
  ])('accepts %s', (_label, members, expected) => {
    const parsed = parseEntryPoint(
      json({ self: B, name: 'n', version: '1.0', provider: 'p', ...members }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { serviceViews: expected, provider: 'p' } });
  });

  it.each([
    ['not JSON', '{"self":', /malformed JSON/],
    ['an array', '[]', /expected a JSON object/],
    ['no service views', json({ self: B }), /views: missing/],
    ['a relative link', json({ serviceViews: '/ctp/serviceViews' }), /not an absolute http/],
    ['a javascript: link', json({ serviceViews: 'javascript:alert(1)' }), /not an absolute http/],
    [
      'a number for provider',
      json({ serviceViews: `${B}s`, provider: 5 }),
      /provider: expected a string, got a number/,
    ],
  ])('rejects %s', (_label, text, error) => {
    const parsed = parseEntryPoint(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('collections (CTP 4.1.6)', () => {
  it.each([
    [
      'link objects',
      [{ link: `${B}assets/1`, name: 'a' }, { link: `${B}assets/2` }],
      [['a'], ['']],
    ],
    ['bare URLs (SPEC-NOTES logs)', [`${B}logs/1`, `${B}logs/2`], [[''], ['']]],
  ])('reads %s', (_label, collection, names) => {
    const parsed = parseCollection(
      json({
        self: B,
        scope: B,
        collectionLength: 2,
        returnedLength: 2,
        collectionType: 'views',
        collection,
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.items.map((item) => [item.name])).toEqual(names);
    expect(parsed.value.collectionType).toBe('serviceViews');
  });

  it('defaults the lengths to the number of items', () => {
    const parsed = parseCollection(json({ collection: [`${B}a`] }));
    expect(parsed).toMatchObject({ ok: true, value: { collectionLength: 1, returnedLength: 1 } });
  });

  it.each([
    ['collection missing', {}, /collection: expected an array/],
    ['a number item', { collection: [5] }, /collection\[0\]: expected an object/],
    [
      'a relative link',
      { collection: [{ link: 'assets/1' }] },
      /collection\[0\]\.link: not an absolute/,
    ],
    ['a negative length', { collection: [], collectionLength: -1 }, /collectionLength/],
    [
      'a string length',
      { collection: [], collectionLength: 'many' },
      /collectionLength: expected a number/,
    ],
    [
      'too many items',
      { collection: Array.from({ length: 10_001 }, () => `${B}a`) },
      /more than 10000/,
    ],
  ])('rejects %s', (_label, body, error) => {
    const parsed = parseCollection(json(body));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('service views, assets, attributes, metrics, triggers', () => {
  it.each([
    ['serviceClass null', { serviceClass: null }, null],
    ['serviceClass ""', { serviceClass: '' }, null],
    ['serviceClass set', { serviceClass: 'saas' }, 'saas'],
  ])('service view with %s', (_label, members, serviceClass) => {
    const parsed = parseServiceView(json({ ...view, ...members }));
    expect(parsed).toMatchObject({ ok: true, value: { serviceClass, changeId: '12' } });
  });

  it.each([
    ['a numeric changeId', { changeId: 12 }, '12'],
    ['no changeId', { changeId: undefined }, null],
  ])('service view with %s', (_label, members, changeId) => {
    const parsed = parseServiceView(json({ ...view, ...members }));
    expect(parsed).toMatchObject({ ok: true, value: { changeId } });
  });

  it.each([
    ['self missing', { self: undefined }, /self: missing/],
    ['changeId an object', { changeId: {} }, /changeId: expected a string/],
    ['name an array', { name: [] }, /name: expected a string, got an array/],
    ['a huge name', { name: 'x'.repeat(70_000) }, /longer than/],
  ])('service view rejects %s', (_label, members, error) => {
    const parsed = parseServiceView(json({ ...view, ...members }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it.each([
    ['""', '', null],
    ['null', null, null],
    ['a class', 'vm', 'vm'],
  ])('asset with assetClass %s', (_label, assetClass, expected) => {
    const parsed = parseAsset(
      json({ self: `${B}assets/1`, name: 'a', assetClass, attributes: `${B}assets/1/attributes` }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { assetClass: expected } });
  });

  it('reads an attribute', () => {
    const parsed = parseAttribute(
      json({ self: `${B}attributes/1`, measurements: `${B}attributes/1/measurements` }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: { measurements: `${B}attributes/1/measurements` },
    });
  });

  it.each([
    ['baseMetric', { baseMetric: 'https://m/x' }],
    ['referenceMetric (SPEC-NOTES)', { referenceMetric: 'https://m/x' }],
  ])('metric with %s', (_label, members) => {
    const parsed = parseMetric(
      json({ self: `${B}metrics/1`, resultFormat: [{ name: 'p', type: 'number' }], ...members }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: { baseMetric: 'https://m/x', resultFormat: [{ name: 'p', type: 'number' }] },
    });
  });

  it.each([
    ['"true"', 'true', 'true'],
    ['true (boolean)', true, 'true'],
    ['false (boolean)', false, 'false'],
    ['"error"', 'error', 'error'],
  ])('trigger status %s', (_label, status, expected) => {
    const parsed = parseTrigger(
      json({ self: `${B}triggers/1`, condition: 'true', status, tags: ['a'] }),
    );
    expect(parsed).toMatchObject({ ok: true, value: { status: expected, tags: ['a'] } });
  });

  it.each([
    ['status "maybe"', { status: 'maybe' }, /status: expected "true", "false" or "error"/],
    ['tags with a number', { tags: [1] }, /tags\[0\]: expected a string/],
    ['guardTime a word', { guardTime: 'soon' }, /guardTime: expected a number/],
  ])('trigger rejects %s', (_label, members, error) => {
    const parsed = parseTrigger(json({ self: `${B}triggers/1`, ...members }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('measurements (CTP 4.2.6.2, SPEC-NOTES)', () => {
  it.each([
    [
      'objective status "true"',
      { objective: { condition: 'c', status: 'true' } },
      { objective: { status: 'true' } },
    ],
    [
      'objective status false (boolean)',
      { objective: { condition: 'c', status: false } },
      { objective: { status: 'false' } },
    ],
    ['createTrigger ""', { createTrigger: '' }, { createTrigger: null }],
    ['createTrigger null', { createTrigger: null }, { createTrigger: null }],
    [
      'userInitiated only',
      { userActivated: undefined, userInitiated: true },
      { userActivated: true },
    ],
    ['userActivated "true"', { userActivated: 'true' }, { userActivated: true }],
    ['no result', { result: null }, { result: null }],
    [
      'dateTime for updateTime',
      {
        result: { value: [], dateTime: '2015-05-28T15:22:03Z', authorityId: null, signature: null },
      },
      { result: { updateTime: '2015-05-28T15:22:03Z' } },
    ],
    [
      'signature ""',
      { result: { value: [], updateTime: 'x', signature: '' } },
      { result: { signature: null } },
    ],
  ])('accepts %s', (_label, members, expected) => {
    const parsed = parseMeasurement(measurementText(members));
    expect(parsed).toMatchObject({ ok: true, value: expected });
  });

  it('keeps the result text as received and derives the JWS payload without re-serializing', () => {
    const text = `{ "self": "${B}measurements/m1", "result": { "value": [ { "p": 99.0, "s": "a\\u0041 b" } ],
      "updateTime": "2026-01-01T00:00:00Z", "authorityId": "auth", "signature": "x.y.z" }, "state": "activated" }`;
    const parsed = parseMeasurement(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.result?.text).toBe(
      '{"value":[{"p":99.0,"s":"a\\u0041 b"}],"updateTime":"2026-01-01T00:00:00Z","authorityId":"auth","signature":"x.y.z"}',
    );
    expect(parsed.value.result?.payloadText).toBe(
      '{"value":[{"p":99.0,"s":"a\\u0041 b"}],"updateTime":"2026-01-01T00:00:00Z","authorityId":"auth"}',
    );
    expect(parsed.value.result?.signature).toBe('x.y.z');
  });

  it.each([
    ['a result that is a string', { result: 'ok' }, /result: expected an object/],
    ['result.value not an array', { result: { value: 5 } }, /result\.value: expected an array/],
    [
      'a result row that is a number',
      { result: { value: [1] } },
      /result\.value\[0\]: expected an object/,
    ],
    ['objective status 7', { objective: { condition: 'c', status: 7 } }, /objective\.status/],
    ['userActivated "yes"', { userActivated: 'yes' }, /userActivated: expected a boolean/],
    [
      'a 5 KiB condition',
      { objective: { condition: 'x'.repeat(5000) } },
      /condition: longer than 4096/,
    ],
  ])('rejects %s', (_label, members, error) => {
    const parsed = parseMeasurement(measurementText(members));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('log entries (CTP 4.2.8)', () => {
  it.each([
    [
      'a normal entry',
      { result: { value: [{ p: 1 }], updateTime: 't' }, tags: ['x'] },
      { tags: ['x'], error: null, result: { updateTime: 't' } },
    ],
    ['an error entry', { error: 'boom', tags: ['error'] }, { error: 'boom', result: null }],
  ])('reads %s', (_label, members, expected) => {
    const parsed = parseLogEntry(
      json({
        self: `${B}logs/1`,
        trigger: `${B}triggers/1`,
        creationTime: '2026-01-01T00:00:00Z',
        ...members,
      }),
    );
    expect(parsed).toMatchObject({ ok: true, value: expected });
  });

  it('rejects an entry without creationTime', () => {
    expect(parseLogEntry(json({ self: `${B}logs/1` })).ok).toBe(false);
  });
});
