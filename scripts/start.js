#!/usr/bin/env node
// `npm start`: runs the desktop app in Electron. When the Electron binary is not installed
// (it cannot be downloaded on some machines), says so and starts headless mode instead:
// the same app, served on 127.0.0.1 and opened in a browser at the printed URL.
// Arguments after `npm start --` go to `trust-auditor serve` in headless mode.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, or null when the package or its binary is missing. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * better-sqlite3 built for Electron's ABI, kept apart from the Node build that tests and
 * the CLI use; the main process loads it through better-sqlite3's `nativeBinding` option.
 */
function electronSqliteBinding(electronVersion) {
  const target = join(root, '.cache', 'electron-native', electronVersion, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  const work = mkdtempSync(join(tmpdir(), 'trust-auditor-native-'));
  try {
    cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true });
    const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
    let built = spawnSync(
      process.execPath,
      [prebuild, '--runtime=electron', `--target=${electronVersion}`],
      {
        cwd: work,
        stdio: 'inherit',
      },
    );
    if (built.status !== 0) {
      built = spawnSync(
        'npx',
        [
          '--no-install',
          'node-gyp',
          'rebuild',
          '--release',
          `--target=${electronVersion}`,
          '--dist-url=https://electronjs.org/headers',
        ],
        {
          cwd: work,
          stdio: 'inherit',
        },
      );
    }
    if (built.status !== 0) throw new Error('could not build better-sqlite3 for Electron');
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const electron = electronBinary();
if (electron !== null) {
  const version = require('electron/package.json').version;
  const binding = electronSqliteBinding(version);
  const child = spawn(electron, [root], {
    stdio: 'inherit',
    env: { ...process.env, TRUST_AUDITOR_SQLITE_BINDING: binding },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    [
      'Electron is not available on this machine (its binary is not installed), so Trust Auditor',
      'starts in headless mode: the same app, in your browser. Open the "App" link below.',
      'To get the desktop window, install Electron (`node node_modules/electron/install.js`) and run `npm start` again.',
      '',
    ].join('\n'),
  );
  const extra = process.argv.slice(2);
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'trust-auditor.js'),
      'serve',
      '--ui',
      '--tls',
      'off',
      '--port',
      '8480',
      '--log-level',
      'warn',
      ...extra,
    ],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
