// CTPScript benchmark (issue 3): compile each realistic condition once, evaluate it
// 1,000,000 times, and compare with hand-written JavaScript closures computing the same
// thing, measured in the same run. Also reports parse+compile time per condition.
// Run: `node --import tsx bench/ctpscript.bench.ts` or `npm run bench -- ctpscript`.
import { compileCondition, evaluateCondition } from '../shared/ctpscript/index';
import type { CompiledCondition } from '../shared/ctpscript/index';

const ITERATIONS = 1_000_000;
const COMPILE_ITERATIONS = 2_000;
const ROUNDS = 3;
const NOW = Date.parse('2026-03-01T12:00:00Z');

interface Row {
  tls_symmetric_key_length: number;
  business_hours_uptime: number;
  other_hours_uptime: number;
  redundancy: number;
  country: string;
}
interface Result {
  value: Row[];
  updateTime: string;
  authorityId: string | null;
  signature: string | null;
}

// A few different results, cycled, so that neither side is measured on one constant input.
const results: Result[] = Array.from({ length: 8 }, (_, k) => ({
  value: Array.from({ length: 5 }, (_, i) => ({
    tls_symmetric_key_length: k % 3 === 0 ? 64 : 256,
    business_hours_uptime: 99 + ((k + i) % 10) / 10,
    other_hours_uptime: 97.5 + (k % 4) / 4,
    redundancy: (k + i) % 4,
    country: ['UK', 'FR', 'DE', 'UK', k === 5 ? 'US' : 'FR'][i] as string,
  })),
  updateTime: `2026-03-01T${String(10 + (k % 3)).padStart(2, '0')}:${String(k * 7).padStart(2, '0')}:00Z`,
  authorityId: null,
  signature: null,
}));

const countryPattern = /^(UK|FR|DE)$/;

interface Case {
  name: string;
  source: string;
  baseline: (result: Result, now: number) => boolean;
}

const cases: Case[] = [
  {
    name: 'example 4.9 (key length)',
    source: 'value[0].tls_symmetric_key_length >= 128',
    baseline: (r) => r.value[0]!.tls_symmetric_key_length >= 128,
  },
  {
    name: 'example 4.9 (business hours)',
    source: 'value[0].business_hours_uptime > 99.5 && value[0].other_hours_uptime > 98.0',
    baseline: (r) =>
      r.value[0]!.business_hours_uptime > 99.5 && r.value[0]!.other_hours_uptime > 98.0,
  },
  {
    name: 'example 4.10 (redundancy)',
    source: 'value[0].redundancy <=2',
    baseline: (r) => r.value[0]!.redundancy <= 2,
  },
  {
    name: 'select + matchRegexp',
    source: 'matchRegexp("^(UK|FR|DE)$", select("country", value))',
    baseline: (r) => r.value.map((row) => row.country).every((c) => countryPattern.test(c)),
  },
  {
    name: 'timeUTC freshness',
    source: 'timeUTC("now") - timeUTC(updateTime) < 3600',
    baseline: (r, now) => now / 1000 - Date.parse(r.updateTime) / 1000 < 3600,
  },
];

function timeIt(fn: () => number): { ms: number; checksum: number } {
  const start = performance.now();
  const checksum = fn();
  return { ms: performance.now() - start, checksum };
}

function runOurs(condition: CompiledCondition, iterations: number): number {
  const options = { now: () => NOW };
  let trues = 0;
  for (let i = 0; i < iterations; i++) {
    const outcome = evaluateCondition(condition, results[i & 7], options).outcome;
    if (outcome === 'true') trues++;
    else if (outcome === 'error') throw new Error('unexpected error outcome');
  }
  return trues;
}

function runBaseline(baseline: Case['baseline'], iterations: number): number {
  const now = (): number => NOW;
  let trues = 0;
  for (let i = 0; i < iterations; i++) {
    if (baseline(results[i & 7] as Result, now())) trues++;
  }
  return trues;
}

const perCase: Record<
  string,
  { ours_ms: number; baseline_ms: number; ratio: number; compile_us: number }
> = {};
let oursTotal = 0;
let baselineTotal = 0;
let compileTotalUs = 0;

for (const c of cases) {
  const compiled = compileCondition(c.source);
  if (!compiled.ok) throw new Error(`${c.source}: ${compiled.diagnostics[0]?.message}`);
  const condition = compiled.condition;
  // Parse + check + compile, averaged.
  const compileStart = performance.now();
  for (let i = 0; i < COMPILE_ITERATIONS; i++) compileCondition(c.source);
  const compileUs = ((performance.now() - compileStart) * 1000) / COMPILE_ITERATIONS;
  // Warm both up, then measure; the checksums must agree (same truth on the same inputs).
  runOurs(condition, 100_000);
  runBaseline(c.baseline, 100_000);
  // Best of a few alternating rounds, so that a busy machine disturbs both sides alike.
  let ours = timeIt(() => runOurs(condition, ITERATIONS));
  let base = timeIt(() => runBaseline(c.baseline, ITERATIONS));
  for (let round = 1; round < ROUNDS; round++) {
    const o = timeIt(() => runOurs(condition, ITERATIONS));
    const b = timeIt(() => runBaseline(c.baseline, ITERATIONS));
    if (o.ms < ours.ms) ours = o;
    if (b.ms < base.ms) base = b;
  }
  if (ours.checksum !== base.checksum) {
    throw new Error(`${c.name}: ${ours.checksum} true outcomes, baseline ${base.checksum}`);
  }
  perCase[c.name] = {
    ours_ms: round(ours.ms),
    baseline_ms: round(base.ms),
    ratio: round(ours.ms / base.ms),
    compile_us: round(compileUs),
  };
  oursTotal += ours.ms;
  baselineTotal += base.ms;
  compileTotalUs += compileUs;
  console.log(
    `${c.name.padEnd(30)} ours ${ours.ms.toFixed(1).padStart(8)} ms  closures ${base.ms
      .toFixed(1)
      .padStart(
        8,
      )} ms  ratio ${(ours.ms / base.ms).toFixed(2)}  compile ${compileUs.toFixed(1)} µs`,
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

console.log(
  `BENCH ${JSON.stringify({
    name: 'ctpscript',
    ours: round(oursTotal),
    baseline: round(baselineTotal),
    unit: `ms for ${ITERATIONS} evaluations of each of ${cases.length} conditions (best of ${ROUNDS})`,
    ratio: round(oursTotal / baselineTotal),
    compile_us_per_condition: round(compileTotalUs / cases.length),
    cases: perCase,
  })}`,
);
