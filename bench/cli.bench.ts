/**
 * The command line as a user runs it: whole processes of the built CLI
 * (`bin/trust-auditor.js`, `npm run build` first), each against a baseline started the
 * same way, in alternating runs (this shared machine's speed drifts); medians of the
 * per-pair ratios. Goals (DESIGN "Command line": a command loads only the code it needs):
 * `--version` and `--help` ≤ 1.5× `node -e ''`; `verify` of a signed 2,000-rule bundle
 * ≤ 4× `tar -xzOf BUNDLE | sha256sum`; `vendor list` over 20 vendors ≤ 2× `node -e ''`.
 * For reference (no goal): that floor against the least a Node program does to read the
 * bundle (bareBundleRead.mjs). Run: `npm run bench -- cli`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writeBenchBundle } from './benchBundle';

const RUNS = 11;
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'trust-auditor.js');

interface Case {
  name: string;
  ours: string[];
  baseline: string[];
  /** Null for a reference measurement, which has no goal. */
  goal: number | null;
}

/** Wall milliseconds of one whole process; throws when it fails. */
function timed(argv: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) {
    throw new Error(
      `${argv.join(' ')} exited ${run.status}: ${run.stderr.toString().slice(0, 500)}`,
    );
  }
  return elapsed;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function measure(item: Case, env: NodeJS.ProcessEnv) {
  timed(item.ours, env);
  timed(item.baseline, env);
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    ours.push(timed(item.ours, env));
    baseline.push(timed(item.baseline, env));
  }
  const ratio = median(ours.map((value, index) => value / baseline[index]!));
  return {
    name: item.name,
    ours: round(median(ours)),
    baseline: round(median(baseline)),
    ratio: round(ratio, 2),
    goal: item.goal,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  try {
    const dataDir = join(dir, 'data');
    const env = { ...process.env, TRUST_AUDITOR_DATA: dataDir };
    const { bundlePath, publicKeyPath } = await writeBenchBundle(dir, 2_000);
    timed([process.execPath, CLI, 'bundle', 'trust', 'add', publicKeyPath], env);
    const token = join(dir, 'token');
    writeFileSync(token, 'a-bench-token-0123456789');
    for (let index = 0; index < 20; index += 1) {
      const url = `https://vendor-${index}.example/ctp/`;
      timed(
        [process.execPath, CLI, 'vendor', 'add', `vendor-${index}`, url, '--token-file', token],
        env,
      );
    }
    const node = [process.execPath, '-e', ''];
    const cases: Case[] = [
      { name: '--version', ours: [process.execPath, CLI, '--version'], baseline: node, goal: 1.5 },
      { name: '--help', ours: [process.execPath, CLI, '--help'], baseline: node, goal: 1.5 },
      {
        name: 'verify 2,000 rules',
        ours: [process.execPath, CLI, 'verify', bundlePath],
        baseline: ['bash', '-c', 'tar -xzOf "$1" | sha256sum >/dev/null', 'floor', bundlePath],
        goal: 4,
      },
      {
        name: 'bare Node read',
        ours: [process.execPath, join(import.meta.dirname, 'bareBundleRead.mjs'), bundlePath],
        baseline: ['bash', '-c', 'tar -xzOf "$1" | sha256sum >/dev/null', 'floor', bundlePath],
        goal: null,
      },
      {
        name: 'vendor list (20)',
        ours: [process.execPath, CLI, 'vendor', 'list'],
        baseline: node,
        goal: 2,
      },
    ];
    const results = cases.map((item) => measure(item, env));
    for (const result of results) {
      console.log(
        `${result.name.padEnd(20)} ours ${String(result.ours).padStart(7)} ms  baseline ${String(result.baseline).padStart(7)} ms  ratio ${result.ratio} (${result.goal === null ? 'reference' : `goal ≤ ${result.goal}`})`,
      );
    }
    const scored = results.flatMap((result) =>
      result.goal === null ? [] : [{ ...result, score: result.ratio / result.goal }],
    );
    const worst = scored.reduce((a, b) => (b.score > a.score ? b : a));
    console.log(
      `BENCH ${JSON.stringify({
        name: 'cli',
        ours: worst.ours,
        baseline: worst.baseline,
        unit: 'ms',
        ratio: worst.ratio,
        worstCase: worst.name,
        cases: results,
      })}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
