/**
 * The provider side of alerts as commands and calls see it: the notifier's account
 * (`server notifier set|show|remove|test`), the outbox (`server outbox`, `server outbox
 * retry`), and the notifier
 * itself, which runs while the embedded server listens (it needs the CtpBase it serves).
 * The XMPP code is loaded only to send: `server outbox` and `notifier show` never load it.
 */
import type {
  ConnectionState,
  NotifierStatus,
  OutboxEntry,
  OutboxState,
} from '../../../../shared/alerts';
import type { NotifierTestOutcome } from '../../../../shared/alertsApi';
import type { AccountInput } from '../xmpp/accountInput';
import { forgetAccount, NOTIFIER_PASSWORD_KEY, storeAccount } from '../xmpp/accountSettings';
import type { Notifier, NotifierDependencies } from './notifier';

export interface NotifierService {
  /** Keeps the account (password in the secret store); a running notifier reconnects with it. */
  setAccount(input: AccountInput): Promise<NotifierStatus>;
  /** Forgets the account and its password; queued rows stay queued. */
  removeAccount(): Promise<boolean>;
  status(): Promise<NotifierStatus>;
  test(recipient: string): Promise<NotifierTestOutcome>;
  outbox(options: { state?: OutboxState; limit: number }): Promise<OutboxEntry[]>;
  /**
   * Queues failed notifications again (these `seqs`, or every failed one when null); a
   * running notifier sends them on its next poll. Answers the rows queued again.
   */
  retry(seqs: readonly number[] | null): Promise<number[]>;
  /** Starts draining the outbox with links under `ctpBase` (the server's CtpBase). */
  start(ctpBase: string): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** The notifier's collaborators are the service's (notifier.ts). */
export type NotifierServiceDependencies = NotifierDependencies;

/** The status from the stores and, when one runs, the notifier's connection. */
export async function notifierStatus(
  deps: Pick<NotifierServiceDependencies, 'outbox' | 'settings'>,
  connection: { state: ConnectionState; lastError: string | null } | null,
): Promise<NotifierStatus> {
  const settings = await deps.settings.get();
  return {
    jid: settings?.jid ?? null,
    service: settings?.service ?? null,
    customCa: settings !== null && settings.caPem !== null,
    state: settings === null ? 'not-configured' : (connection?.state ?? 'stopped'),
    lastError: connection?.lastError ?? null,
    outbox: await deps.outbox.summary(),
    recentFailures: await deps.outbox.list({ state: 'failed', limit: 5 }),
  };
}

export function createNotifierService(deps: NotifierServiceDependencies): NotifierService {
  let notifier: Notifier | null = null;
  /** The CtpBase of the last start; null once stopped. */
  let wanted: string | null = null;
  return {
    async setAccount(input) {
      await storeAccount(
        deps.settings,
        deps.secrets,
        NOTIFIER_PASSWORD_KEY,
        input,
        deps.clock().toISOString(),
      );
      deps.onChange?.();
      return this.status();
    },
    async removeAccount() {
      const removed = await forgetAccount(deps.settings, deps.secrets, NOTIFIER_PASSWORD_KEY);
      deps.onChange?.();
      return removed;
    },
    status: () => (notifier === null ? notifierStatus(deps, null) : notifier.status()),
    async test(recipient) {
      const { sendTestNotification } = await import('./notifierTest');
      return sendTestNotification(deps, recipient);
    },
    outbox: (options) => deps.outbox.list(options),
    async retry(seqs) {
      const requeued = await deps.outbox.requeueFailed(seqs);
      if (requeued.length > 0) deps.onChange?.();
      return requeued;
    },
    async start(ctpBase) {
      wanted = ctpBase;
      if (notifier === null) {
        const { createNotifier } = await import('./notifier');
        notifier ??= createNotifier(deps);
      }
      // A stop (the app closing) may have come while the notifier's code loaded.
      if (wanted === ctpBase) notifier.start(ctpBase);
    },
    async stop() {
      wanted = null;
      await notifier?.stop();
    },
    get running() {
      return notifier?.running === true;
    },
  };
}
