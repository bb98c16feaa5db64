import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ROOT } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { validBundle } from '../../fixtures/bundles';

const tempDir = useTempDirs();

// Node's module hooks see every module an ES import resolves, the CLI's chunks and packages
// alike; CommonJS modules (required, or imported) are in the require cache at exit.
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOAD_LOG, resolved.url + '\\n');
  return resolved;
}`;

/** The packages one run of the built CLI imported, and its exit status. */
function packagesLoaded(args: string[]): { status: number | null; packages: Set<string> } {
  const dir = tempDir();
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  const log = join(dir, 'loaded.txt');
  writeFileSync(hooks, HOOKS);
  writeFileSync(
    register,
    [
      `import { appendFileSync } from 'node:fs';`,
      `import { createRequire, register } from 'node:module';`,
      `register(${JSON.stringify(`file://${hooks}`)});`,
      `const { cache } = createRequire(import.meta.url);`,
      `process.on('exit', () => appendFileSync(process.env.LOAD_LOG, Object.keys(cache).join('\\n')));`,
    ].join('\n'),
  );
  writeFileSync(log, '');
  const run = spawnSync(
    process.execPath,
    ['--import', register, join(ROOT, 'bin', 'trust-auditor.js'), ...args],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOAD_LOG: log }, timeout: 60_000 },
  );
  const packages = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((name): name is string => name !== undefined),
  );
  return { status: run.status, packages };
}

const HEAVY = ['undici', 'jose', 'pino', 'fastify', 're2js', 'pg', 'tar', '@xmpp/client', 'ajv'];

// DESIGN "Command line": a command loads only the code it needs, so that it starts fast.
describe('the built CLI loads only what a command needs', () => {
  it('--version loads no package but the argument parser', () => {
    const { status, packages } = packagesLoaded(['--version']);
    expect(status).toBe(0);
    expect([...packages]).toEqual(['commander']);
  });

  it('vendor list reads the workspace without the HTTP client, JWS, CTPScript or a logger', () => {
    const dataDir = tempDir();
    const { status, packages } = packagesLoaded(['--data-dir', dataDir, 'vendor', 'list']);
    expect(status).toBe(0);
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  });

  it('verify of a JSON bundle loads no package but the argument parser (the tar reader is ours, BSON loads with a BSON file)', () => {
    const dir = tempDir();
    const bundle = join(dir, 'bundle.tar.gz');
    writeFileSync(bundle, validBundle());
    const { status, packages } = packagesLoaded(['--data-dir', tempDir(), 'verify', bundle]);
    expect(status).toBe(0);
    expect([...packages]).toEqual(['commander']);
  });
});
