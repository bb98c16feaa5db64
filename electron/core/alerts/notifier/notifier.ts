/**
 * The provider's XMPP notifier (DESIGN "Alerts", CTP 4.2.7.1, 5.3.2): while `serve` runs
 * with a notifier account, it drains the outbox, one `chat` message per alert to the
 * trigger's JID, body = the log entry as `GET {self}` returns it.
 *
 * Delivery is at least once: a row is marked sent only when the server acknowledged the
 * stanza (XEP-0198); a stream that closes first gives its rows back, which are sent again
 * on the next stream, in `seq` order (so in order per trigger). A refusal the server sends
 * back marks the row failed for good (`cancel`, `auth`, `modify`) or retries it later with
 * backoff and jitter (`wait`). A process killed at any moment loses nothing: unsent rows
 * stay queued, and another notifier takes over their claims once their owner is gone.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

import type { NotifierStatus } from '../../../../shared/alerts';
import { notifierStatus } from './notifierService';
import { encodeLogText } from '../../../../shared/ctp/encodings';
import { parseXmppUri } from '../../../../shared/ctp/xmppUri';
import { backoffDelay } from '../../client/httpClient';
import type { SecretStore } from '../../client/secretStore';
import { shownConnectionState } from '../xmpp/connectionState';
import { xml } from '../xmpp/xmppConnection';
import {
  describeXmppError,
  type Connect,
  type Element,
  type XmppConnection,
} from '../xmpp/xmppSession';
import { logIdOfStanzaId, notificationStanzaId, readRefusal } from './notificationStanzas';
import {
  connectionOptions,
  NOTIFIER_PASSWORD_KEY,
  sameAccount,
  type AccountSettings,
  type AccountSettingsRepository,
} from '../xmpp/accountSettings';
import { createInFlight } from './inFlight';
import type { OutboxRepository, OutboxRow } from './outboxRepository';

export interface NotifierOptions {
  /** How often the outbox is looked at while idle. */
  pollMs: number;
  /** Stanzas sent and not yet acknowledged, at most. */
  window: number;
  /** A claim's lifetime without an acknowledgement (a crashed notifier's rows return then). */
  leaseMs: number;
  /** A body larger than this cannot cross the XMPP server (Prosody's c2s limit is 256 KiB). */
  maxBodyBytes: number;
  /** Backoff of retried rows: full jitter from `retryBaseMs` doubling to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = {
  pollMs: 100,
  window: 1000,
  leaseMs: 5 * 60_000,
  maxBodyBytes: 192 * 1024,
  retryBaseMs: 2_000,
  retryMaxMs: 10 * 60_000,
};

export interface NotifierDependencies {
  outbox: OutboxRepository;
  settings: AccountSettingsRepository;
  secrets: SecretStore;
  clock: () => Date;
  log: { warn(object: object, message: string): void; info(object: object, message: string): void };
  connect: Connect;
  /** Called when the state or the outbox changed (the app's live status). */
  onChange?(): void;
  options?: Partial<NotifierOptions>;
}

export interface Notifier {
  /** Starts draining with links under `ctpBase` (the CtpBase `serve` advertises). */
  start(ctpBase: string): void;
  /** Stops: unacknowledged rows go back to the queue. */
  stop(): Promise<void>;
  readonly running: boolean;
  status(): Promise<NotifierStatus>;
}

/** Identifies this notifier's claims: a crashed process's claims are recognised by host and pid. */
export function notifierOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when an owner's claims can be taken over: its process on this host is gone. */
export function ownerIsGone(owner: string, self: string, alive: (pid: number) => boolean): boolean {
  if (owner === self) return false;
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid)) return false;
  return pid === process.pid || !alive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The message that carries a log entry to the trigger's JID, or why none can. */
function notificationStanza(
  row: OutboxRow,
  ctpBase: string,
  maxBodyBytes: number,
): { stanza: Element } | { refused: string } {
  const target = parseXmppUri(row.notification);
  if (!target.ok) return { refused: `the notification URI is not usable: ${target.reason}` };
  const body = encodeLogText(ctpBase, row.log);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBodyBytes) {
    return {
      refused: `the log entry is ${bytes} bytes, more than ${maxBodyBytes} fit in one XMPP message; the customer can read it from the service view's logs`,
    };
  }
  const id = notificationStanzaId(row.logId);
  return {
    stanza: xml('message', { to: target.address.jid, type: 'chat', id }, xml('body', {}, body)),
  };
}

/** Takes over the claims of notifiers whose process is gone (kill -9, crash). */
function createReclaimer(deps: NotifierDependencies, owner: string): () => Promise<void> {
  let lastReclaim = 0;
  return async () => {
    const nowMs = deps.clock().getTime();
    if (nowMs - lastReclaim < 5_000) return;
    lastReclaim = nowMs;
    for (const other of await deps.outbox.claimOwners(nowMs)) {
      if (ownerIsGone(other, owner, processAlive)) {
        const released = await deps.outbox.releaseOwner(
          other,
          'the notifier that claimed it stopped',
        );
        deps.log.info(
          { owner: other, released },
          'took over the outbox rows of a stopped notifier',
        );
      }
    }
  };
}

/**
 * A refusal the server sent back for one of our notifications: the row fails for good, or
 * is retried later with backoff and jitter. False when the stanza is not such a refusal.
 */
