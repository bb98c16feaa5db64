/** The embedded CTP server's status, loaded on demand and kept live through its event. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';

import type { ServerStatus } from '../../../shared/api';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useServerApi } from '../api/server';
import { useConnectionStore } from './connection';
import { sharedSubscription } from './sharedSubscription';

export const useServerStore = defineStore('server', () => {
  const serverApi = useServerApi();

  const status = ref<ServerStatus | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  /** When the last live update arrived (null until one does). */
  const liveUpdatedAt = ref<Date | null>(null);

  // Bumped by every live update, so that a slower `status()` answer never overwrites a
  // newer status pushed meanwhile.
  let revision = 0;
  let pending: Promise<void> | null = null;

  const hasPublishedData = computed(() => {
    const counts = status.value?.counts;
    return counts !== undefined && Object.values(counts).some((count) => count > 0);
  });

  function load(): Promise<void> {
    pending ??= (async () => {
      const startedAt = revision;
      loading.value = true;
      error.value = null;
      try {
        const fresh = await serverApi.status();
        if (revision === startedAt) status.value = fresh;
      } catch (caught) {
        if (revision === startedAt) error.value = toAppError(caught);
      } finally {
        loading.value = false;
        pending = null;
      }
    })();
    return pending;
  }

  /**
   * Follows live updates until the returned function is called. Views call it while they
   * are shown; the subscription (and the headless event stream) closes with the last one.
   */
  const connection = useConnectionStore();
  const follow = sharedSubscription(() => {
    const stopEvents = serverApi.onDidChangeStatus((next) => {
      revision++;
      status.value = next;
      error.value = null;
      liveUpdatedAt.value = new Date();
    });
    // Events sent while the server was away are lost: ask again once it answers.
    const stopReloads = watch(
      () => connection.reconnections,
      () => void load(),
    );
    return () => {
      stopEvents();
      stopReloads();
    };
  });

  return { status, loading, error, liveUpdatedAt, hasPublishedData, load, follow };
});
