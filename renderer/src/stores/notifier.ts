/** The provider's XMPP notifier as the Server page shows it, kept live. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { NotifierStatus } from '../../../shared/alerts';
import type { Unsubscribe } from '../../../shared/api';
import { useAlertsApi } from '../api/alerts';

export const useNotifierStore = defineStore('notifier', () => {
  const alertsApi = useAlertsApi();
  const status = ref<NotifierStatus | null>(null);

  async function load(): Promise<void> {
    status.value = await alertsApi.notifierStatus();
  }

  let unsubscribe: Unsubscribe | null = null;
  /** Live status until the returned function runs. */
  function follow(): () => void {
    unsubscribe ??= alertsApi.onDidChangeNotifier((next) => (status.value = next));
    return () => {
      unsubscribe?.();
      unsubscribe = null;
    };
  }

  return { status, load, follow };
});
