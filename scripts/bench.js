#!/usr/bin/env node
// Runs the benchmarks in bench/ (`npm run bench` for all, `npm run bench -- NAME` for one),
// one process each, one after another so that they do not disturb each other. Each prints
// its own `BENCH {...}` line (ratio against a baseline measured in the same run).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const wanted = process.argv.slice(2);
const all = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n## ${name}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(benchDir, `${name}.bench.ts`)],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
