import { join } from 'node:path';

import type { AppInfo } from '../../shared/api';
import type { BundleProgress } from '../../shared/bundles';
import type { SyncProgress } from '../../shared/client';
import { AppError } from '../../shared/errors';
import { describeApp, type RuntimeVersions } from './appInfo';
import { createWorkerRuleExaminer } from './bundles/verify/ruleExaminer';
import { createTrustStore, defaultTrustStoreDir } from './bundles/signing/trustStore';
import { createFileSecretStore, defaultSecretsPath, type SecretStore } from './client/secretStore';
import { createSyncService } from './client/syncService';
import { createVendorService } from './client/vendorService';
import { createVendorsRepository } from './client/vendorsRepository';
import { createBundleVerifier } from './bundles/verify/verifyBundle';
import { createServerCountsRepository } from './provider/serverCountsRepository';
import { createCtpServices, type CtpServices } from './provider/services';
import { createDispatcher, type ApiHandlers, type Dispatcher } from './dispatcher';
import { createEventBus, type EventBus } from './events';
import { createLifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { createServerHost, type ServerHost } from './http/serverHost';
import { openDatabase, type SqliteDatabase } from './store/database';
import { loadMigrations } from './store/loadMigrations';
import { throttleLatest } from './throttle';

/** Progress events are passed on at most this often (the last one always). */
const PROGRESS_INTERVAL_MS = 100;

export interface CoreConfig {
  /** The data folder (see config.ts resolveDataDir). */
  dataDir: string;
  mode: AppInfo['mode'];
  logger?: Logger;
  clock?: () => Date;
  /** Electron's build of better-sqlite3 (the app); Node's default otherwise. */
  nativeBinding?: string;
  runtime?: RuntimeVersions;
  /** Where the numbered SQL migrations live (default: beside the code). */
  migrationsDir?: string;
  /**
   * Where vendor tokens are kept: the desktop app passes a keychain-encrypted store;
   * default: the CLI's 0600 file (`<dataDir>/secrets.json`).
   */
  secrets?: SecretStore;
}

/** The running services, available after `start()`. */
export interface Core {
  readonly config: CoreConfig;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly dispatcher: Dispatcher;
  readonly serverHost: ServerHost;
  readonly stores: { readonly auditor: SqliteDatabase; readonly server: SqliteDatabase };
  /** The embedded CTP server's data services (server.db). */
  readonly ctp: CtpServices;
  /** Closes everything in reverse order of opening; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * The composition root: opens the stores and builds every service with its dependencies.
 * Electron main and the CLI both call it; nothing else constructs services.
 */
export async function createCore(config: CoreConfig): Promise<Core> {
  const logger = config.logger ?? createLogger();
  const clock = config.clock ?? (() => new Date());
  const lifecycle = createLifecycle();
  try {
    const open = (name: 'auditor' | 'server'): SqliteDatabase => {
      const db = openDatabase({
        path: join(config.dataDir, `${name}.db`),
        migrations: loadMigrations(name, config.migrationsDir),
        nativeBinding: config.nativeBinding,
      });
      lifecycle.add(`${name}.db`, () => {
        db.close();
      });
      return db;
    };
    const auditor = open('auditor');
    const server = open('server');
    const ctp = createCtpServices({ db: server, clock });
    const events = createEventBus((error) => logger.error({ err: error }, 'event listener failed'));
    const ruleExaminer = createWorkerRuleExaminer();
    lifecycle.add('rule examiner', () => ruleExaminer.close());
    const bundleVerifier = createBundleVerifier({
      trustStore: createTrustStore({ dir: defaultTrustStoreDir(config.dataDir) }),
      clock,
      examiner: ruleExaminer,
    });

    const vendorsRepository = createVendorsRepository(auditor);
    const vendors = createVendorService({
      vendors: vendorsRepository,
      secrets: config.secrets ?? createFileSecretStore(defaultSecretsPath(config.dataDir)),
      clock,
    });
    const sync = createSyncService({ db: auditor, vendors, repository: vendorsRepository, clock });

    // The dispatcher needs the handlers and some handlers need the server host, which
    // needs the dispatcher: the handlers reach the host through this late-bound reference.
    let serverHost: ServerHost | null = null;
    const handlers: ApiHandlers = {
      'app.info': async () =>
        describeApp({
          mode: config.mode,
          dataDir: config.dataDir,
          runtime: config.runtime ?? { electron: null, chrome: null },
          db: auditor,
        }),
      'server.status': async () => requireHost(serverHost).status(),
      'bundles.verify': async ({ path, lenient }) => {
        const { report } = await withThrottledProgress(
          (value: BundleProgress) => events.emit('bundles.onDidProgress', { ...value, path }),
          (onProgress) => bundleVerifier.verifyFile(path, { lenient, onProgress }),
        );
        return report;
      },
      'vendors.list': async () => vendors.list(),
      'vendors.supplyChain': async () => sync.supplyChain(),
      'vendors.sync': async ({ name }) => {
        const outcome = await withThrottledProgress(
          (value: SyncProgress) => events.emit('vendors.onDidSyncProgress', value),
          (onProgress) => sync.sync(name, { onProgress }),
        );
        return outcome.report;
      },
    };
    const dispatcher = createDispatcher(handlers, () => lifecycle.disposed);
    serverHost = createServerHost({
      dataDir: config.dataDir,
      dispatcher,
      events,
      logger,
      counts: createServerCountsRepository(server),
      clock,
      ctp,
    });
    const host = serverHost;
    lifecycle.add('http server', () => host.close());

    return {
      config,
      logger,
      events,
      dispatcher,
      serverHost: host,
      stores: { auditor, server },
      ctp,
      dispose: () => lifecycle.dispose(),
    };
  } catch (error) {
    await lifecycle.dispose();
    throw error;
  }
}

/**
 * Runs long work whose progress becomes events: at most one per PROGRESS_INTERVAL_MS, and
 * the last one always (even when the work fails), so the UI ends on the final state.
 */
async function withThrottledProgress<P, R>(
  emit: (progress: P) => void,
  run: (onProgress: (progress: P) => void) => Promise<R>,
): Promise<R> {
  const progress = throttleLatest(emit, PROGRESS_INTERVAL_MS);
  try {
    return await run((value) => progress.push(value));
  } finally {
    progress.flush();
  }
}

function requireHost(host: ServerHost | null): ServerHost {
  if (host === null)
    throw new AppError('APP_INTERNAL', 'The server host is not ready.', { expected: false });
  return host;
}
