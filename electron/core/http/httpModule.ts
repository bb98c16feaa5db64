import type { CtsProviderServices } from '../cts/ctsModule';
import { watchDataVersion } from '../dataVersionWatcher';
import type { Dispatcher } from '../dispatcher';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { CoreModule } from '../module';
import type { ProviderServices } from '../provider/services';
import { createServerHost, type ServerHost } from './serverHost';

export interface HttpServices {
  host: ServerHost;
}

/**
 * The Fastify host (DESIGN "Layout": http/): the CTP and admin APIs over the provider's
 * services, and the RPC transport of headless mode. Not listening until asked.
 */
export function createHttpModule(deps: {
  dataDir: string;
  /** The dispatcher is built from every module's handlers, this one's included. */
  dispatcher: () => Dispatcher;
  events: EventBus;
  logger: Logger;
  clock: () => Date;
  provider: ProviderServices;
  /** The OpenCTS telemetry, served at /cts (built on first request). */
  cts?: () => CtsProviderServices;
}): CoreModule<HttpServices, 'server.status'> {
  const host = createServerHost(deps);
  const { store } = deps.provider;
  const onError = (error: unknown) =>
    deps.logger.error({ err: error }, 'watching the provider store failed');
  // `server.onDidChangeStatus` also when another process writes the provider's data.
  const watcher = watchDataVersion({
    dataVersion: () => store.dataVersion() ?? '',
    listeners: () => deps.events.transportCount,
    onChange: () =>
      host.status().then((status) => deps.events.emit('server.onDidChangeStatus', status), onError),
    onError,
  });
  return {
    services: { host },
    handlers: { 'server.status': () => host.status() },
    async dispose() {
      watcher.dispose();
      await host.close();
    },
  };
}
