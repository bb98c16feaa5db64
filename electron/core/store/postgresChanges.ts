import type { Client, Notification } from 'pg';

/** The channel the schema's statement triggers notify (migrations/server-postgres/0001). */
export const CHANGES_CHANNEL = 'trust_auditor_changes';

export interface ChangeListener {
  /**
   * Moves with every change notified, and with every (re)connection, since notifications
   * sent while no connection listened are lost; null while not listening.
   */
  version(): string | null;
  close(): Promise<void>;
}

export interface ChangeListenerOptions {
  /** A new connected client (not from the pool: LISTEN holds its connection). */
  connect(): Promise<Client>;
  /** The schema the tables live in: the triggers send it, other schemas' changes are not ours. */
  schema: string;
  /** A lost connection, reported once per loss; the listener reconnects by itself. */
  onLost(error: unknown): void;
  /** First wait before reconnecting, doubled up to 5 s. */
  retryMs?: number;
}

/**
 * Follows the changes other processes make (LISTEN on {@link CHANGES_CHANNEL}; the
 * schema's statement-level triggers notify at commit, whoever writes, psql included). The
 * response cache of each `serve` keys on {@link ChangeListener.version}: while the
 * connection is down it is null and nothing is answered from the cache; once it is back,
 * the version moves, since what changed in between was not heard.
 */
export async function listenForChanges(options: ChangeListenerOptions): Promise<ChangeListener> {
  const firstRetry = options.retryMs ?? 100;
  let client: Client | null = null;
  let connections = 0;
  let heard = 0;
  let closed = false;
  let retry = firstRetry;
  let timer: NodeJS.Timeout | null = null;

  const lost = (current: Client, error: unknown): void => {
    if (client !== current) return;
    client = null;
    current.removeAllListeners('notification');
    void current.end().catch(() => undefined);
    if (closed) return;
    options.onLost(error);
    schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = null;
      connect().catch((error: unknown) => {
        retry = Math.min(retry * 2, 5000);
        if (!closed) {
          options.onLost(error);
          schedule();
        }
      });
    }, retry);
    timer.unref();
  };
  const connect = async (): Promise<void> => {
    const next = await options.connect();
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the listening connection ended')));
    next.on('notification', (message: Notification) => {
      if (message.payload === options.schema) heard++;
    });
    try {
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    connections++;
    retry = firstRetry;
  };

  await connect();
  return {
    version: () => (client === null ? null : `${connections}.${heard}`),
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
