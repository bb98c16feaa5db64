import type { CoreModule } from '../module';
import type { SqlStore } from '../store/sqlStore';
import { seedDemo, type DemoSeed } from './demo';
import { createProviderServices, type ProviderServices } from './services';

export interface ProviderModuleServices extends ProviderServices {
  /** Fills an empty server.db with the demonstration provider (`serve --demo`). */
  seedDemo(): Promise<DemoSeed>;
}

/**
 * The provider side (DESIGN "Layout": provider/): what the embedded CTP server publishes,
 * over the provider store. Its contract calls are answered by the http module, which
 * serves it.
 */
export function createProviderModule(deps: {
  store: SqlStore;
  clock: () => Date;
}): CoreModule<ProviderModuleServices> {
  const services = createProviderServices(deps);
  return {
    services: { ...services, seedDemo: () => seedDemo({ store: deps.store, now: deps.clock }) },
    handlers: {},
    dispose() {},
  };
}
