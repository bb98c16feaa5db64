#!/usr/bin/env node
// `npm run dist` (after the build): packages the desktop app for this platform with
// electron-builder (electron-builder.yml), adding the Electron build of better-sqlite3 as
// resources/native/better_sqlite3.node, where the main process looks for it
// (electron/main/index.ts). TRUST_AUDITOR_SQLITE_BINDING names a build made elsewhere;
// otherwise it is made here, which downloads Electron's prebuilt binary or headers
// (README "Packaging"). Arguments go to electron-builder: `npm run dist -- --dir`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { electronSqliteBinding } from './electron-native.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron build of better-sqlite3 to ship; exits with the reason when there is none. */
function electronBinding() {
  const given = process.env.TRUST_AUDITOR_SQLITE_BINDING;
  if (given !== undefined && given !== '') {
    const path = resolve(given);
    if (existsSync(path)) return path;
    fail(`TRUST_AUDITOR_SQLITE_BINDING names ${path}, which does not exist.`);
  }
  const version = require('electron/package.json').version;
  try {
    return electronSqliteBinding(version);
  } catch (error) {
    fail(
      `The Electron ${version} build of better-sqlite3 could not be made (${error.message}): ` +
        'it needs Electron’s prebuilt binary or headers from the network. See README "Packaging".',
    );
  }
}

function fail(message) {
  process.stderr.write(`dist: ${message}\n`);
  process.exit(1);
}

const packed = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'electron-builder', 'cli.js'),
    '--publish',
    'never',
    `-c.extraResources.from=${electronBinding()}`,
    '-c.extraResources.to=native/better_sqlite3.node',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(packed.status ?? 1);
