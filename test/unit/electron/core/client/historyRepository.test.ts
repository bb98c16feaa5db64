import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createHistoryRepository } from '../../../../../electron/core/client/historyRepository';
import { minifyJson, withoutMember } from '../../../../../shared/ctp/jsonText';
import { createVendorsRepository } from '../../../../../electron/core/client/vendorsRepository';
import { openDatabase } from '../../../../../electron/core/store/database';
import { loadMigrations } from '../../../../../electron/core/store/loadMigrations';
import { useTempDirs } from '../../../../helpers/tempDir';

const tempDir = useTempDirs();
const NOW = '2026-01-01T00:00:00.000Z';

function open() {
  const db = openDatabase({
    path: join(tempDir(), 'auditor.db'),
    migrations: loadMigrations('auditor'),
  });
  const vendor = createVendorsRepository(db).add(
    { name: 'v', baseUrl: 'https://v.example/ctp/', trust: { kind: 'system' }, tokenRef: null },
    NOW,
  );
  return { db, store: createHistoryRepository(db, vendor.id) };
}

const M = 'https://v.example/ctp/measurements/m1';

describe('result history: append-only, deduplicated by (updateTime, content)', () => {
  it.each([
    [
      'the same result twice',
      [
        ['t1', '{"value":[1]}'],
        ['t1', '{"value":[1]}'],
      ],
      1,
    ],
    [
      'a new updateTime, same content',
      [
        ['t1', '{"value":[1]}'],
        ['t2', '{"value":[1]}'],
      ],
      2,
    ],
    [
      'same updateTime, new content',
      [
        ['t1', '{"value":[1]}'],
        ['t1', '{"value":[2]}'],
      ],
      2,
    ],
    [
      '99 and 99.0 are different texts',
      [
        ['t1', '{"value":[99]}'],
        ['t1', '{"value":[99.0]}'],
      ],
      2,
    ],
    [
      'no updateTime, twice',
      [
        [null, '{"value":[]}'],
        [null, '{"value":[]}'],
      ],
      1,
    ],
    [
      'an old result coming back',
      [
        ['t1', '{"a":1}'],
        ['t2', '{"a":2}'],
        ['t1', '{"a":1}'],
      ],
      2,
    ],
  ] as const)('%s', (_label, results, expected) => {
    const { db, store } = open();
    const added = results.map(([updateTime, text]) =>
      store.addResult(1, { measurementUrl: M, updateTime, text, authorityId: null }, NOW),
    );
    expect(added.filter(Boolean)).toHaveLength(expected);
    expect(store.history(M)).toHaveLength(expected);
    db.close();
  });

  it('refuses to change a kept result', () => {
    const { db, store } = open();
    store.addResult(1, { measurementUrl: M, updateTime: 't', text: '{}', authorityId: null }, NOW);
    expect(() =>
      db.prepare('UPDATE vendor_results SET result_text = \'{"forged":1}\'').run(),
    ).toThrow(/append-only/);
    expect(store.history(M)[0]?.resultText).toBe('{}');
    db.close();
  });

  it('keeps the history when the resource leaves the snapshot', () => {
    const { db, store } = open();
    const root = 'https://v.example/ctp/serviceViews/1';
    store.putResource(
      1,
      {
        url: root,
        kind: 'serviceView',
        parentUrl: null,
        rootUrl: root,
        changeId: '1',
        name: '',
        provider: null,
        body: '{}',
      },
      NOW,
    );
    store.putResource(
      1,
      {
        url: M,
        kind: 'measurement',
        parentUrl: root,
        rootUrl: root,
        changeId: '1',
        name: '',
        provider: null,
        body: '{}',
      },
      NOW,
    );
    store.addResult(1, { measurementUrl: M, updateTime: 't', text: '{}', authorityId: null }, NOW);
    expect(store.pruneRoot(root, 2)).toBe(1);
    expect(store.resource(M)).toBeNull();
    expect(store.resource(root)).not.toBeNull();
    expect(store.history(M)).toHaveLength(1);
    db.close();
  });
});

describe('raw JSON text (property)', () => {
  it('withoutMember(minify(text)) reads as the object without `signature`', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.string()),
        fc.integer({ min: 0, max: 4 }),
        (object, signature, indent) => {
          const withSignature = signature === null ? object : { ...object, signature };
          // White space outside strings only, as a vendor's pretty-printer writes it.
          const text = JSON.stringify(withSignature, null, indent);
          const out = withoutMember(minifyJson(text), 'signature');
          const expected = { ...withSignature } as Record<string, unknown>;
          delete expected.signature;
          expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(expected)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
