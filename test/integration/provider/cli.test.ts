import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createCliContext } from '../../../electron/cli/context';
import { runCli } from '../../../electron/cli/program';
import { createAccounts } from '../../../electron/core/provider/accounts';
import { readsOn } from '../../../electron/core/provider/repositories';
import { createSqliteStore } from '../../../electron/core/store/sqliteStore';
import { useTempDirs } from '../../helpers/tempDir';
import { openServerDb, sampleProvider } from '../../fixtures/provider';

const tempDir = useTempDirs();

async function cli(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => (stdout += text),
    stderr: (text: string) => (stderr += text),
    stderrIsTTY: false,
    readStdin: () => Promise.resolve(stdin),
  };
  const code = await runCli(argv, createCliContext(io, {}));
  return { code, stdout, stderr };
}

describe('trust-auditor server …', () => {
  it('imports a provider file, idempotently, and reports bad files with the JSON path', async () => {
    const dir = tempDir();
    const file = join(dir, 'provider.json');
    writeFileSync(file, JSON.stringify(sampleProvider()));
    const first = await cli(['server', 'import', file, '--data-dir', dir, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ updated: 0, unchanged: 0, results: 1 });
    const second = await cli(['server', 'import', file, '--data-dir', dir]);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/0 created, 0 updated/);

    writeFileSync(file, JSON.stringify({ serviceViews: [{ id: 'bad/id' }] }));
    const bad = await cli(['server', 'import', file, '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('serviceViews[0].id: must be a CTP identifier');
    writeFileSync(file, '{ not json');
    expect((await cli(['server', 'import', file, '--data-dir', dir])).stderr).toMatch(
      /is not valid JSON/,
    );
    expect(
      (await cli(['server', 'import', join(dir, 'missing.json'), '--data-dir', dir])).code,
    ).toBe(2);
  });

  it('creates tokens printed once and stored hashed', async () => {
    const dir = tempDir();
    const file = join(dir, 'provider.json');
    writeFileSync(file, JSON.stringify(sampleProvider()));
    await cli(['server', 'import', file, '--data-dir', dir]);
    const created = await cli([
      'server',
      'token',
      'create',
      '--account',
      'initech',
      '--views',
      'sv1,sv2',
      '--data-dir',
      dir,
    ]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const db = openServerDb(dir);
    const store = createSqliteStore(db);
    try {
      expect(await createAccounts(store).authenticate(token)).toMatchObject({
        account: 'initech',
        serviceViews: ['sv1', 'sv2'],
      });
      expect(JSON.stringify(db.prepare('SELECT * FROM tokens').all())).not.toContain(token);
    } finally {
      db.close();
    }
    const unknown = await cli([
      'server',
      'token',
      'create',
      '--account',
      'nobody',
      '--data-dir',
      dir,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--views/);
    const badView = await cli([
      'server',
      'token',
      'create',
      '--account',
      'x',
      '--views',
      'nope',
      '--data-dir',
      dir,
    ]);
    expect(badView.stderr).toMatch(/no service view "nope"/);
  });

  it('publishes results (file or stdin), validating them against the metric', async () => {
    const dir = tempDir();
    const file = join(dir, 'provider.json');
    writeFileSync(file, JSON.stringify(sampleProvider()));
    await cli(['server', 'import', file, '--data-dir', dir]);
    const ok = await cli(
      ['server', 'publish', 'm1', '-', '--data-dir', dir, '--json'],
      '{"value":[{"percentage":98.5}]}',
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      measurementId: 'm1',
      objectiveStatus: 'false',
      alerts: [],
    });
    const wrong = await cli(
      ['server', 'publish', 'm1', '-', '--data-dir', dir],
      '{"value":[{"percent":98.5}]}',
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('result.value[0].percent: is not a column of the metric');
    const missing = await cli(
      ['server', 'publish', 'nope', '-', '--data-dir', dir],
      '{"value":[]}',
    );
    expect(missing.stderr).toContain('No measurement with id "nope"');
    const db = openServerDb(dir);
    try {
      const m1 = (await readsOn(createSqliteStore(db)).measurement('m1'))!;
      expect(JSON.parse(m1.resultText!).value).toEqual([{ percentage: 98.5 }]);
      expect(db.prepare('SELECT count(*) AS n FROM result_history').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });
});