async function onRefusal(
  stanza: Element,
  deps: NotifierDependencies,
  options: NotifierOptions,
): Promise<boolean> {
  const logId = logIdOfStanzaId(stanza.attrs.id);
  const refusal = logId === null ? null : readRefusal(stanza);
  if (logId === null || refusal === null) return false;
  const row = await deps.outbox.findByLog(logId);
  if (row === null) return false;
  deps.log.warn({ seq: row.seq, reason: refusal.reason }, 'a notification was refused');
  if (refusal.retry) {
    const retryAt =
      deps.clock().getTime() +
      backoffDelay(
        Math.max(0, row.attempts - 1),
        { backoffBaseMs: options.retryBaseMs, backoffMaxMs: options.retryMaxMs },
        Math.random,
      );
    await deps.outbox.retryLater(row.seq, refusal.reason, retryAt);
  } else await deps.outbox.markFailed(row.seq, refusal.reason, deps.clock().toISOString());
  return true;
}

interface DrainLoop {
  start(): void;
  /** Drains in `delayMs` (instead of the next poll). */
  schedule(delayMs: number): void;
  /** Drains again right after the drain running now (more is due at once). */
  runAgain(): void;
  /** No more drains; resolves when the one running (if any) has finished. */
  stop(): Promise<void>;
}

/** Runs `drain` every `pollMs` while started, one at a time. */
function createDrainLoop(
  drain: () => Promise<void>,
  pollMs: number,
  log: NotifierDependencies['log'],
): DrainLoop {
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  let again = false;

  const tick = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await drain();
    } catch (error) {
      log.warn({ err: String(error) }, 'the notifier could not drain the outbox');
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      schedule(0);
    }
  };

  function schedule(delayMs: number): void {
    if (!started) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void tick().finally(() => {
        if (started && timer === null) schedule(pollMs);
      });
    }, delayMs);
  }

  return {
    start() {
      started = true;
      schedule(0);
    },
    schedule,
    runAgain() {
      again = true;
    },
    async stop() {
      started = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      while (busy) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export function createNotifier(deps: NotifierDependencies): Notifier {
  const options = { ...DEFAULT_NOTIFIER_OPTIONS, ...deps.options };
  const owner = notifierOwner();
  let ctpBase: string | null = null;
  let connection: XmppConnection | null = null;
  let active: AccountSettings | null = null;
  let lastError: string | null = null;
  let stopping: Promise<void> | null = null;
  const changed = (): void => deps.onChange?.();
  const reclaim = createReclaimer(deps, owner);
  const loop = createDrainLoop(
    async () => {
      await connectIfNeeded();
      await sendDue();
    },
    options.pollMs,
    deps.log,
  );
  const inFlight = createInFlight(deps, () => {
    changed();
    loop.schedule(0);
  });

  const sendDue = async (): Promise<void> => {
    if (connection?.state !== 'online' || inFlight.size >= options.window) return;
    await reclaim();
    const rows = await deps.outbox.claim({
      owner,
      nowMs: deps.clock().getTime(),
      leaseMs: options.leaseMs,
      limit: options.window - inFlight.size,
    });
    const stanzas: Element[] = [];
    for (const row of rows) {
      const built = notificationStanza(row, ctpBase!, options.maxBodyBytes);
      if ('refused' in built) {
        await deps.outbox.markFailed(row.seq, built.refused, deps.clock().toISOString());
        continue;
      }
      inFlight.track(built.stanza.attrs.id!, row.seq);
      stanzas.push(built.stanza);
    }
    if (stanzas.length > 0) await connection.sendMany(stanzas);
    if (rows.length > 0) changed();
    // A full batch: more may be due at once.
    if (rows.length > 0 && rows.length === options.window) loop.runAgain();
  };

  const connectIfNeeded = async (): Promise<void> => {
    const settings = await deps.settings.get();
    if (sameAccount(settings, active) && connection !== null) return;
    await closeConnection('the notifier account changed');
    active = settings;
    if (settings === null) return;
    const account = connectionOptions(settings, deps.secrets, NOTIFIER_PASSWORD_KEY);
    if (account === null) {
      lastError = 'no password is stored for the notifier account: run `server notifier set` again';
      changed();
      return;
    }
    const opened = await deps.connect(account);
    wire(opened);
    connection = opened;
    changed();
    opened.start().catch((error: unknown) => {
      lastError = describeXmppError(error);
      deps.log.warn({ err: lastError }, 'the notifier could not connect');
      changed();
    });
  };

  const closeConnection = async (reason: string): Promise<void> => {
    const closing = connection;
    connection = null;
    if (closing === null) return;
    await closing.stop();
    await inFlight.giveBack(reason);
  };

  const wire = (opened: XmppConnection): void => {
    opened.on('online', () => {
      lastError = null;
      changed();
      loop.schedule(0);
    });
    opened.on('offline', (reason) => {
      lastError = reason;
      changed();
    });
    opened.on('problem', (error) => {
      lastError = describeXmppError(error);
      deps.log.warn({ err: lastError }, 'notifier connection problem');
    });
    opened.on('ack', (stanza) => inFlight.acked(stanza));
    opened.on('fail', (stanza) => inFlight.failed(stanza));
    opened.on(
      'stanza',
      (stanza) => void onRefusal(stanza, deps, options).then((handled) => handled && changed()),
    );
  };

  return {
    start(base) {
      stopping = null;
      ctpBase = base;
      loop.start();
    },
    stop() {
      stopping ??= (async () => {
        ctpBase = null;
        await loop.stop();
        await closeConnection('the notifier stopped before the server acknowledged the message');
        active = null;
        changed();
      })();
      return stopping;
    },
    get running() {
      return ctpBase !== null;
    },
    async status() {
      const state = ctpBase === null ? 'stopped' : shownConnectionState(connection);
      return notifierStatus(deps, { state, lastError: connection?.lastError ?? lastError });
    },
  };
}
