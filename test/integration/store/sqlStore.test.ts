import { describe, expect, it } from 'vitest';

import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import { checkDatabaseUrl } from '../../../electron/core/store/postgresUrl';
import { useTempDirs } from '../../helpers/tempDir';
import { TEST_ENGINE, useTestStores } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const openStore = useTestStores();

/** Runs on SQLite in `integration`, on PostgreSQL in `integration-postgres`. */
describe(`the provider store (${TEST_ENGINE})`, () => {
  it('answers the dialect fragments the same way on both engines', async () => {
    const store = await openStore(tempDir());
    const { dialect } = store;
    const inArray = async (value: string, array: unknown[]) =>
      (
        await store.get<{ n: number }>(
          `SELECT count(*) AS n FROM server_info WHERE ${dialect.inJsonArray('$1', '$2')}`,
          [value, JSON.stringify(array)],
        )
      )?.n;
    expect(await inArray('a', ['b', 'a'])).toBe(1);
    expect(await inArray('a', ['b'])).toBe(0);
    expect(await inArray('a', [])).toBe(0);
    const hasAll = async (column: unknown[], wanted: unknown[]) =>
      (
        await store.get<{ n: number }>(
          `SELECT count(*) AS n FROM server_info
           WHERE ${dialect.jsonArrayHasAll('CAST($1 AS text)', '$2')}`,
          [JSON.stringify(column), JSON.stringify(wanted)],
        )
      )?.n;
    expect(await hasAll(['sla', 'high'], ['high'])).toBe(1);
    expect(await hasAll(['sla', 'high'], [])).toBe(1);
    expect(await hasAll(['sla'], ['sla', 'high'])).toBe(0);
    // A queue's claim: what another transaction holds is skipped (PostgreSQL), or the whole
    // database is the writer's (SQLite, where the fragment is empty).
    const claimable = `SELECT o.id FROM server_info o ORDER BY o.id LIMIT 1 ${dialect.skipLocked('o')}`;
    expect(await store.write((tx) => tx.all(claimable))).toEqual([{ id: 1 }]);
  });

  it('binds $n parameters, reused ones too, and reports constraint errors as such', async () => {
    const store = await openStore(tempDir());
    expect(await store.get('SELECT $1 AS a, $2 AS b, $1 AS c', ['x', 'y'])).toEqual({
      a: 'x',
      b: 'y',
      c: 'x',
    });
    await expect(
      store.run('INSERT INTO change_counter (id, value) VALUES (1, 0)'),
    ).rejects.toMatchObject({
      name: 'SqlConstraintError',
    });
  });

  it('runs writes one at a time: none is lost, none sees another half done', async () => {
    const store = await openStore(tempDir());
    const bump = () =>
      store.write(async (tx) => {
        const row = await tx.get<{ value: number }>(
          'SELECT value FROM change_counter WHERE id = 1',
        );
        // Other work may run here; the counter must still move by exactly one.
        await tx.run('UPDATE change_counter SET value = $1 WHERE id = 1', [row!.value + 1]);
        return row!.value + 1;
      });
    // Started in the same turn of the event loop, as concurrent requests are.
    const values = await Promise.all(Array.from({ length: 20 }, bump));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.get('SELECT value FROM change_counter')).toEqual({ value: 20 });
  });

  it('rolls a failed write back entirely, and a read meanwhile sees only what was committed', async () => {
    const store = await openStore(tempDir());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = store.write(async (tx) => {
      await tx.run("UPDATE server_info SET name = 'half done'");
      await held;
      throw new Error('changed my mind');
    });
    const read = store.get<{ name: string }>('SELECT name FROM server_info');
    release();
    await expect(failing).rejects.toThrow('changed my mind');
    expect(await read).toEqual({ name: '' });
    expect(await store.get('SELECT name FROM server_info')).toEqual({ name: '' });
  });
});

describe('the PostgreSQL database URL', () => {
  it.each([
    ['postgres://ctp:secret@db/ctp', 'must not carry a password'],
    ['postgres://ctp@db/ctp?password=secret', 'must not carry a password'],
    ['mysql://ctp@db/ctp', 'must be a PostgreSQL URL'],
    ['postgres://ctp@db/ctp\u001b[2J', 'control characters'],
  ])('refuses %j', (url, message) => {
    expect(() => checkDatabaseUrl(url)).toThrow(
      expect.objectContaining({
        code: 'STORE_DATABASE_URL_INVALID',
        message: expect.stringContaining(message),
      }),
    );
  });

  it('accepts a URL without a password', () => {
    expect(checkDatabaseUrl('postgres://ctp@db.internal:5433/ctp?sslmode=verify-full')).toBe(
      'postgres://ctp@db.internal:5433/ctp?sslmode=verify-full',
    );
  });

  it('is refused with STORE_OPEN_FAILED, naming it, when nothing listens there', async () => {
    await expect(
      openPostgresStore({ url: 'postgres://nobody@127.0.0.1:1/none' }),
    ).rejects.toMatchObject({
      code: 'STORE_OPEN_FAILED',
      message: expect.stringContaining('postgres://nobody@127.0.0.1:1/none'),
    });
  });
});
