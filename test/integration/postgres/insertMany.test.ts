import { describe, expect, it } from 'vitest';

import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import type { SqlStore, SqlValue } from '../../../electron/core/store/sqlStore';
import { openServerStore } from '../../fixtures/provider';
import { createTestDatabase } from '../../fixtures/providerStore';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Values an array literal must quote or escape, and the types of the provider's columns. */
const ROWS: SqlValue[][] = [
  ['plain', 1, 0.5, null],
  ['"quoted", {braced}, back\\slash', 2 ** 52, -1.25, 'NULL'],
  ['', -7, 0, ''],
  ['émoji 🚀 and\nnew line\tand tab', 0, 1e-9, '{"a":[1,2]}'],
  [null, 3, 2, ' spaced '],
];

async function roundTrip(store: SqlStore): Promise<unknown[]> {
  await store.run(
    'CREATE TABLE many (seq integer PRIMARY KEY, t text, n bigint NOT NULL, d double precision, u text)',
  );
  const rows = ROWS.map((row, i) => [i + 1, ...row]);
  await store.write((tx) => tx.insertMany('many', ['seq', 't', 'n', 'd', 'u'], rows));
  return store.all('SELECT t, n, d, u FROM many ORDER BY seq');
}

describe('insertMany (PostgreSQL: a typed array per column, read by unnest)', () => {
  it('stores every value as SQLite does: quotes, braces, backslashes, "NULL", null, numbers', async () => {
    const pg = await openPostgresStore({ url: await createTestDatabase() });
    const sqlite = openServerStore(tempDir());
    try {
      const expected = ROWS.map(([t, n, d, u]) => ({ t, n, d, u }));
      expect(await roundTrip(pg)).toEqual(expected);
      expect(await roundTrip(sqlite)).toEqual(expected);
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });
});
