import type { Command } from 'commander';

import type { AlertsServices } from '../core/alerts/alertsModule';
import type { BundlesServices } from '../core/bundles/bundlesModule';
import type { ClientServices } from '../core/client/clientModule';
import { processDataDirSources, resolveDataDir } from '../core/config';
import type { CtsServices } from '../core/cts/ctsModule';
import { createLifecycle, type Lifecycle } from '../core/lifecycle';
import type { CoreModule } from '../core/module';
import type { ProviderModuleServices } from '../core/provider/providerModule';
import type { ProviderDatabase, WorkspaceDatabases } from '../core/store/workspaceDatabases';
import { providerDatabaseOf } from './databaseOption';
import { jsonForTerminal, sanitizeForTerminal } from './terminalText';

/** Where a command writes: the real process streams, or buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
  /** Standard input as text, for commands that read `-`. */
  /** All of standard input, or null once it is larger than `maxBytes`. */
  readStdin(maxBytes: number): Promise<string | null>;
}

/**
 * The modules a command needs (DESIGN "Modules"), each loaded and opened on first use:
 * a command that needs none loads none of their code.
 */
export interface CliModules {
  provider(): Promise<ProviderModuleServices>;
  client(): Promise<ClientServices>;
  /** `keysDir`: the trust store's folder (`--keys DIR`), default `<data-dir>/trusted-keys`. */
  bundles(options?: { keysDir?: string | undefined }): Promise<BundlesServices>;
  /** Alerts: the notifier and its outbox, the inbox and listener, triggers on vendors. */
  alerts(): Promise<AlertsServices>;
  cts(): Promise<CtsServices>;
}

/**
 * What every command receives. Commands report the outcome through `exitCode`:
 * 0 success or verified, 1 the checked thing failed, 2 usage or input error (thrown
 * AppErrors become 2 with `error: MESSAGE` on stderr).
 */
export interface CliContext {
  /** The raw streams: only this module and the progress bar write to them. */
  io: CliIo;
  env: Record<string, string | undefined>;
  exitCode: number;
  /** Prints human-readable text on stdout, made safe for a terminal (terminalText.ts). */
  print(text: string): void;
  /** The same on stderr (warnings, notes). */
  warn(text: string): void;
  /** The data folder for this invocation (`--data-dir`, `TRUST_AUDITOR_DATA`, default). */
  dataDir(command: Command): string;
  /** The modules of the command's data folder; closed when the command ends. */
  modules(command: Command): CliModules;
  /** Sets when the SIGINT/SIGTERM handler of long-running commands (`serve`) is installed. */
  onShutdownSignal(handler: () => Promise<void>): void;
  /** Closes what the command opened (runCli calls it when the command ends). */
  dispose(): Promise<void>;
}

