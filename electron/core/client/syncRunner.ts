/**
 * Runs the syncs of the app and the CLI around the crawl (syncService.ts): one sync per
 * vendor at a time (a second request joins the running one), each cancellable through its
 * AbortSignal; the demo vendor's loopback server started first; and after each sync, what
 * it changed kept beside it and the independent checks brought up to date. A cancelled
 * sync keeps what it fetched (nothing is pruned: crawler.ts) and its report says so.
 */
import type { SyncProgress } from '../../../shared/client';
import type { ChecksRepository } from './checksRepository';
import type { SyncOutcome } from './crawler';
import type { DemoProvider } from './demoProvider';
import type { AuthorityKeys } from './jwsVerify';
import type { RecordedChecks } from './recordChecks';
import { diffSnapshots } from './syncChanges';
import type { SyncService } from './syncService';
import type { VendorService } from './vendorService';
import type { VendorRecord } from './vendorsRepository';
import type { WorkspaceReader } from './workspaceReader';

export interface SyncRunner {
  /** Syncs a vendor; joins the sync already running for it. */
  sync(
    name: string,
    options?: { onProgress?: (progress: SyncProgress) => void },
  ): Promise<SyncOutcome>;
  /** Cancels the vendor's running sync; false when none runs. */
  cancel(name: string): boolean;
  isRunning(name: string): boolean;
  /** Brings a vendor's checks up to date (`allSignatures`: verify every kept result again). */
  recheck(vendor: VendorRecord, allSignatures: boolean): Promise<RecordedChecks>;
  /** Cancels the vendor's running sync, if any, and waits until it has ended. */
  stop(name: string): Promise<void>;
  /** Cancels every running sync and waits for them to end. */
  dispose(): Promise<void>;
}

export function createSyncRunner(deps: {
  sync: SyncService;
  vendors: VendorService;
  reader: WorkspaceReader;
  checks: ChecksRepository;
  demo: DemoProvider;
  /** The authority keys trusted now (read at each check: the file may change). */
  authorities: () => AuthorityKeys;
  clock: () => Date;
}): SyncRunner {
  const running = new Map<string, { controller: AbortController; done: Promise<SyncOutcome> }>();

  // The checks evaluate CTPScript and verify JWS: loaded with the first sync, not with
  // every command (DESIGN "Command line").
  const recheck = async (vendor: VendorRecord, allSignatures: boolean): Promise<RecordedChecks> => {
    const { recordChecks } = await import('./recordChecks');
    return recordChecks(
      {
        store: deps.sync.workspace(vendor.name),
        checks: deps.checks,
        vendorId: vendor.id,
        authorities: deps.authorities(),
        clock: deps.clock,
      },
      { allSignatures },
    );
  };

  /** The demo server's port changes between runs: the vendor follows it. */
  const followDemo = async (vendor: VendorRecord): Promise<void> => {
    const endpoint = await deps.demo.start();
    const pinned = vendor.trust.kind === 'fingerprint' ? vendor.trust.sha256 : null;
    if (vendor.baseUrl === endpoint.ctpBase && pinned === endpoint.fingerprint256) return;
    deps.vendors.edit(vendor.name, {
      url: endpoint.ctpBase,
      token: endpoint.token,
      trust: { kind: 'fingerprint', sha256: endpoint.fingerprint256 },
    });
  };

  /**
   * The demo's first sync also takes in its 90 days of published results (CTP serves the
   * current result only), as part of that sync and its report, so the history chart has
   * a past; later syncs find nothing more to take.
   */
  const backfillDemo = async (vendor: VendorRecord, outcome: SyncOutcome): Promise<void> => {
    const store = deps.sync.workspace(vendor.name);
    if ((store.counts().results ?? 0) > outcome.report.newResults) return;
    const past = await deps.demo.pastResults();
    const now = deps.clock().toISOString();
    const added = store.transaction(
      () =>
        past.filter((result) => {
          const parsed = JSON.parse(result.text) as {
            updateTime?: unknown;
            dateTime?: unknown;
            authorityId?: unknown;
          };
          const updateTime = parsed.updateTime ?? parsed.dateTime;
          return store.addResult(
            outcome.syncId,
            {
              measurementUrl: result.measurementUrl,
              updateTime: typeof updateTime === 'string' ? updateTime : null,
              text: result.text,
              authorityId: typeof parsed.authorityId === 'string' ? parsed.authorityId : null,
            },
            now,
          );
        }).length,
    );
    outcome.report.newResults += added;
    store.finishSync(outcome.syncId, outcome.report, deps.clock().toISOString());
  };

  const run = async (
    vendor: VendorRecord,
    signal: AbortSignal,
    onProgress: ((progress: SyncProgress) => void) | undefined,
  ): Promise<SyncOutcome> => {
    if (vendor.demo) await followDemo(vendor);
    const before = deps.reader.snapshot(vendor.id);
    const outcome = await deps.sync.sync(vendor.name, {
      signal,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    if (vendor.demo && outcome.report.status !== 'failed') await backfillDemo(vendor, outcome);
    const after = deps.reader.snapshot(vendor.id);
    deps.checks.putChanges(
      outcome.syncId,
      vendor.id,
      diffSnapshots(before, after, deps.reader.resultsOfSync(vendor.id, outcome.syncId)),
    );
    await recheck(vendor, false);
    return outcome;
  };

  return {
    sync(name, options = {}) {
      const vendor = deps.vendors.get(name);
      const current = running.get(vendor.name);
      if (current !== undefined) return current.done;
      const controller = new AbortController();
      const done = run(vendor, controller.signal, options.onProgress).finally(() =>
        running.delete(vendor.name),
      );
      running.set(vendor.name, { controller, done });
      return done;
    },
    cancel(name) {
      const current = running.get(name);
      if (current === undefined) return false;
      current.controller.abort();
      return true;
    },
    isRunning: (name) => running.has(name),
    recheck,
    async stop(name) {
      const current = running.get(name);
      if (current === undefined) return;
      current.controller.abort();
      await current.done.catch(() => undefined);
    },
    async dispose() {
      const all = [...running.values()];
      for (const item of all) item.controller.abort();
      await Promise.allSettled(all.map((item) => item.done));
    },
  };
}
