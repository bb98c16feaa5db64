/**
 * The auditor's XMPP listener (DESIGN "Alerts"): logs in with the alerts account, turns
 * every incoming message into an alert of the inbox (or keeps it as unknown or malformed),
 * and after every new session catches up on what it missed: the server's offline storage
 * (delivered after our initial presence), its archive (XEP-0313) when it has one, then a
 * logs sync of every followed vendor. Nothing an incoming stanza holds can stop it: each
 * message is classified by a pure function and stored in its own transaction.
 */
import { randomBytes } from 'node:crypto';

import type { AlertChannel, ListenerStatus } from '../../../../shared/alerts';
import type { SecretStore } from '../../client/secretStore';
import {
  connectionOptions,
  LISTENER_PASSWORD_KEY,
  sameAccount,
  type AccountSettings,
  type AccountSettingsRepository,
} from '../xmpp/accountSettings';
import { shownConnectionState } from '../xmpp/connectionState';
import { xml } from '../xmpp/xmppConnection';
import {
  describeXmppError,
  type Connect,
  type Element,
  type XmppConnection,
} from '../xmpp/xmppSession';
import { classifyAlertBody } from './alertMessage';
import {
  archiveQuery,
  isArchiveResult,
  NS_DISCO_INFO,
  NS_MAM,
  readArchiveResult,
  readFin,
  readIncoming,
} from './archiveStanzas';
import type { IncomingMessage, InboxRepository } from './inboxRepository';
import { listenerStatus } from './inboxService';

export interface ListenerOptions {
  /** Archived messages asked for per page, and pages per catch-up at most. */
  archivePageSize: number;
  maxArchivePages: number;
  /** How often alerts found by logs syncs made elsewhere (the Vendors page, the CLI) are taken in. */
  logsPollMs: number;
}

const DEFAULT_OPTIONS: ListenerOptions = {
  archivePageSize: 200,
  maxArchivePages: 500,
  logsPollMs: 2_000,
};

export interface ListenerDependencies {
  inbox: InboxRepository;
  account: AccountSettingsRepository;
  secrets: SecretStore;
  clock: () => Date;
  log: { warn(object: object, message: string): void; info(object: object, message: string): void };
  connect: Connect;
  /** A logs sync of every followed vendor (part of the catch-up). */
  syncVendors(): Promise<void>;
  /** Takes in alerts that logs syncs stored (announcing them). */
  importSynced(): void;
  /** New alerts were stored. */
  announce(ids: readonly number[]): void;
  /** The connection or catch-up state changed. */
  onStatus(): void;
  options?: Partial<ListenerOptions>;
}

export interface Listener {
  /** Connects with the account (if one is set); rejects when the first login fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reconnects when the account changed (or stops when it was removed). */
  reload(): Promise<void>;
  status(): Promise<ListenerStatus>;
  /** Resolves when the catch-up running (or the next one) has finished. */
  caughtUp(): Promise<void>;
}

type Store = (
  body: string,
  sender: string | null,
  channel: AlertChannel,
  messageId: string | null,
) => void;

/** Classifies incoming messages at once and stores them in batches. */
function createIncomingQueue(deps: ListenerDependencies): { store: Store; flush: () => void } {
  // The followed vendors, read again at most once a second (a burst would read them per message).
  let vendors: { list: ReturnType<InboxRepository['vendors']>; at: number } | null = null;
  const followed = (): ReturnType<InboxRepository['vendors']> => {
    const now = Date.now();
    if (vendors === null || now - vendors.at > 1000)
      vendors = { list: deps.inbox.vendors(), at: now };
    return vendors.list;
  };

  const store: Store = (body, sender, channel, messageId) => {
    const classified = classifyAlertBody(body, followed(), deps.inbox.holds);
    if (queued.length === 0) setImmediate(flush);
    queued.push({ classified, sender, channel, messageId, receivedAt: deps.clock().toISOString() });
  };

  // Messages are stored once per turn of the event loop, in one transaction: a burst of
  // alerts costs one commit per turn, not one per message.
  const queued: IncomingMessage[] = [];
  const flush = (): void => {
    if (queued.length === 0) return;
    try {
      deps.announce(deps.inbox.add(queued.splice(0)));
    } catch (error) {
      // A full disk or a bug: logged; what the vendors' logs hold comes back with a sync.
      deps.log.warn({ err: String(error) }, 'incoming messages could not be stored');
    }
  };
  return { store, flush };
}

