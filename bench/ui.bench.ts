/**
 * The workspace pages in Chromium (issue 13), against the built `serve --ui`:
 * - the vendor tree of a ~10,000-resource provider (synced from our own CTP server), and
 * - the history chart of a measurement with 10,000 kept results,
 * each timed from navigation to drawn, as a ratio to the empty Vendors page of another
 * `serve --ui` in the same run (rounds alternate the three pages; medians of round-by-round
 * ratios). Goal: tree ≤ 5×, chart ≤ 5×. Also the first page's gzipped JS + CSS (goal ≤
 * 200 KB) and the chart and graph chunks, which must not be part of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium, type Page } from 'playwright-core';

import { createCore } from '../electron/core/app';
import { createLogger } from '../electron/core/logger';
import { providerDocument } from '../test/integration/client/ourServer';

const ROOT = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HISTORY = 10_000;

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The first page: index.html's script, module preloads and styles, gzipped. */
function bundleSizes() {
  const dir = join(ROOT, 'out', 'renderer');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (match) => match[1]!,
  );
  const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  const chunk = (prefix: string) => {
    const name = readdirSync(join(dir, 'assets')).find(
      (file) => file.startsWith(prefix) && file.endsWith('.js'),
    );
    return name === undefined ? null : round(gz(`assets/${name}`) / 1024, 1);
  };
  return {
    firstPageKB: round(files.reduce((sum, file) => sum + gz(file), 0) / 1024, 1),
    firstPageFiles: files,
    chartChunkKB: chunk('MeasurementHistoryChart-'),
    graphChunkKB: chunk('SupplyChainGraph-'),
  };
}

/** A workspace with a synced ~10,000-resource vendor and one measurement of 10,000 results. */
async function bigWorkspace(dir: string): Promise<{ vendor: string; measurement: string }> {
  const logger = createLogger({ level: 'silent' });
  const provider = await createCore({ dataDir: join(dir, 'provider'), mode: 'headless', logger });
  const auditor = await createCore({ dataDir: join(dir, 'auditor'), mode: 'headless', logger });
  try {
    await provider.provider.importer.importDocument(
      providerDocument({ views: 10, assets: 10, measurements: 98 }),
    );
    const listening = await provider.serverHost.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { mode: 'auto' },
      uiDir: null,
      ctpOptions: { rateLimit: null },
    });
    const { vendors, runner, sync } = auditor.client;
    vendors.add({
      name: 'Big Cloud',
      url: listening.ctpBase,
      token: 'acme-secret-token',
      trust: { kind: 'fingerprint', sha256: listening.fingerprint256 ?? '' },
    });
    const { report } = await runner.sync('Big Cloud');
    if (report.errors.length > 0) throw new Error(`sync errors: ${report.errors[0]!.message}`);
    // 10,000 results of one measurement, an hour apart, as years of syncs would keep them.
    const measurement = `${listening.ctpBase}measurements/m0-0-0`;
    const store = sync.workspace('Big Cloud');
    const start = Date.parse('2025-01-01T00:00:00Z');
    const syncId = store.startSync(new Date().toISOString());
    store.transaction(() => {
      for (let index = 0; index < HISTORY; index++) {
        const updateTime = new Date(start + index * 3_600_000).toISOString();
        const percentage = round(99.8 + 0.2 * Math.abs(Math.sin(index / 50)), 3);
        const text = JSON.stringify({
          value: [{ percentage }],
          updateTime,
          authorityId: null,
          signature: null,
        });
        store.addResult(
          syncId,
          { measurementUrl: measurement, updateTime, text, authorityId: null },
          updateTime,
        );
      }
    });
    store.finishSync(syncId, { ...report, newResults: HISTORY }, new Date().toISOString());
    await runner.recheck(vendors.get('Big Cloud'), false);
    return { vendor: 'Big Cloud', measurement };
  } finally {
    await auditor.dispose();
    await provider.dispose();
  }
}

