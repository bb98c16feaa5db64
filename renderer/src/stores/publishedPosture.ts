/** The OpenCTS telemetry this server publishes (the Server page's posture panel). */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { CtsPublished } from '../../../shared/cts';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useCtsApi } from '../api/cts';

export const usePublishedPostureStore = defineStore('publishedPosture', () => {
  const ctsApi = useCtsApi();
  const published = shallowRef<CtsPublished | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let pending: Promise<void> | null = null;

  /** Loads (or reloads) the telemetry; concurrent calls share one request. */
  function load(): Promise<void> {
    pending ??= (async () => {
      loading.value = true;
      try {
        published.value = await ctsApi.published();
        error.value = null;
      } catch (caught) {
        error.value = toAppError(caught);
      } finally {
        loading.value = false;
        pending = null;
      }
    })();
    return pending;
  }

  return { published, loading, error, load };
});
