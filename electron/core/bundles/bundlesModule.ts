import { watchDataVersion } from '../dataVersionWatcher';
import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { createBundlesHandlers, type BundlesCall } from './bundlesHandlers';
import { createBundleImporter, type BundleImporter } from './import/importBundle';
import { createRulesRepository } from './import/rulesRepository';
import { createTrustStore, trustStoreVersion, type TrustStore } from './signing/trustStore';
import { createWorkerRuleExaminer } from './verify/ruleExaminer';
import { createBundleVerifier, type BundleVerifier } from './verify/verifyBundle';

export interface BundlesServices {
  trustStore: TrustStore;
  verifier: BundleVerifier;
  /** The importer writes auditor.db, opened only when an import is asked for. */
  importer(): BundleImporter;
}

/**
 * OpenWatch bundles (DESIGN "Layout": bundles/): verification with the workspace's trust
 * store, rule files examined on a worker thread, import into auditor.db.
 */
export function createBundlesModule(deps: {
  /** auditor.db, opened on first use (verifying needs no database). */
  db: () => SqliteDatabase;
  /** The trust store's folder (`<data-dir>/trusted-keys`, or `--keys DIR`). */
  trustStoreDir: string;
  clock: () => Date;
  events: EventBus;
  log: { warn(object: object, message: string): void };
}): CoreModule<BundlesServices, BundlesCall> {
  const { clock, events } = deps;
  const examiner = createWorkerRuleExaminer();
  const trustStore = createTrustStore({ dir: deps.trustStoreDir });
  const verifier = createBundleVerifier({ trustStore, clock, examiner });
  let opened: BundleImporter | null = null;
  const importer = (): BundleImporter =>
    (opened ??= createBundleImporter({
      verifier,
      clock,
      repository: createRulesRepository(deps.db()),
    }));
  const watchers = watchOtherProcesses(deps, trustStore);
  return {
    services: { trustStore, verifier, importer },
    handlers: createBundlesHandlers({
      verifier,
      importer,
      trustStore,
      events,
      watchers,
    }),
    dispose: () => {
      watchers.imports.dispose();
      watchers.keys.dispose();
      return examiner.close();
    },
  };
}

/**
 * `bundles.onDidChange` for what another process changed (a `bundle import` or
 * `bundle trust add|remove` in a terminal while the app is open): auditor.db's
 * `PRAGMA data_version` (moved by other connections' commits only: this process's own
 * imports fire the event themselves) and the trust store folder's listing (which this
 * process's own key changes move too: marked seen after them), polled the way the Server
 * page's status is; the event says only "changed", so the first look fires nothing and a
 * page's first read sets the baseline (docs/decisions.md "Bundles").
 */
function watchOtherProcesses(
  deps: { db: () => SqliteDatabase; events: EventBus; log: { warn(o: object, m: string): void } },
  trustStore: TrustStore,
) {
  const common = {
    listeners: () => deps.events.transportCount,
    onError: (error: unknown) =>
      deps.log.warn({ err: String(error) }, 'watching the bundles for changes failed'),
    fireOnFirstLook: false,
  };
  const changed = (reason: 'imported' | 'keys') => () =>
    deps.events.emit('bundles.onDidChange', { reason });
  return {
    imports: watchDataVersion({
      ...common,
      dataVersion: () => String(deps.db().pragma('data_version', { simple: true })),
      onChange: changed('imported'),
    }),
    keys: watchDataVersion({
      ...common,
      dataVersion: () => trustStoreVersion(trustStore.dir),
      onChange: changed('keys'),
    }),
  };
}
