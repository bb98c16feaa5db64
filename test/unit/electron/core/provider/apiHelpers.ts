import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';

import {
  createProviderServices,
  type ProviderServices,
} from '../../../../../electron/core/provider/services';
import { createDispatcher, type ApiHandlers } from '../../../../../electron/core/dispatcher';
import { createEventBus } from '../../../../../electron/core/events';
import { createLogger } from '../../../../../electron/core/logger';
import { buildServer } from '../../../../../electron/core/http/buildServer';
import type { CtpRoutesOptions } from '../../../../../electron/core/http/ctp/ctpRoutes';
import type { SqliteDatabase } from '../../../../../electron/core/store/database';
import { manualClock, openServerDb, sampleProvider } from './helpers';

export const ACME = { authorization: 'Bearer acme-secret-token' };
export const GLOBEX = { authorization: 'Bearer globex-secret-token' };
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

/** A real buildServer app (not listening) over a real server.db holding sampleProvider(). */
export function useCtpApps() {
  const open: Array<{ app: FastifyInstance; close: () => void }> = [];
  afterEach(async () => {
    for (const entry of open.splice(0)) {
      await entry.app.close();
      entry.close();
    }
  });
  return async (
    dir: string,
    options: Partial<Omit<CtpRoutesOptions, 'services'>> & { provider?: unknown } = {},
  ): Promise<{
    app: FastifyInstance;
    services: ProviderServices;
    db: SqliteDatabase;
    time: ReturnType<typeof manualClock>;
  }> => {
    const db = openServerDb(dir);
    const time = manualClock();
    const services = createProviderServices({ db, clock: time.clock });
    await services.importer.importDocument(options.provider ?? sampleProvider());
    const { provider: _provider, ...ctpOptions } = options;
    const app = await buildServer({
      dispatcher: createDispatcher({} as ApiHandlers, () => false),
      events: createEventBus(() => undefined),
      logger: createLogger({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      uiDir: null,
      https: null,
      ctp: { services, rateLimit: null, ...ctpOptions },
    });
    open.push({ app, close: () => db.close() });
    return { app, services, db, time };
  };
}