export function createCliContext(io: CliIo, env: Record<string, string | undefined>): CliContext {
  const lifecycle = createLifecycle();
  const dataDir = (command: Command): string => {
    const { dataDir: flag } = command.optsWithGlobals<{ dataDir?: string }>();
    return resolveDataDir({ ...processDataDirSources(flag), env });
  };
  const warn = (text: string): void => io.stderr(sanitizeForTerminal(text));
  // One set of modules per data folder and provider database: a command asking twice
  // shares its databases.
  const opened = new Map<string, CliModules>();
  const modules = (command: Command): CliModules => {
    const dir = dataDir(command);
    const { database } = command.optsWithGlobals<{ database?: string }>();
    const key = `${dir}\n${database ?? env.TRUST_AUDITOR_DATABASE ?? ''}`;
    let found = opened.get(key);
    if (found === undefined) {
      found = openCliModules(
        dir,
        () => providerDatabaseOf(command, env),
        lifecycle,
        (message) => warn(`${message}\n`),
      );
      opened.set(key, found);
    }
    return found;
  };
  return {
    io,
    env,
    exitCode: 0,
    print: (text) => io.stdout(sanitizeForTerminal(text)),
    warn,
    dataDir,
    modules,
    onShutdownSignal(handler) {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        io.stderr(`\n${signal}: shutting down…\n`);
        handler().then(
          () => process.exit(0),
          (error: unknown) => {
            io.stderr(`error during shutdown: ${sanitizeForTerminal(String(error))}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    },
    dispose: () => lifecycle.dispose(),
  };
}

/** Prints one JSON document on stdout (the `--json` contract), exact and terminal-safe. */
export function printJson(context: CliContext, value: unknown): void {
  context.io.stdout(`${jsonForTerminal(value)}\n`);
}

/** Prints one JSON document on one line (JSON Lines output: `--batch`, `alerts listen`). */
export function printJsonLine(context: CliContext, value: unknown): void {
  context.io.stdout(`${jsonForTerminal(value, 0)}\n`);
}

function openCliModules(
  dataDir: string,
  database: () => Promise<ProviderDatabase | undefined>,
  lifecycle: Lifecycle,
  warn: (message: string) => void,
): CliModules {
  const clock = (): Date => new Date();
  const use = <S>(name: string, module: CoreModule<S, never>): S => {
    lifecycle.add(name, () => module.dispose());
    return module.services;
  };
  const databases = once(async (): Promise<WorkspaceDatabases> => {
    const { openWorkspaceDatabases } = await import('../core/store/workspaceDatabases');
    const opened = openWorkspaceDatabases({ dataDir, warn, database: await database() });
    lifecycle.add('databases', () => opened.close());
    return opened;
  });
  const silentEvents = async () => (await import('../core/events')).createEventBus(() => {});
  const secrets = async () => {
    const { createFileSecretStore, defaultSecretsPath } =
      await import('../core/client/secretStore');
    return createFileSecretStore(defaultSecretsPath(dataDir));
  };
  const modules: CliModules = {
    provider: once(async () => {
      const { createProviderModule } = await import('../core/provider/providerModule');
      const store = await (await databases()).provider();
      const module = createProviderModule({ store, clock, events: await silentEvents() });
      return use('provider', module);
    }),
    client: once(async () => {
      const { createClientModule } = await import('../core/client/clientModule');
      const { createDemoProvider } = await import('../core/client/demoProvider');
      const logger = async () => (await import('../core/logger')).createLogger({ level: 'error' });
      const module = createClientModule({
        db: (await databases()).auditor(),
        dataDir,
        secrets: await secrets(),
        clock,
        events: await silentEvents(),
        demo: createDemoProvider({ dataDir, logger, clock }),
      });
      return use('client', module);
    }),
    alerts: once(async () => {
      const { createAlertsModule } = await import('../core/alerts/alertsModule');
      const { createLogger } = await import('../core/logger');
      const opened = await databases();
      // The notifier's outbox and account live in the provider store.
      const store = await opened.provider();
      const module = createAlertsModule({
        providerStore: () => store,
        auditorDb: opened.auditor,
        client: () => modules.client(),
        secrets: await secrets(),
        clock,
        events: await silentEvents(),
        log: createLogger({ level: 'warn' }),
        listen: false,
      });
      return use('alerts', module);
    }),
    async bundles(options = {}) {
      // Loaded side by side: `verify` waits for nothing else before it starts reading.
      const [{ createBundlesModule }, { defaultTrustStoreDir }, opened, events] = await Promise.all(
        [
          import('../core/bundles/bundlesModule'),
          import('../core/bundles/signing/trustStore'),
          databases(),
          silentEvents(),
        ],
      );
      const module = createBundlesModule({
        db: opened.auditor,
        trustStoreDir: options.keysDir ?? defaultTrustStoreDir(dataDir),
        clock,
        // Nobody listens to a command's events: its watchers never look, nor log.
        events,
        log: { warn: () => undefined },
      });
      return use('bundles', module);
    },
    cts: once(async () => {
      const { createCtsModule } = await import('../core/cts/ctsModule');
      const opened = await databases();
      const store = await opened.provider();
      const module = createCtsModule({
        dataDir,
        clock,
        providerStore: () => store,
        auditorDb: opened.auditor,
        client: () => modules.client(),
      });
      return use('cts', module);
    }),
  };
  return modules;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
}
