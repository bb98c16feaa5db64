// better-sqlite3 built for Electron's ABI, kept apart from the Node build that tests and the
// CLI use (docs/decisions.md "Native module for Electron"): `npm start` hands it to the main
// process through `nativeBinding`, `npm run dist` ships it beside the app archive.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Electron build for this Electron version, made once (a prebuilt binary through
 * prebuild-install, else compiled with node-gyp against Electron's headers, both
 * downloaded) in a temporary copy so that node_modules keeps the Node build.
 */
export function electronSqliteBinding(electronVersion) {
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
