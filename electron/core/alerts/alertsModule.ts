import type { ServerStatus } from '../../../shared/api';
import type { ClientServices } from '../client/clientModule';
import type { SecretStore } from '../client/secretStore';
import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import type { SqlStore } from '../store/sqlStore';
import { createInboxService, type InboxService } from './listener/inboxService';
import type { ListenerOptions } from './listener/listener';
import type { NotifierOptions } from './notifier/notifier';
import { createNotifierService, type NotifierService } from './notifier/notifierService';
import { createOutboxRepository } from './notifier/outboxRepository';
import { createVendorTriggerService, type VendorTriggerService } from './triggers/vendorTriggers';
import { createAccountSettings } from './xmpp/accountSettings';
import type { Connect } from './xmpp/xmppSession';

export interface AlertsServices {
  /** The provider's notifier: its account, its outbox, and the draining loop. */
  readonly notifier: NotifierService;
  /** The auditor's account, inbox and listener. */
  readonly inbox: InboxService;
  /** Triggers on vendors (loads the CTP client's services). */
  triggers(): Promise<VendorTriggerService>;
}

type AlertsCalls =
  | 'alerts.list'
  | 'alerts.setRead'
  | 'alerts.markAllRead'
  | 'alerts.listenerStatus'
  | 'alerts.setAccount'
  | 'alerts.removeAccount'
  | 'alerts.notifierStatus'
  | 'alerts.setNotifier'
  | 'alerts.removeNotifier'
  | 'alerts.testNotifier'
  | 'alerts.outbox'
  | 'alerts.retryOutbox'
  | 'triggers.targets'
  | 'triggers.list'
  | 'triggers.create'
  | 'triggers.remove'
  | 'triggers.preview';

export interface AlertsModuleDependencies {
  /** The provider store (the outbox and the notifier's account): server.db or PostgreSQL. */
  providerStore: () => SqlStore;
  /** auditor.db (alerts, the alerts account), opened on first use. */
  auditorDb: () => SqliteDatabase;
  /** The CTP client: vendors, their sync (catch-up, trigger writes). */
  client: () => Promise<ClientServices>;
  secrets: SecretStore;
  clock: () => Date;
  events: EventBus;
  log: { warn(object: object, message: string): void; info(object: object, message: string): void };
  /** Run the listener whenever an account is set (the desktop app, `serve --ui`). */
  listen: boolean;
  /** Replaced in tests only; default: the xmpp.js adapter, loaded on first use. */
  connect?: Connect;
  notifierOptions?: Partial<NotifierOptions>;
  listenerOptions?: Partial<ListenerOptions>;
}

