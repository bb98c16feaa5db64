import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { seedDemo, type DemoSeed } from './demo';
import { createProviderServices, type ProviderServices } from './services';

export interface ProviderModuleServices extends ProviderServices {
  /** Fills an empty server.db with the demonstration provider (`serve --demo`). */
  seedDemo(): Promise<DemoSeed>;
}

/**
 * The provider side (DESIGN "Layout": provider/): what the embedded CTP server publishes,
 * over server.db. Its contract calls are answered by the http module, which serves it.
 */
export function createProviderModule(deps: {
  db: SqliteDatabase;
  clock: () => Date;
}): CoreModule<ProviderModuleServices> {
  const services = createProviderServices(deps);
  return {
    services: { ...services, seedDemo: () => seedDemo({ db: deps.db, now: deps.clock }) },
    handlers: {},
    dispose() {},
  };
}
