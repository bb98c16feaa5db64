import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BIN, ROOT, runBin, startHeadlessServer, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { validBundle } from '../../fixtures/bundles';

const tempDir = useTempDirs();
const start = useProcesses();
const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string })
  .version;

describe('trust-auditor (the built command line)', () => {
  it('lists its commands with --help and prints --version', () => {
    const help = runBin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: trust-auditor/);
    for (const command of ['serve', 'verify', 'import', 'bundle', 'ctpscript']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    expect(help.stdout).toMatch(/--data-dir <dir>/);
    expect(runBin(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
  });

  it.each([
    [['no-such-command'], /unknown command/],
    [['serve', '--port', 'eighty'], /--port must be a number/],
    [['serve', '--tls', 'maybe'], /--tls must be auto, off or CERT,KEY/],
    [['serve', '--base-url', 'ftp://x/'], /--base-url must be an http\(s\) URL/],
    [
      ['serve', '--tls', '/missing/cert.pem,/missing/key.pem', '--port', '0'],
      /Cannot read the TLS certificate/,
    ],
    [
      ['serve', '--tls', 'off', '--host', '0.0.0.0', '--port', '0'],
      /Refusing plain HTTP on 0.0.0.0/,
    ],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const result = runBin(['--data-dir', tempDir(), ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('serve --ui --tls off serves the UI at / and answers 401 to RPC without the admin token', async () => {
    const dataDir = tempDir();
    const { server, origin, token } = await startHeadlessServer(start, dataDir);
    expect(token).toBe(readFileSync(`${dataDir}/admin-token`, 'utf8').trim());

    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toMatch(/<div id="app">/);

    const denied = await fetch(`${origin}/app/rpc/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(denied.status).toBe(401);
    const allowed = await fetch(`${origin}/app/rpc/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(((await allowed.json()) as { result: { version: string } }).result.version).toBe(
      version,
    );

    // Graceful shutdown on SIGTERM: exit code 0.
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('verifies and imports a bundle with the rule examiner built as its own worker entry, then exits', () => {
    const dataDir = tempDir();
    const bundle = join(tempDir(), 'rules.tar.gz');
    writeFileSync(bundle, validBundle(600));
    const verify = runBin(['--data-dir', dataDir, 'verify', bundle, '--json']);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      verdict: 'valid-unsigned',
      counts: { ruleFiles: 600, validRules: 600 },
    });
    const imported = runBin([
      '--data-dir',
      dataDir,
      'import',
      bundle,
      '--allow-unsigned',
      '--json',
    ]);
    expect(imported.status).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ counts: { inserted: 600 } });
  });

  it('stops writing when its reader goes away (`| head`) and ends with its own exit code', async () => {
    const bundle = join(tempDir(), 'rules.tar.gz');
    writeFileSync(bundle, validBundle(3));
    const child = spawn(process.execPath, [BIN, '--data-dir', tempDir(), 'verify', bundle], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the CLI has started: its every write to stdout meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('npm start falls back to headless mode when Electron is missing, and says so', async () => {
    const app = start(
      process.execPath,
      [`${ROOT}/scripts/start.js`, '--port', '0', '--data-dir', tempDir()],
      {
        // Point Electron at a folder without its binary: what machines that cannot download it have.
        ELECTRON_OVERRIDE_DIST_PATH: tempDir(),
      },
    );
    const [, url] = await app.waitFor(/App\s+(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/);
    expect(app.output()).toMatch(/Electron is not available on this machine/);
    expect((await fetch(url!)).status).toBe(200);
  });
});