/** Calls `run` once, `delayMs` after the first of a burst of requests. */
function coalesce(delayMs: number, run: () => void): { request(): void; cancel(): void } {
  let timer: NodeJS.Timeout | null = null;
  return {
    request() {
      timer ??= setTimeout(() => {
        timer = null;
        run();
      }, delayMs);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Built on first use; `peek` gives it only if built (disposing builds nothing). */
function once<T>(build: () => T): { (): T; peek(): T | undefined } {
  let built: { value: T } | null = null;
  return Object.assign(() => (built ??= { value: build() }).value, {
    peek: () => built?.value,
  });
}

/** The `alerts.*` and `triggers.*` calls, over the module's lazily built services. */
function alertsHandlers(
  notifier: () => NotifierService,
  inbox: () => InboxService,
  triggers: () => Promise<VendorTriggerService>,
): CoreModule<AlertsServices, AlertsCalls>['handlers'] {
  return {
    'alerts.list': async (filter) => {
      inbox().importSynced();
      return inbox().repository.list(filter);
    },
    'alerts.setRead': async ({ ids, read }) => inbox().setRead(ids, read),
    'alerts.markAllRead': async () => inbox().markAllRead(),
    'alerts.listenerStatus': () => inbox().listenerStatus(),
    'alerts.setAccount': (request) => inbox().setAccount(request),
    'alerts.removeAccount': async () => {
      await inbox().removeAccount();
      return inbox().listenerStatus();
    },
    'alerts.notifierStatus': () => notifier().status(),
    'alerts.setNotifier': (request) => notifier().setAccount(request),
    'alerts.removeNotifier': async () => {
      await notifier().removeAccount();
      return notifier().status();
    },
    'alerts.testNotifier': ({ jid }) => notifier().test(jid),
    'alerts.outbox': ({ state, limit }) =>
      notifier().outbox({ ...(state === undefined ? {} : { state }), limit: limit ?? 100 }),
    'alerts.retryOutbox': async ({ seqs }) => ({
      requeued: await notifier().retry(seqs ?? null),
    }),
    'triggers.targets': async ({ vendor }) => (await triggers()).targets(vendor),
    'triggers.list': async ({ vendor }) => (await (await triggers()).list(vendor)).triggers,
    'triggers.create': async (draft) => (await triggers()).create(draft),
    'triggers.remove': async ({ vendor, url }) => (await triggers()).remove(vendor, url),
    'triggers.preview': async (request) => (await triggers()).preview(request),
  };
}

/**
 * Alerts over XMPP (DESIGN "Alerts"): the provider's notifier, which drains the outbox
 * while the embedded server listens (it starts and stops with the server's status event:
 * its messages carry links under the CtpBase served); the auditor's listener and inbox;
 * triggers on vendors. Parts are built on first use, so a command opens only its database,
 * and the XMPP code is loaded only by what connects.
 */
export function createAlertsModule(
  deps: AlertsModuleDependencies,
): CoreModule<AlertsServices, AlertsCalls> {
  const connect: Connect =
    deps.connect ??
    (async (options) => (await import('./xmpp/xmppConnection')).createXmppConnection(options));
  let disposed = false;

  const notifierEvents = coalesce(200, () => {
    if (disposed) return;
    void notifier()
      .status()
      .then((status) => deps.events.emit('alerts.onDidChangeNotifier', status));
  });
  const notifier = once(() =>
    createNotifierService({
      outbox: createOutboxRepository(deps.providerStore()),
      settings: createAccountSettings(deps.providerStore(), 'notifier_settings'),
      secrets: deps.secrets,
      clock: deps.clock,
      log: deps.log,
      connect,
      onChange: notifierEvents.request,
      options: deps.notifierOptions,
    }),
  );

  const listenerEvents = coalesce(100, () => {
    if (disposed) return;
    void inbox()
      .listenerStatus()
      .then((status) => deps.events.emit('alerts.onDidChangeListener', status));
  });
  const inbox = once(() =>
    createInboxService({
      db: deps.auditorDb(),
      secrets: deps.secrets,
      clock: deps.clock,
      events: deps.events,
      log: deps.log,
      connect,
      async syncVendors() {
        const client = await deps.client();
        for (const vendor of client.vendors.list()) {
          await client.sync.sync(vendor.name).catch((error: unknown) => {
            deps.log.warn({ vendor: vendor.name, err: String(error) }, 'catch-up sync failed');
          });
        }
      },
      onListenerStatus: listenerEvents.request,
      listenerOptions: deps.listenerOptions,
    }),
  );

  const triggers = once(async (): Promise<VendorTriggerService> =>
    createVendorTriggerService({ client: await deps.client(), account: inbox().account }),
  );

  // The notifier follows the embedded server: it needs the CtpBase it serves.
  const unsubscribe = deps.events.subscribe(
    (message) => {
      if (message.name !== 'server.onDidChangeStatus') return;
      const { listening, ctpBase } = message.payload as ServerStatus;
      const service = notifier();
      const change = listening && ctpBase !== null ? service.start(ctpBase) : service.stop();
      change.catch((error: unknown) =>
        deps.log.warn({ err: String(error) }, 'the notifier could not start or stop'),
      );
    },
    { internal: true },
  );
  if (deps.listen) {
    void inbox()
      .listener()
      .then((listener) => listener.start())
      .catch((error: unknown) =>
        deps.log.warn({ err: String(error) }, 'the alerts listener could not start'),
      );
  }

  return {
    services: {
      get notifier() {
        return notifier();
      },
      get inbox() {
        return inbox();
      },
      triggers,
    },
    handlers: alertsHandlers(notifier, inbox, triggers),
    async dispose() {
      disposed = true;
      unsubscribe();
      notifierEvents.cancel();
      listenerEvents.cancel();
      await Promise.all([notifier.peek()?.stop(), inbox.peek()?.close()]);
    },
  };
}
