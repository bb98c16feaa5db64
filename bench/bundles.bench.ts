// Bundles benchmark (docs/decisions.md "Event loop and speed"): verify a signed 2,000-rule
// bundle in-process and compare with the native floor `tar -xzOf BUNDLE | sha256sum`
// measured in the same run (goal ≤ 1.5×), with the app's long-lived examiner (its worker
// thread, warm) and with the calling thread alone (what a one-shot `verify` of a bundle
// this size does); import those 2,000 rules into a fresh auditor.db; peak memory;
// event-loop delay while verifying (goal < 50 ms).
// Run: `node --import tsx bench/bundles.bench.ts` or `npm run bench -- bundles`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

import { createBundleImporter } from '../electron/core/bundles/import/importBundle';
import { createRulesRepository } from '../electron/core/bundles/import/rulesRepository';
import { createWorkerRuleExaminer } from '../electron/core/bundles/verify/ruleExaminer';
import { createTrustStore } from '../electron/core/bundles/signing/trustStore';
import { createBundleVerifier } from '../electron/core/bundles/verify/verifyBundle';
import { openDatabase } from '../electron/core/store/database';
import { loadMigrations } from '../electron/core/store/loadMigrations';
import { writeBenchBundle } from './benchBundle';

const RULES = 2_000;
const RUNS = 21;
// Enough to pass WORKER_AFTER_BYTES (16 MiB: three runs of this bundle's 6.3 MiB of rules).
const WARM_UP_RUNS = 4;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-bench-'));
  try {
    // 2,000 realistic spec rules: the real OpenWatch rules mapped to the spec shape,
    // repeated under new ids, signed.
    const { bundlePath, publicKeyPath } = await writeBenchBundle(dir, RULES);
    const trustStore = createTrustStore({ dir: join(dir, 'trust') });
    await trustStore.add(readFileSync(publicKeyPath));
    const examiner = createWorkerRuleExaminer();
    const verifier = createBundleVerifier({ trustStore, examiner });
    const inThread = createBundleVerifier({ trustStore });

    // Ours (full verification in-process, rule files examined on the worker thread as in
    // the app once it has examined WORKER_AFTER_BYTES), on the calling thread alone, and
    // the native floor, in alternating runs: this shared machine's speed drifts. The
    // floor runs from a small bash process that times the pipeline itself: spawning it
    // from this 200 MiB process would also mark all of our memory copy-on-write, which
    // slowed the next verification down by half.
    const floorShell = spawn(
      'bash',
      [
        '-c',
        'while read -r _; do started=$EPOCHREALTIME; tar -xzOf "$1" | sha256sum >/dev/null; echo "$started $EPOCHREALTIME"; done',
        'floor',
        bundlePath,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const floorTimes = createInterface({ input: floorShell.stdout })[Symbol.asyncIterator]();
    const floor = async (): Promise<number> => {
      floorShell.stdin.write('\n');
      const { value, done } = await floorTimes.next();
      if (done === true) throw new Error('the floor shell stopped');
      const [started, ended] = String(value).split(' ').map(Number);
      return ((ended ?? 0) - (started ?? 0)) * 1000;
    };
    await floor();
    // Warm: the worker thread is started (past WORKER_AFTER_BYTES) and the code compiled
    // by the first runs.
    for (let run = 0; run < WARM_UP_RUNS; run += 1) {
      await verifier.verifyFile(bundlePath);
      await inThread.verifyFile(bundlePath);
    }
    const warm = await verifier.verifyFile(bundlePath);
    if (warm.report.verdict !== 'verified') {
      throw new Error(`bench bundle did not verify: ${JSON.stringify(warm.report.findingCounts)}`);
    }
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 5);
    let delayMaxNs = 0;
    let delayP99Ns = 0;
    const baselineRuns: number[] = [];
    const oursRuns: number[] = [];
    const inThreadRuns: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      baselineRuns.push(await floor());
      const inThreadStarted = performance.now();
      await inThread.verifyFile(bundlePath);
      inThreadRuns.push(performance.now() - inThreadStarted);
      // Watched during verification only, by a new monitor each time: a re-enabled one
      // counts the time it was off as a delay.
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      await verifier.verifyFile(bundlePath);
      oursRuns.push(performance.now() - started);
      delay.disable();
      delayMaxNs = Math.max(delayMaxNs, delay.max);
      delayP99Ns = Math.max(delayP99Ns, delay.percentile(99));
    }
    clearInterval(sampler);
    floorShell.stdin.end();

    // Import of the 2,000 rules into fresh databases.
    const importRuns: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const db = openDatabase({
        path: join(dir, `auditor-${run}.db`),
        migrations: loadMigrations('auditor'),
      });
      const importer = createBundleImporter({
        verifier,
        clock: () => new Date(),
        repository: createRulesRepository(db),
      });
      const verification = await verifier.verifyFile(bundlePath, { keepContent: true });
      const started = performance.now();
      const result = await importer.importVerified(verification);
      importRuns.push(performance.now() - started);
      if (result.counts.inserted !== RULES) throw new Error('import did not insert every rule');
      db.close();
    }

    const ours = median(oursRuns);
    const baseline = median(baselineRuns);
    const line = {
      name: 'bundles',
      ours: round(ours),
      baseline: round(baseline),
      unit: 'ms',
      // Pair by pair (each verification against the floor run just before it), then the
      // median: the machine's drift cancels within a pair.
      ratio: round(median(oursRuns.map((value, index) => value / baselineRuns[index]!)), 2),
      inThreadMs: round(median(inThreadRuns)),
      inThreadRatio: round(
        median(inThreadRuns.map((value, index) => value / baselineRuns[index]!)),
        2,
      ),
      rules: RULES,
      bundleBytes: warm.report.bundle.compressedBytes,
      uncompressedBytes: warm.report.bundle.uncompressedBytes,
      importMs: round(median(importRuns)),
      peakRssMb: round(peakRss / 1024 / 1024),
      eventLoopMaxMs: round(delayMaxNs / 1e6),
      eventLoopP99Ms: round(delayP99Ns / 1e6),
    };
    console.log(
      `verify ${RULES} rules: ours ${line.ours} ms (calling thread alone ${line.inThreadMs} ms, ×${line.inThreadRatio}), tar|sha256sum ${line.baseline} ms (×${line.ratio}); import ${line.importMs} ms; peak RSS ${line.peakRssMb} MiB; event-loop delay max ${line.eventLoopMaxMs} ms`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
    await examiner.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
