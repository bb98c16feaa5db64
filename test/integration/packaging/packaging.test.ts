// Packaging (README "Packaging"): `npm run dist`'s packaging step (scripts/dist.js with
// electron-builder.yml) packs the built app into an unpacked Linux app folder (`--dir`, no
// installer). Electron cannot be downloaded here, so electron-builder gets a stand-in
// Electron distribution; nor can the Electron build of better-sqlite3 be made here, so
// dist gets a stand-in file, and this checks only that the file given is shipped where the
// main process loads it. The archive must hold exactly what the app runs: the build output
// and the production dependencies, nothing else.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { extractFile, getRawHeader } from '@electron/asar';
import { BSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type {
  ExamineReply,
  ExamineRequest,
} from '../../../electron/core/bundles/verify/ruleExaminerWorker';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const OUT = join(ROOT, 'out');
const STAND_IN_BINDING = 'stand-in for the Electron build of better-sqlite3\n';

interface ArchiveEntry {
  unpacked: boolean;
}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  unpacked?: boolean;
}

/** Every file of an asar archive by its path (`out/main/index.js`), read from its header. */
function archiveFiles(archive: string): Map<string, ArchiveEntry> {
  const files = new Map<string, ArchiveEntry>();
  const walk = (node: HeaderNode, path: string): void => {
    if (node.files === undefined) {
      files.set(path, { unpacked: node.unpacked === true });
      return;
    }
    for (const [name, child] of Object.entries(node.files)) {
      walk(child, path === '' ? name : `${path}/${name}`);
    }
  };
  walk(getRawHeader(archive).header as HeaderNode, '');
  return files;
}

/** Every file under a folder, as slash-separated paths relative to `base`. */
function filesUnder(dir: string, base: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** `name@version` of every package installed for production (package-lock.json). */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { name?: string; version: string; dev?: boolean }>;
  };
  const packages = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev === true) continue;
    const name =
      entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages.add(`${name}@${entry.version}`);
  }
  return packages;
}

let work = '';
let resources = '';
let files = new Map<string, ArchiveEntry>();

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file may find no build yet.
  if (!existsSync(join(OUT, 'main', 'index.js'))) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`the build failed:\n${built.stderr}`);
  }
  work = mkdtempSync(join(tmpdir(), 'trust-auditor-packaging-'));
  // What electron-builder copies from an Electron distribution for Linux: the executable,
  // which it renames after the app.
  const electronDist = join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  const binding = join(work, 'better_sqlite3.node');
  writeFileSync(binding, STAND_IN_BINDING);
  const output = join(work, 'dist');
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'scripts', 'dist.js'),
      '--linux',
      '--dir',
      '--x64',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TRUST_AUDITOR_SQLITE_BINDING: binding,
        // Packing needs no network: a download attempt fails at once instead of reaching out.
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  resources = join(output, 'linux-unpacked', 'resources');
  files = archiveFiles(join(resources, 'app.asar'));
}, 180_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packaged app', () => {
  it('holds exactly the build output, package.json and the production dependencies', () => {
    const paths = [...files.keys()];
    expect(new Set(paths.map((path) => path.split('/')[0]))).toEqual(
      new Set(['out', 'node_modules', 'package.json']),
    );
    // The entry points, the preload script, the renderer and the migrations are there…
    expect(paths).toEqual(
      expect.arrayContaining([
        'out/main/index.js',
        'out/main/cli.js',
        'out/main/ruleExaminerWorker.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
        'out/main/migrations/auditor/0001_bundles.sql',
        'out/main/migrations/server/0001_ctp_resources.sql',
      ]),
    );
    // …and so is every other file of the build, nothing more.
    expect(paths.filter((path) => path.startsWith('out/')).sort()).toEqual(
      filesUnder(OUT, ROOT).sort(),
    );
    const packaged = new Set(
      paths
        .filter((path) => /^(node_modules\/(@[^/]+\/)?[^/]+\/)+package\.json$/.test(path))
        .map((path) => {
          const manifest = JSON.parse(
            extractFile(join(resources, 'app.asar'), path).toString('utf8'),
          ) as { name: string; version: string };
          return `${manifest.name}@${manifest.version}`;
        }),
    );
    expect(packaged).toEqual(productionPackages());
  });

  it('holds no sources, tests, benchmarks or development tools', () => {
    const paths = [...files.keys()];
    expect(paths.filter((path) => /\.(ts|mts|cts|vue|map)$/.test(path))).toEqual([]);
    expect(
      paths.filter((path) => /^(electron|renderer|shared|test|bench|scripts)\//.test(path)),
    ).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const devTools = Object.keys(manifest.devDependencies);
    expect(devTools).toEqual(
      expect.arrayContaining(['electron', 'vitest', 'typescript', 'playwright-core', 'eslint']),
    );
    for (const name of devTools) {
      expect(paths.some((path) => path.startsWith(`node_modules/${name}/`))).toBe(false);
    }
  });

  it('ships the Electron build of better-sqlite3 it was given beside the archive, and no other', () => {
    expect(readFileSync(join(resources, 'native', 'better_sqlite3.node'), 'utf8')).toBe(
      STAND_IN_BINDING,
    );
    expect([...files.keys()].filter((path) => path.endsWith('.node'))).toEqual([]);
  });

  it('unpacks the rule-examiner worker with all it imports, so that it runs from disk alone', async () => {
    expect(files.get('out/main/ruleExaminerWorker.js')?.unpacked).toBe(true);
    const worker = new Worker(
      join(resources, 'app.asar.unpacked', 'out', 'main', 'ruleExaminerWorker.js'),
    );
    try {
      const bytes = BSON.serialize({ rule_id: 'ow-packaged' });
      const buffer = new Uint8Array(bytes).buffer;
      const reply = new Promise<ExamineReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const request: ExamineRequest = {
        id: 7,
        lenient: false,
        paths: ['rules/ow-packaged.bson'],
        ends: [bytes.length],
        bytes: buffer,
      };
      worker.postMessage(request, [buffer]);
      const answer = await reply;
      expect(answer).toMatchObject({
        id: 7,
        examinations: [
          {
            path: 'rules/ow-packaged.bson',
            fileHash: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
            decoded: true,
            ruleId: 'ow-packaged',
          },
        ],
      });
    } finally {
      await worker.terminate();
    }
  });
});
