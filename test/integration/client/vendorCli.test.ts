import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { cli } from './cliHarness';

const tempDir = useTempDirs();
const FP = Array.from({ length: 32 }, () => '0F').join(':');

describe('vendor add | list | show | remove', () => {
  it('adds a vendor, keeps its token in a 0600 secret file and never in auditor.db', async () => {
    const dataDir = tempDir();
    const tokenFile = join(dataDir, 'token.txt');
    writeFileSync(tokenFile, 'acme-secret-token\n');
    const added = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'add',
      'acme',
      'https://ctp.acme.example/ctp',
      '--token-file',
      tokenFile,
      '--fingerprint',
      FP.replace(/:/g, '').toLowerCase(),
    ]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(
      /Added vendor acme at https:\/\/ctp\.acme\.example\/ctp\/ \(trust: pinned 0F:0F/,
    );
    expect(added.stdout).not.toMatch(/acme-secret-token/);

    const secrets = join(dataDir, 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(secrets, 'utf8'))).toEqual({
      'vendor-token:acme': 'acme-secret-token',
    });
    const db = new Database(join(dataDir, 'auditor.db'), { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM vendors').all());
    db.close();
    expect(dump).not.toMatch(/acme-secret-token/);
    const dbBytes = readFileSync(join(dataDir, 'auditor.db')).toString('latin1');
    expect(dbBytes).not.toMatch(/acme-secret-token/);

    const list = await cli(['--data-dir', dataDir, 'vendor', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        name: 'acme',
        baseUrl: 'https://ctp.acme.example/ctp/',
        trust: 'fingerprint',
        fingerprint: FP,
        hasToken: true,
        lastSync: null,
      }),
    ]);
    const show = await cli(['--data-dir', dataDir, 'vendor', 'show', 'acme', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: 'acme', provider: null });
    const text = await cli(['--data-dir', dataDir, 'vendor', 'list']);
    expect(text.stdout).toMatch(
      /^acme\thttps:\/\/ctp\.acme\.example\/ctp\/\tpinned 0F:.*\ttoken\tnever synced\n$/,
    );

    expect(await cli(['--data-dir', dataDir, 'vendor', 'remove', 'acme'])).toMatchObject({
      code: 0,
    });
    expect(JSON.parse(readFileSync(secrets, 'utf8'))).toEqual({});
    expect(
      JSON.parse((await cli(['--data-dir', dataDir, 'vendor', 'list', '--json'])).stdout),
    ).toEqual([]);
  });

  it('keeps the CA bundle of a vendor trusted by --ca', async () => {
    const dataDir = tempDir();
    const key = join(dataDir, 'k.pem');
    const cert = join(dataDir, 'c.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=ca.test',
      ],
      { stdio: 'ignore' },
    );
    const added = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'add',
      'b',
      'https://b.example/ctp/',
      '--ca',
      cert,
    ]);
    expect(added.code).toBe(0);
    expect(
      JSON.parse((await cli(['--data-dir', dataDir, 'vendor', 'list', '--json'])).stdout),
    ).toEqual([expect.objectContaining({ name: 'b', trust: 'ca', hasToken: false })]);
  });

  it.each([
    [['vendor', 'add', 'x', 'http://ctp.example.com/ctp/'], /in clear/],
    [
      ['vendor', 'add', 'x', 'https://e.example/ctp/', '--fingerprint', 'abc'],
      /not a SHA-256 fingerprint/,
    ],
    [
      ['vendor', 'add', 'x', 'https://e.example/ctp/', '--ca', '/missing.pem'],
      /Cannot read the CA file/,
    ],
    [
      ['vendor', 'add', 'x', 'https://e.example/ctp/', '--token-file', '/missing'],
      /Cannot read the token file/,
    ],
    [['vendor', 'add', 'bad\u202Ename', 'https://e.example/ctp/'], /not valid/],
    [['vendor', 'show', 'nobody'], /No vendor is named "nobody"/],
    [['vendor', 'add', 'x'], /missing required argument/],
  ])('exits 2 for %j', async (args, message) => {
    const result = await cli(['--data-dir', tempDir(), ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a second vendor with the same name and a CA file without certificates', async () => {
    const dataDir = tempDir();
    expect(
      (await cli(['--data-dir', dataDir, 'vendor', 'add', 'x', 'https://e.example/ctp/'])).code,
    ).toBe(0);
    const again = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'add',
      'x',
      'https://f.example/ctp/',
    ]);
    expect(again).toMatchObject({ code: 2 });
    expect(again.stderr).toMatch(/already exists/);
    const notPem = join(dataDir, 'x.pem');
    writeFileSync(notPem, 'hello');
    const bad = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'add',
      'y',
      'https://e.example/ctp/',
      '--ca',
      notPem,
    ]);
    expect(bad.stderr).toMatch(/holds no PEM certificate/);
  });

  it('edits the URL, token and trust of a vendor', async () => {
    const dataDir = tempDir();
    const tokenFile = join(dataDir, 't');
    writeFileSync(tokenFile, 'new-token');
    expect(
      (await cli(['--data-dir', dataDir, 'vendor', 'add', 'x', 'https://e.example/ctp/'])).code,
    ).toBe(0);
    const edited = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'edit',
      'x',
      '--url',
      'https://f.example/ctp',
      '--token-file',
      tokenFile,
      '--fingerprint',
      FP,
    ]);
    expect(edited).toMatchObject({ code: 0 });
    const [item] = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'list', '--json'])).stdout,
    ) as object[];
    expect(item).toMatchObject({
      baseUrl: 'https://f.example/ctp/',
      trust: 'fingerprint',
      fingerprint: FP,
      hasToken: true,
    });
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({
      'vendor-token:x': 'new-token',
    });

    expect(
      (await cli(['--data-dir', dataDir, 'vendor', 'edit', 'x', '--no-token', '--system-ca'])).code,
    ).toBe(0);
    const [after] = JSON.parse(
      (await cli(['--data-dir', dataDir, 'vendor', 'list', '--json'])).stdout,
    ) as object[];
    expect(after).toMatchObject({ trust: 'system', fingerprint: null, hasToken: false });
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({});
    const both = await cli([
      '--data-dir',
      dataDir,
      'vendor',
      'edit',
      'x',
      '--system-ca',
      '--fingerprint',
      FP,
    ]);
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toMatch(/at most one of/);
  });
});
