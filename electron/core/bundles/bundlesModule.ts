import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { createBundlesHandlers, type BundlesCall } from './bundlesHandlers';
import { createBundleImporter, type BundleImporter } from './import/importBundle';
import { createRulesRepository } from './import/rulesRepository';
import { createTrustStore, type TrustStore } from './signing/trustStore';
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
  return {
    services: { trustStore, verifier, importer },
    handlers: createBundlesHandlers({ verifier, importer, trustStore, events }),
    dispose: () => examiner.close(),
  };
}