/** Whether the server keeps an archive of our messages (XEP-0313 §6, service discovery). */
async function hasArchive(opened: XmppConnection, jid: string): Promise<boolean> {
  try {
    const answer = await opened.iq(
      xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO })),
    );
    return (answer.getChild('query', NS_DISCO_INFO)?.getChildren('feature') ?? []).some(
      (feature) => feature.attrs.var === NS_MAM,
    );
  } catch {
    return false;
  }
}

/** What reading the archive needs from the listener. */
interface ArchiveReading {
  inbox: InboxRepository;
  options: ListenerOptions;
  /** Results of each running query, filled by the stanza handler. */
  results: Map<string, Array<ReturnType<typeof readArchiveResult>>>;
  ownJid(): string;
  /** Where to start when no catch-up has read the archive yet. */
  since(): string | null;
  store: Store;
  flush(): void;
}

/** Pages through the archive from where the last catch-up stopped, storing each message. */
async function readArchive(opened: XmppConnection, reading: ArchiveReading): Promise<void> {
  const { inbox, options, results: archiveResults, store, flush } = reading;
  const state = inbox.catchUpState();
  let after = state.archiveAfter;
  let since = state.archiveSince ?? reading.since();
  for (let page = 0; page < options.maxArchivePages; page++) {
    const queryId = randomBytes(6).toString('hex');
    archiveResults.set(queryId, []);
    let answer: Element;
    try {
      answer = await opened.iq(
        archiveQuery({ queryId, after, start: since, max: options.archivePageSize }),
        30_000,
      );
    } catch (error) {
      archiveResults.delete(queryId);
      // The id we resume after has expired from the archive: start again from its time.
      if (after !== null && (error as { condition?: string }).condition === 'item-not-found') {
        after = null;
        continue;
      }
      throw error;
    }
    const results = archiveResults.get(queryId) ?? [];
    archiveResults.delete(queryId);
    for (const result of results) {
      if (result === null) continue;
      const incoming = readIncoming(result.message, reading.ownJid());
      if (incoming !== null) store(incoming.body, incoming.sender, 'archive', result.archiveId);
      after = result.archiveId;
      since = result.stamp ?? since;
    }
    // Stored before the archive position moves past them.
    flush();
    const fin = readFin(answer);
    after = fin.last ?? after;
    inbox.saveCatchUp({
      archiveAfter: after,
      archiveSince: since,
      caughtUpAt: state.caughtUpAt,
    });
    if (fin.complete || results.length === 0) return;
  }
}

/** One incoming stanza: a page of an archive query, or a message to store. */
function handleStanza(stanza: Element, reading: ArchiveReading, log: ListenerDependencies['log']) {
  try {
    if (isArchiveResult(stanza)) {
      const queryId = stanza.getChild('result', NS_MAM)?.attrs.queryid ?? '';
      const result = readArchiveResult(stanza, queryId, reading.ownJid());
      reading.results.get(queryId)?.push(result);
      return;
    }
    const incoming = readIncoming(stanza, reading.ownJid());
    if (incoming !== null)
      reading.store(incoming.body, incoming.sender, 'xmpp', incoming.messageId);
  } catch (error) {
    // A bug or a full disk: logged; the next message is handled as usual.
    log.warn({ err: String(error) }, 'an incoming message could not be stored');
  }
}

