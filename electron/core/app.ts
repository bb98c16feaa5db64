import type { AppInfo } from '../../shared/api';
import { createAlertsModule, type AlertsServices } from './alerts/alertsModule';
import { createAppModule, type FileChooser, type RuntimeVersions } from './appInfo';
import { createBundlesModule, type BundlesServices } from './bundles/bundlesModule';
import { defaultTrustStoreDir } from './bundles/signing/trustStore';
import { createClientModule, type ClientServices } from './client/clientModule';
import { createDemoProvider } from './client/demoProvider';
import { createFileSecretStore, defaultSecretsPath, type SecretStore } from './client/secretStore';
import { createCtsModule, type CtsServices } from './cts/ctsModule';
import { createDispatcher, type Dispatcher } from './dispatcher';
import { createEventBus, type EventBus } from './events';
import { createHttpModule } from './http/httpModule';
import type { ServerHost } from './http/serverHost';
import { createLifecycle, type Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import type { CoreModule } from './module';
import { createProviderModule, type ProviderModuleServices } from './provider/providerModule';
import { openWorkspaceDatabases, type ProviderDatabase } from './store/workspaceDatabases';

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
  /** Where a warning for the person running Trust Auditor goes (default: the log). */
  warn?: (message: string) => void;
  /** The desktop app's native file picker (`app.chooseFile`); headless mode has none. */
  chooseFile?: FileChooser;
  /** The provider store on PostgreSQL (`serve --database`); default: server.db. */
  database?: ProviderDatabase;
  /** Run the alerts listener when an account is set (default: in the desktop app). */
  alertsListener?: boolean;
}

/** The running services, available after `createCore` resolves. */
export interface Core {
  readonly config: CoreConfig;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly dispatcher: Dispatcher;
  readonly serverHost: ServerHost;
  /** The embedded CTP server's data (server.db). */
  readonly provider: ProviderModuleServices;
  /** The followed vendors (auditor.db). */
  readonly client: ClientServices;
  readonly bundles: BundlesServices;
  readonly alerts: AlertsServices;
  /** OpenCTS: the telemetry this server publishes, and vendors' telemetry. */
  readonly cts: CtsServices;
  /** Closes everything in reverse order of opening; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * The composition root (DESIGN "Modules"): opens the data folder's databases, builds each
 * area's module in order with its collaborators, merges their contract handlers into one
 * dispatcher, and disposes them in reverse. Electron main and `serve` call it; other CLI
 * commands open only the modules they need (electron/cli/context.ts).
 */
export async function createCore(config: CoreConfig): Promise<Core> {
  const logger = config.logger ?? createLogger();
  const clock = config.clock ?? (() => new Date());
  const lifecycle = createLifecycle();
  try {
    const databases = openWorkspaceDatabases({
      ...config,
      warn: config.warn ?? ((message) => logger.warn(message)),
    });
    lifecycle.add('databases', () => databases.close());
    const events = createEventBus((error) => logger.error({ err: error }, 'event listener failed'));
    const use = moduleUser(lifecycle);

    const app = use(
      'app',
      createAppModule({ ...config, runtime: config.runtime ?? noRuntime, db: databases.auditor }),
    );
    const store = await databases.provider();
    const provider = use('provider', createProviderModule({ store, clock, events }));
    const secrets = config.secrets ?? createFileSecretStore(defaultSecretsPath(config.dataDir));
    const client = use(
      'client',
      createClientModule({
        db: databases.auditor(),
        dataDir: config.dataDir,
        secrets,
        clock,
        events,
        demo: createDemoProvider({ dataDir: config.dataDir, logger: async () => logger, clock }),
      }),
    );
    const bundles = use(
      'bundles',
      createBundlesModule({
        db: databases.auditor,
        trustStoreDir: defaultTrustStoreDir(config.dataDir),
        clock,
        events,
        log: logger,
      }),
    );
    const alerts = use(
      'alerts',
      createAlertsModule({
        providerStore: () => store,
        auditorDb: databases.auditor,
        client: async () => client.services,
        secrets,
        clock,
        events,
        log: logger,
        listen: config.alertsListener ?? config.mode === 'desktop',
      }),
    );
    const cts = use(
      'cts',
      createCtsModule({
        dataDir: config.dataDir,
        clock,
        providerStore: () => store,
        auditorDb: databases.auditor,
        client: () => client.services,
      }),
    );
    // The RPC transport needs the dispatcher, which needs every handler, the host's too.
    let dispatcher: Dispatcher | null = null;
    const http = use(
      'http',
      createHttpModule({
        dataDir: config.dataDir,
        dispatcher: () => dispatcher!,
        events,
        logger,
        clock,
        provider: provider.services,
        cts: cts.services.provider,
      }),
    );
    dispatcher = createDispatcher(
      {
        ...app.handlers,
        ...provider.handlers,
        ...client.handlers,
        ...bundles.handlers,
        ...cts.handlers,
        ...http.handlers,
        ...alerts.handlers,
      },
      () => lifecycle.disposed,
    );
    return {
      config,
      logger,
      events,
      dispatcher,
      serverHost: http.services.host,
      provider: provider.services,
      client: client.services,
      bundles: bundles.services,
      alerts: alerts.services,
      cts: cts.services,
      dispose: () => lifecycle.dispose(),
    };
  } catch (error) {
    await lifecycle.dispose();
    throw error;
  }
}

const noRuntime: RuntimeVersions = { electron: null, chrome: null };

/** Registers each module's dispose with the lifecycle as it is built. */
function moduleUser(lifecycle: Lifecycle) {
  return <M extends CoreModule<unknown, never>>(name: string, module: M): M => {
    lifecycle.add(name, () => module.dispose());
    return module;
  };
}
