/**
 * The auditor's side of alerts as commands and calls see it: the alerts account, the inbox
 * (list, read state, alerts found by logs syncs), and the listener, whose XMPP code is
 * loaded only when it runs (`alerts list` and `alerts ack` never load it).
 */
import type { AlertItem, ConnectionState, ListenerStatus } from '../../../../shared/alerts';
import { AppError } from '../../../../shared/errors';
import type { SecretStore } from '../../client/secretStore';
import type { EventBus } from '../../events';
import type { SqliteDatabase } from '../../store/database';
import { createSqliteStore } from '../../store/sqliteStore';
import type { AccountInput } from '../xmpp/accountInput';
import {
  createAccountSettings,
  forgetAccount,
  LISTENER_PASSWORD_KEY,
  storeAccount,
  type AccountSettings,
  type AccountSettingsRepository,
} from '../xmpp/accountSettings';
import type { Connect } from '../xmpp/xmppSession';
import { createInboxRepository, type InboxRepository } from './inboxRepository';
import type { Listener, ListenerOptions } from './listener';

export interface InboxService {
  readonly account: AccountSettingsRepository;
  readonly repository: InboxRepository;
  setAccount(input: AccountInput): Promise<ListenerStatus>;
  removeAccount(): Promise<boolean>;
  /** The listener (loaded and built on first use; the app and `serve --ui` start it). */
  listener(): Promise<Listener>;
  listenerStatus(): Promise<ListenerStatus>;
  /** Takes in alerts that logs syncs stored (also done before every listing). */
  importSynced(): void;
  /** Marks alerts read (or unread); unknown ids are ALERTS_NOT_FOUND. */
  setRead(ids: readonly number[], read: boolean): { unread: number };
  markAllRead(): { unread: number };
  /** Follows new alerts besides the event bus (`alerts listen` prints them). */
  onAlert(follow: (alert: AlertItem, unread: number) => void): () => void;
  /** Stops the listener if it runs. */
  close(): Promise<void>;
}

/** The listener's status from its account and, when it runs, its connection. */
export async function listenerStatus(
  account: AccountSettingsRepository,
  repository: InboxRepository,
  running: { state: ConnectionState; lastError: string | null; archive: boolean } | null,
): Promise<ListenerStatus> {
  const settings: AccountSettings | null = await account.get();
  return {
    account:
      settings === null
        ? null
        : { jid: settings.jid, service: settings.service, customCa: settings.caPem !== null },
    state: settings === null ? 'not-configured' : (running?.state ?? 'stopped'),
    lastError: running?.lastError ?? null,
    archive: running?.archive ?? false,
    caughtUpAt: repository.catchUpState().caughtUpAt,
  };
}

export function createInboxService(deps: {
  db: SqliteDatabase;
  secrets: SecretStore;
  clock: () => Date;
  events: EventBus;
  log: { warn(object: object, message: string): void; info(object: object, message: string): void };
  connect: Connect;
  /** A logs sync of every followed vendor (the catch-up's last step). */
  syncVendors(): Promise<void>;
  onListenerStatus(): void;
  listenerOptions?: Partial<ListenerOptions>;
}): InboxService {
  const repository = createInboxRepository(deps.db);
  const account = createAccountSettings(createSqliteStore(deps.db), 'alerts_account');
  const follows = new Set<(alert: AlertItem, unread: number) => void>();
  const now = (): string => deps.clock().toISOString();
  const emitUnread = (unread: number): void =>
    deps.events.emit('alerts.onDidChangeUnread', { unread });

  // New alerts are announced once per turn of the event loop: a burst costs one count.
  const pending: number[] = [];
  const announce = (ids: readonly number[]): void => {
    if (ids.length === 0) return;
    if (pending.length === 0) setImmediate(flushAnnounced);
    pending.push(...ids);
  };
  const flushAnnounced = (): void => {
    const ids = pending.splice(0);
    const unread = repository.unreadCount();
    for (const alert of repository.getMany(ids)) {
      deps.events.emit('alerts.onDidReceive', { alert, unread });
      for (const follow of follows) follow(alert, unread);
    }
    emitUnread(unread);
  };
  const importSynced = (): void => {
    try {
      announce(repository.importSyncedLogs(now()));
    } catch (error) {
      deps.log.warn({ err: String(error) }, 'alerts from synced logs could not be stored');
    }
  };

  let listener: Promise<Listener> | null = null;
  const loadListener = (): Promise<Listener> =>
    (listener ??= import('./listener').then(({ createListener }) =>
      createListener({
        inbox: repository,
        account,
        secrets: deps.secrets,
        clock: deps.clock,
        log: deps.log,
        connect: deps.connect,
        syncVendors: deps.syncVendors,
        importSynced,
        announce,
        onStatus: deps.onListenerStatus,
        options: deps.listenerOptions,
      }),
    ));

  return {
    account,
    repository,
    async setAccount(input) {
      await storeAccount(account, deps.secrets, LISTENER_PASSWORD_KEY, input, now());
      if (listener !== null) await (await listener).reload();
      return this.listenerStatus();
    },
    async removeAccount() {
      const removed = await forgetAccount(account, deps.secrets, LISTENER_PASSWORD_KEY);
      if (listener !== null) await (await listener).reload();
      return removed;
    },
    listener: loadListener,
    async listenerStatus() {
      return listener === null
        ? listenerStatus(account, repository, null)
        : (await listener).status();
    },
    importSynced,
    setRead(ids, read) {
      const missing = ids.filter((id) => repository.get(id) === null);
      if (missing.length > 0) {
        throw new AppError(
          'ALERTS_NOT_FOUND',
          `No alert with id ${missing.slice(0, 10).join(', ')}; \`alerts list\` shows them.`,
        );
      }
      repository.setRead(ids, read, now());
      const unread = repository.unreadCount();
      emitUnread(unread);
      return { unread };
    },
    markAllRead() {
      repository.markAllRead(now());
      const unread = repository.unreadCount();
      emitUnread(unread);
      return { unread };
    },
    onAlert(follow) {
      follows.add(follow);
      return () => follows.delete(follow);
    },
    async close() {
      if (listener !== null) await (await listener).stop();
    },
  };
}