/** The catch-up after a new session: offline storage, the archive, then a logs sync. */
async function runCatchUp(
  opened: XmppConnection,
  deps: ListenerDependencies,
  reading: ArchiveReading,
  onArchive: (archive: boolean) => void,
): Promise<void> {
  // Initial presence: the server then delivers what it kept offline (RFC 6121 §8.5.2).
  await opened.send(xml('presence'));
  const archive = await hasArchive(opened, reading.ownJid());
  onArchive(archive);
  if (archive) await readArchive(opened, reading);
  await deps
    .syncVendors()
    .catch((error: unknown) =>
      deps.log.warn({ err: String(error) }, 'the logs sync of the catch-up failed'),
    );
  deps.importSynced();
  deps.inbox.saveCatchUp({
    ...deps.inbox.catchUpState(),
    caughtUpAt: deps.clock().toISOString(),
  });
}

export function createListener(deps: ListenerDependencies): Listener {
  const options = { ...DEFAULT_OPTIONS, ...deps.options };
  let connection: XmppConnection | null = null;
  let active: AccountSettings | null = null;
  let started = false;
  let archive = false;
  let lastError: string | null = null;
  let catchUp: Promise<void> | null = null;
  let poll: NodeJS.Timeout | null = null;
  const waiters: Array<() => void> = [];
  const { store, flush } = createIncomingQueue(deps);

  const reading: ArchiveReading = {
    inbox: deps.inbox,
    options,
    results: new Map(),
    ownJid: () => active?.jid.toLowerCase() ?? '',
    since: () => active?.updatedAt ?? null,
    store,
    flush,
  };
  const startCatchUp = (opened: XmppConnection): void => {
    const running = (catchUp ?? Promise.resolve()).then(() =>
      runCatchUp(opened, deps, reading, (found) => (archive = found)).catch((error: unknown) => {
        lastError = `catch-up: ${describeXmppError(error)}`;
        deps.log.warn({ err: lastError }, 'the alerts catch-up failed');
      }),
    );
    catchUp = running;
    void running.finally(() => {
      if (catchUp === running) {
        catchUp = null;
        for (const resolve of waiters.splice(0)) resolve();
      }
      deps.onStatus();
    });
  };

  const open = async (settings: AccountSettings): Promise<void> => {
    const account = connectionOptions(settings, deps.secrets, LISTENER_PASSWORD_KEY);
    if (account === null) {
      lastError = 'no password is stored for the alerts account: run `alerts account set` again';
      return;
    }
    const opened = await deps.connect(account);
    connection = opened;
    opened.on('stanza', (stanza) => handleStanza(stanza, reading, deps.log));
    opened.on('online', (resumed) => {
      lastError = null;
      deps.onStatus();
      // A resumed stream (XEP-0198) lost nothing; a new session may have.
      if (!resumed) startCatchUp(opened);
    });
    opened.on('offline', (reason) => {
      lastError = reason;
      deps.onStatus();
    });
    opened.on('problem', (error) => {
      lastError = describeXmppError(error);
      deps.log.warn({ err: lastError }, 'alerts listener connection problem');
    });
    deps.onStatus();
    try {
      await opened.start();
    } catch (error) {
      lastError = describeXmppError(error);
      deps.onStatus();
      throw error;
    }
  };

  const close = async (): Promise<void> => {
    const closing = connection;
    connection = null;
    await closing?.stop();
  };

  const listener: Listener = {
    async start() {
      started = true;
      active = await deps.account.get();
      if (poll === null) {
        poll = setInterval(() => deps.importSynced(), options.logsPollMs);
        poll.unref();
      }
      if (active !== null) await open(active);
    },
    async stop() {
      started = false;
      if (poll !== null) clearInterval(poll);
      poll = null;
      await close();
      await catchUp;
      deps.onStatus();
    },
    async reload() {
      if (!started) return;
      const settings = await deps.account.get();
      if (sameAccount(settings, active) && connection !== null) return;
      await close();
      active = settings;
      lastError = null;
      if (settings !== null) await open(settings).catch(() => undefined);
      deps.onStatus();
    },
    async status() {
      return listenerStatus(deps.account, deps.inbox, {
        state: shownConnectionState(connection),
        lastError: connection?.lastError ?? lastError,
        archive,
      });
    },
    caughtUp() {
      if (catchUp === null) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
  return listener;
}
