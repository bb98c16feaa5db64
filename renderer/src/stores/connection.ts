/** Whether the server answers (headless mode), for the app-wide "disconnected" banner. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

import type { Unsubscribe } from '../../../shared/api';
import { useConnectionMonitor, type ConnectionState } from '../api/connection';

export const useConnectionStore = defineStore('connection', () => {
  const monitor = useConnectionMonitor();

  const state = ref<ConnectionState>(monitor.state);
  /** Bumped each time the server answers again after a loss: stores reload what they show. */
  const reconnections = ref(0);

  /** Where the server is (`127.0.0.1:8443`), or null in the desktop app. */
  const address = ref(monitor.address);
  const lost = computed(() => !state.value.reachable);
  /** When the next automatic attempt starts, or null while one runs. */
  const retryAt = computed(() => state.value.retryAt);

  let unsubscribe: Unsubscribe | null = null;

  /**
   * Follows the connection until the returned function is called (the app frame, while
   * mounted). In headless mode this keeps the event stream open: it is how a loss shows.
   */
  function follow(): () => void {
    unsubscribe ??= monitor.onDidChange((next) => {
      if (!state.value.reachable && next.reachable) reconnections.value++;
      state.value = next;
    });
    state.value = monitor.state;
    return () => {
      unsubscribe?.();
      unsubscribe = null;
    };
  }

  function retry(): void {
    monitor.retryNow();
  }

  return { address, lost, retryAt, reconnections, follow, retry };
});
