/** The inbox: alerts (unread first), the unread count for the sidebar, live updates. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AlertItem, AlertsFilter, ListenerStatus } from '../../../shared/alerts';
import type { AccountRequest } from '../../../shared/alertsApi';
import type { Unsubscribe } from '../../../shared/api';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useAlertsApi } from '../api/alerts';

export type InboxFilter = 'all' | 'unread' | 'errors' | 'unknown';

const FILTERS: Record<InboxFilter, AlertsFilter> = {
  all: {},
  unread: { unread: true },
  errors: { kind: 'error' },
  unknown: { origin: 'unknown' },
};

export const useAlertsStore = defineStore('alerts', () => {
  const alertsApi = useAlertsApi();
  const items = ref<AlertItem[]>([]);
  const total = ref(0);
  const unread = ref(0);
  const filter = ref<InboxFilter>('all');
  const listener = ref<ListenerStatus | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const [page, status] = await Promise.all([
        alertsApi.list(FILTERS[filter.value]),
        alertsApi.listenerStatus(),
      ]);
      items.value = page.items;
      total.value = page.total;
      unread.value = page.unread;
      listener.value = status;
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function setFilter(next: InboxFilter): Promise<void> {
    filter.value = next;
    await load();
  }

  async function setRead(alert: AlertItem, read: boolean): Promise<void> {
    const answer = await alertsApi.setRead([alert.id], read);
    unread.value = answer.unread;
    items.value = items.value.map((item) => (item.id === alert.id ? { ...item, read } : item));
  }

  async function markAllRead(): Promise<void> {
    unread.value = (await alertsApi.markAllRead()).unread;
    items.value = items.value.map((item) => ({ ...item, read: true }));
  }

  async function setAccount(request: AccountRequest): Promise<void> {
    listener.value = await alertsApi.setAccount(request);
  }

  /** Forgets the account and its password; the listener stops, the alerts stay. */
  async function removeAccount(): Promise<void> {
    listener.value = await alertsApi.removeAccount();
  }

  /** Only the unread count (the sidebar's badge), without loading the inbox. */
  async function loadUnread(): Promise<void> {
    try {
      unread.value = (await alertsApi.list({ limit: 1 })).unread;
    } catch {
      // The badge stays as it was; the Alerts page shows errors.
    }
  }

  let unsubscribe: Unsubscribe[] = [];
  let followers = 0;
  /** Live updates (new alerts, unread count, listener state) until the returned function runs. */
  function follow(): () => void {
    followers++;
    if (followers === 1) {
      unsubscribe = [
        alertsApi.onDidReceive(({ alert, unread: count }) => {
          unread.value = count;
          const shown = FILTERS[filter.value];
          const matches =
            (shown.unread !== true || !alert.read) &&
            (shown.kind === undefined || alert.kind === shown.kind) &&
            (shown.origin === undefined || alert.origin === shown.origin);
          if (matches && !items.value.some((item) => item.id === alert.id)) {
            items.value = [alert, ...items.value];
            total.value++;
          }
        }),
        alertsApi.onDidChangeUnread(({ unread: count }) => (unread.value = count)),
        alertsApi.onDidChangeListener((status) => (listener.value = status)),
      ];
    }
    let following = true;
    return () => {
      if (!following) return;
      following = false;
      followers--;
      if (followers === 0) {
        for (const stop of unsubscribe.splice(0)) stop();
      }
    };
  }

  return {
    items,
    total,
    unread,
    filter,
    listener,
    loading,
    error,
    load,
    loadUnread,
    setFilter,
    setRead,
    markAllRead,
    setAccount,
    removeAccount,
    follow,
  };
});
