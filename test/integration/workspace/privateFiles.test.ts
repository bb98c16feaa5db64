// Every file the built CLI writes in the data folder is the owner's alone (DESIGN
// "Databases": folder 0700, files 0600), whatever the umask, and a folder other users can
// get into is reported. Each command runs under `umask 000`, the most permissive.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { specRule, testKeys } from '../../fixtures/bundles';
import { sampleProvider } from '../../fixtures/provider';
import { BIN, ROOT, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const start = useProcesses();

/** `sh -c 'umask 000; exec node BIN ARGS…'`: the process creates files with what it asks for. */
function permissive(args: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, BIN, ...args]];
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [command, commandArgs] = permissive(args);
  const result = spawnSync(command, commandArgs, { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every entry under `root` whose mode is not 0600 (files) or 0700 (folders). */
function offenders(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const mode = statSync(path).mode & 0o777;
      const wanted = entry.isDirectory() ? 0o700 : 0o600;
      if (mode !== wanted) found.push(`${relative(root, path)} is ${mode.toString(8)}`);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

function entries(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

const WARNING =
  /other users can list the files of the data folder .* \(mode 0755\)[^\n]*chmod 700 /;

function warnedOnce(stderr: string): boolean {
  return stderr.split('\n').filter((line) => WARNING.test(line)).length === 1;
}

describe('the data folder stays private through a full run of the built CLI', () => {
  it('creates every file 0600 and every folder 0700 in an existing 0755 folder, and warns', async () => {
    const outside = tempDir();
    const data = join(tempDir(), 'workspace');
    mkdirSync(data);
    chmodSync(data, 0o755);

    const [command, serveArgs] = permissive([
      'serve',
      '--demo',
      '--ui',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      data,
    ]);
    const server = start(command, serveArgs);
    const [, ctpBase] = await server.waitFor(/CTP API\s+(https:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
    const [, fingerprint] = await server.waitFor(/SHA-256 fingerprint ([0-9A-F:]{95})/);
    const [, token] = await server.waitFor(/Token\s+acme-corp \(notes-eu\): (\S+)/);
    await server.waitFor(/App\s+https:\/\/127\.0\.0\.1:\d+\/#token=/);
    const steps: Array<[string, ReturnType<typeof cli>]> = [];
    const run = (args: string[]): void => {
      const result = cli([...args, '--data-dir', data]);
      steps.push([args.slice(0, 2).join(' '), result]);
      expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    };

    // The provider side, from other processes while the server runs.
    const provider = join(outside, 'provider.json');
    writeFileSync(provider, JSON.stringify(sampleProvider()));
    run(['server', 'import', provider]);
    const result = join(outside, 'result.json');
    writeFileSync(result, '{"value":[{"percentage":98.5}]}');
    run(['server', 'publish', 'm1', result]);
    run(['server', 'token', 'create', '--account', 'initech', '--views', 'sv1']);

    // The auditor side, following the server just started.
    const tokenFile = join(outside, 'token');
    writeFileSync(tokenFile, token!);
    run([
      'vendor',
      'add',
      'nimbus',
      ctpBase!,
      '--fingerprint',
      fingerprint!,
      '--token-file',
      tokenFile,
    ]);
    run(['vendor', 'sync', 'nimbus']);

    // While the server holds both databases open, their -wal and -shm files exist too.
    expect(entries(data)).toEqual(
      expect.arrayContaining([
        'auditor.db-shm',
        'auditor.db-wal',
        'server.db-shm',
        'server.db-wal',
      ]),
    );
    expect(offenders(data), 'while serving').toEqual([]);
    expect(await server.stop('SIGTERM')).toBe(0);

    // Bundles: signed outside, its key trusted in the data folder, verified and imported.
    const rules = join(outside, 'rules');
    mkdirSync(rules);
    for (const id of ['ow-a', 'ow-b']) {
      writeFileSync(join(rules, `${id}.json`), JSON.stringify(specRule(id)));
    }
    const bundle = join(outside, 'rules.tar.gz');
    writeFileSync(join(outside, 'signer.pem'), testKeys().privateKey);
    writeFileSync(join(outside, 'signer.pub.pem'), testKeys().publicKey);
    expect(cli(['bundle', 'create', rules, bundle]).status).toBe(0);
    expect(cli(['bundle', 'sign', bundle, '--key', join(outside, 'signer.pem')]).status).toBe(0);
    run(['bundle', 'trust', 'add', join(outside, 'signer.pub.pem')]);
    run(['verify', bundle, '--require-signature']);
    run(['import', bundle]);

    expect(entries(data)).toEqual(
      expect.arrayContaining([
        'admin-token',
        'auditor.db',
        'secrets.json',
        'server.db',
        join('tls', 'server-cert.pem'),
        join('tls', 'server-key.pem'),
        'trusted-keys',
      ]),
    );
    expect(readdirSync(join(data, 'trusted-keys'))).toHaveLength(1);
    expect(offenders(data), 'after the run').toEqual([]);
    // The user's own folder is left as it is, and said to be open, once per command.
    expect(statSync(data).mode & 0o777).toBe(0o755);
    expect(warnedOnce(server.output()), server.output()).toBe(true);
    for (const [name, { stderr }] of steps)
      expect(warnedOnce(stderr), `${name}: ${stderr}`).toBe(true);
    // A dozen processes, the first making a TLS key and 90 days of demo data.
  }, 120_000);

  it('says nothing about a folder only its owner can use', () => {
    const data = join(tempDir(), 'private');
    mkdirSync(data, { mode: 0o700 });
    const provider = join(tempDir(), 'provider.json');
    writeFileSync(provider, JSON.stringify(sampleProvider()));
    const imported = cli(['server', 'import', provider, '--data-dir', data]);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toBe('');
    expect(offenders(data)).toEqual([]);
  });
});
