import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqlStore } from '../store/sqlStore';
import { createConsoleHandlers, type ConsoleCall } from './consoleHandlers';
import { createConsoleReads } from './consoleReads';
import { seedDemo, type DemoSeed } from './demo';
import { createProviderServices, type ProviderServices } from './services';

export interface ProviderModuleServices extends ProviderServices {
  /** Fills an empty server.db with the demonstration provider (`serve --demo`). */
  seedDemo(): Promise<DemoSeed>;
}

/** How often the tokens' last uses noted by the CTP API are written (accounts.ts). */
const TOKEN_USE_FLUSH_MS = 10_000;

/**
 * The provider side (DESIGN "Layout": provider/): what the embedded CTP server publishes,
 * over the provider store, and the provider's console (the app's Server area). The http
 * module serves it and answers `server.status`.
 */
export function createProviderModule(deps: {
  store: SqlStore;
  clock: () => Date;
  events: EventBus;
}): CoreModule<ProviderModuleServices, ConsoleCall> {
  const services = createProviderServices(deps);
  const reads = createConsoleReads(deps.store, services.repositories);
  const flushUses = (): Promise<unknown> => services.accounts.flushUses();
  // A flush that fails keeps its uses pending: the next one writes them.
  const timer = setInterval(() => void flushUses().catch(() => undefined), TOKEN_USE_FLUSH_MS);
  timer.unref();
  return {
    services: { ...services, seedDemo: () => seedDemo({ store: deps.store, now: deps.clock }) },
    handlers: createConsoleHandlers({ services, reads, events: deps.events }),
    async dispose() {
      clearInterval(timer);
      await flushUses();
    },
  };
}
