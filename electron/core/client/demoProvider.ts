/**
 * The first run's demonstration vendor (docs/decisions.md "Renderer": the demo as a
 * vendor). The demo provider is published by a second embedded CTP server of its own: its
 * own server.db in `<data-dir>/demo-provider/` (seeded once with the 90 days of
 * resources/demo), its own self-signed certificate there, listening on a free loopback
 * port of 127.0.0.1. The auditor's real server.db is never touched, whatever it
 * publishes, and the same code serves the desktop app (whose own server may not listen),
 * `serve --ui` and the CLI. The workspace follows it like any vendor, pinned to the
 * certificate it made itself, with a demo account that sees every demo view.
 */
import { join } from 'node:path';

import { AppError } from '../../../shared/errors';
import type { Dispatcher } from '../dispatcher';
import type { ServerHost } from '../http/serverHost';
import type { Logger } from '../logger';
import type { SqliteDatabase } from '../store/database';

/** The vendor name the demo is followed under (a name, so it can be removed like any vendor). */
export const DEMO_VENDOR_NAME = 'Demo: Nimbus Notes';
/** The demo's own account, granted every demo view; its token is published, not secret. */
export const DEMO_ACCOUNT = { name: 'trust-auditor-demo', token: 'demo-auditor-token-not-secret' };

export interface DemoEndpoint {
  ctpBase: string;
  token: string;
  fingerprint256: string;
}

/** A result the demo provider published in its 90 days, as its server kept it. */
export interface PastResult {
  measurementUrl: string;
  /** The result's JSON text as published (signed results verify over it). */
  text: string;
}

export interface DemoProvider {
  /** Starts the demo server once (seeding its database the first time); later calls share it. */
  start(): Promise<DemoEndpoint>;
  /**
   * Every result the demo published, oldest first. CTP serves only the current result,
   * so a first sync would show one point per measurement: the workspace takes the demo's
   * past from here (syncRunner.ts), as if the auditor had synced it every day.
   */
  pastResults(): Promise<PastResult[]>;
  /** Stops the server and closes its database; `start` may run again afterwards. */
  close(): Promise<void>;
}

/** The demo server answers the CTP API only: its RPC transport has no calls. */
const noCalls: Dispatcher = {
  dispatch: async () => {
    throw new AppError('APP_UNKNOWN_CALL', 'The demo provider serves the CTP API only.');
  },
};

export function demoProviderDir(dataDir: string): string {
  return join(dataDir, 'demo-provider');
}

export function createDemoProvider(deps: {
  dataDir: string;
  /** Asked for when the demo starts, so that a CLI command that never starts it loads no logger. */
  logger: () => Promise<Logger>;
  clock: () => Date;
}): DemoProvider {
  let running: Promise<{ endpoint: DemoEndpoint; host: ServerHost; db: SqliteDatabase }> | null =
    null;

  const open = async () => {
    // Loaded on first use: CLI commands that never sync the demo do not load a server.
    const { openDatabase } = await import('../store/database');
    const { loadMigrations } = await import('../store/loadMigrations');
    const { createSqliteStore } = await import('../store/sqliteStore');
    const { createProviderServices } = await import('../provider/services');
    const { seedDemo } = await import('../provider/demo');
    const { createServerHost } = await import('../http/serverHost');
    const { createEventBus } = await import('../events');
    const logger = await deps.logger();
    const folder = demoProviderDir(deps.dataDir);
    const db = openDatabase({
      path: join(folder, 'server.db'),
      migrations: loadMigrations('server'),
    });
    try {
      const store = createSqliteStore(db);
      await seedDemo({ store, now: deps.clock });
      const provider = createProviderServices({ store, clock: deps.clock });
      if ((await provider.accounts.get(DEMO_ACCOUNT.name)) === undefined) {
        await provider.accounts.ensureAccount(DEMO_ACCOUNT.name, ['notes-eu', 'notes-us']);
        await provider.accounts.addToken(DEMO_ACCOUNT.name, DEMO_ACCOUNT.token);
      }
      const host = createServerHost({
        dataDir: folder,
        dispatcher: () => noCalls,
        events: createEventBus((error) => logger.error({ err: error }, 'demo event failed')),
        logger,
        clock: deps.clock,
        provider,
      });
      const listening = await host.listen({
        host: '127.0.0.1',
        port: 0,
        tls: { mode: 'auto' },
        uiDir: null,
        ctpOptions: { rateLimit: null },
      });
      return {
        db,
        host,
        endpoint: {
          ctpBase: listening.ctpBase,
          token: DEMO_ACCOUNT.token,
          fingerprint256: listening.fingerprint256 ?? '',
        },
      };
    } catch (error) {
      db.close();
      throw error;
    }
  };

  const start = async () => {
    running ??= open().catch((error: unknown) => {
      running = null;
      throw error;
    });
    return running;
  };

  return {
    start: async () => (await start()).endpoint,
    async pastResults() {
      const opened = await start();
      const { endpoint } = opened;
      const rows = opened.db
        .prepare<[], { measurement_id: string; result: string }>(
          'SELECT measurement_id, result FROM result_history ORDER BY seq',
        )
        .all();
      return rows.map((row) => ({
        measurementUrl: `${endpoint.ctpBase}measurements/${encodeURIComponent(row.measurement_id)}`,
        text: row.result,
      }));
    },
    async close() {
      const current = running;
      running = null;
      if (current === null) return;
      const opened = await current.catch(() => null);
      if (opened === null) return;
      await opened.host.close();
      opened.db.close();
    },
  };
}