/** The built `serve --ui` over a data folder; resolves with its origin and admin token. */
async function serveUi(
  dataDir: string,
): Promise<{ child: ChildProcess; origin: string; token: string }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'trust-auditor.js'),
      'serve',
      '--ui',
      '--tls',
      'off',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      dataDir,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  for (;;) {
    const match = /App\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(output);
    if (match !== null) return { child, origin: match[1]!, token: match[2]! };
    if (child.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`serve failed:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Milliseconds from navigation start until `drawn` holds in the page (checked every
 * animation frame), then one more frame so that what was laid out is painted.
 */
async function timeRender(page: Page, url: string, drawn: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  await page
    .waitForFunction(drawn, undefined, { polling: 'raf', timeout: 30_000 })
    .catch(async (error: unknown) => {
      throw new Error(`${url} never showed ${drawn}: ${String(error)}`);
    });
  // A string: this file is compiled without the DOM's types.
  return page.evaluate<number>(
    'new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))',
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ui-bench-'));
  const servers: ChildProcess[] = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const { vendor, measurement } = await bigWorkspace(dir);
    const empty = await serveUi(join(dir, 'empty'));
    const big = await serveUi(join(dir, 'auditor'));
    servers.push(empty.child, big.child);
    // The page's CSP forbids eval; the probes below are evaluated by Playwright as strings.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      bypassCSP: true,
    });
    const page = await context.newPage();
    // The token travels once in the fragment, then stays in this tab's session storage;
    // both servers are on 127.0.0.1 but on other ports, so each origin gets its own.
    const emptyUrl = `${empty.origin}/#token=${empty.token}`;
    const treeUrl = `${big.origin}/#/vendors/${encodeURIComponent(vendor)}`;
    const chartUrl = `${big.origin}/#/vendors/${encodeURIComponent(vendor)}/measurement?url=${encodeURIComponent(measurement)}`;
    await page.goto(`${big.origin}/#token=${big.token}`);
    await page.waitForSelector('h1');
    const pages = {
      empty: [emptyUrl, "document.body.textContent.includes('No vendors yet')"],
      tree: [treeUrl, "document.querySelectorAll('[role=treeitem]').length > 10"],
      // ECharts draws the points on its canvas; its text alternative is set with them (the
      // 10,000 kept results and the one the sync read).
      chart: [
        chartUrl,
        "!!document.querySelector('.history-chart canvas') && document.querySelector('.history-chart .visually-hidden')?.textContent.startsWith('10001 results')",
      ],
    } as const;
    // One unmeasured pass: caches and lazy chunks are warm for every measured one.
    for (const [url, drawn] of Object.values(pages)) await timeRender(page, url, drawn);
    const runs = { empty: [] as number[], tree: [] as number[], chart: [] as number[] };
    for (let index = 0; index < ROUNDS; index++) {
      for (const key of ['empty', 'tree', 'chart'] as const) {
        runs[key].push(await timeRender(page, pages[key][0], pages[key][1]));
      }
    }
    const ratios = (key: 'tree' | 'chart') =>
      median(runs[key].map((value, index) => value / runs.empty[index]!));
    const sizes = bundleSizes();
    const line = {
      name: 'ui',
      ours: round(median(runs.tree)),
      baseline: round(median(runs.empty)),
      unit: 'ms',
      ratio: round(ratios('tree')),
      treeRatio: round(ratios('tree')),
      chartRatio: round(ratios('chart')),
      treeMs: round(median(runs.tree)),
      chartMs: round(median(runs.chart)),
      emptyVendorsMs: round(median(runs.empty)),
      treeResources: 10_030,
      chartPoints: HISTORY,
      goal: { treeRatio: 5, chartRatio: 5, firstPageKB: 200 },
      ...sizes,
    };
    console.log(
      `empty Vendors page ${line.emptyVendorsMs} ms; tree of ~10,000 resources ${line.treeMs} ms (×${line.treeRatio}); ` +
        `chart of 10,000 results ${line.chartMs} ms (×${line.chartRatio}); first page ${line.firstPageKB} KB gzipped ` +
        `(chart chunk ${line.chartChunkKB} KB, graph chunk ${line.graphChunkKB} KB, loaded with their pages)`,
    );
    console.log(`BENCH ${JSON.stringify(line)}`);
    await context.close();
  } finally {
    await browser.close();
    for (const child of servers) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
