/**
 * The provider's XMPP notifier as the Server page shows it: its status, the outbox's
 * latest rows (all or of one state), and retrying failed rows; kept live, also when the
 * command line changes the outbox (`server outbox retry`, a `serve` in a terminal).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { NotifierStatus, OutboxEntry, OutboxState } from '../../../shared/alerts';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useAlertsApi } from '../api/alerts';
import { useServerApi } from '../api/server';
import { sharedSubscription } from './sharedSubscription';

/** Rows the outbox view lists, newest first. */
export const OUTBOX_ROWS = 50;

export type OutboxFilter = OutboxState | 'all';

export const useNotifierStore = defineStore('notifier', () => {
  const alertsApi = useAlertsApi();
  const serverApi = useServerApi();
  const status = ref<NotifierStatus | null>(null);
  const rows = shallowRef<OutboxEntry[] | null>(null);
  const filter = ref<OutboxFilter>('all');
  const outboxError = shallowRef<AppError | null>(null);
  /** The row being retried, `all` for every failed row, or null. */
  const retrying = ref<number | 'all' | null>(null);
  const retryError = shallowRef<AppError | null>(null);
  let revision = 0;

  async function loadOutbox(): Promise<void> {
    const mine = ++revision;
    try {
      const state = filter.value;
      const found = await alertsApi.outbox({
        ...(state === 'all' ? {} : { state }),
        limit: OUTBOX_ROWS,
      });
      if (mine !== revision) return;
      rows.value = found;
      outboxError.value = null;
    } catch (caught) {
      if (mine === revision) outboxError.value = toAppError(caught);
    }
  }

  /** The status (throws when it cannot be read) and the outbox rows (kept in `outboxError`). */
  async function load(): Promise<void> {
    const [next] = await Promise.all([alertsApi.notifierStatus(), loadOutbox()]);
    status.value = next;
  }

  async function show(next: OutboxFilter): Promise<void> {
    filter.value = next;
    await loadOutbox();
  }

  /** Queues one failed row again, or every failed row without `seq`. */
  async function retry(seq?: number): Promise<void> {
    retrying.value = seq ?? 'all';
    retryError.value = null;
    try {
      await alertsApi.retryOutbox(seq === undefined ? undefined : [seq]);
      await load();
    } catch (caught) {
      retryError.value = toAppError(caught);
    } finally {
      retrying.value = null;
    }
  }

  /** Live status and rows until the returned function runs. */
  const follow = sharedSubscription(() => {
    const stopNotifier = alertsApi.onDidChangeNotifier((next) => {
      status.value = next;
      void loadOutbox();
    });
    // The provider store changed, maybe in another process: the status event of this one
    // is not sent then (docs/decisions.md "Alerts").
    const stopServer = serverApi.onDidChangeStatus(() => void load().catch(() => undefined));
    return () => {
      stopNotifier();
      stopServer();
    };
  });

  return {
    status,
    rows,
    filter,
    outboxError,
    retrying,
    retryError,
    load,
    show,
    retry,
    follow,
  };
});
