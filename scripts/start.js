#!/usr/bin/env node
// `npm start`: runs the desktop app in Electron. When the Electron binary is not installed
// (it cannot be downloaded on some machines), says so and starts headless mode instead:
// the same app, served on 127.0.0.1 and opened in a browser at the printed URL.
// Arguments after `npm start --` go to `trust-auditor serve` in headless mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { electronSqliteBinding } from './electron-native.js';

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
