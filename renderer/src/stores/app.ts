/** The running application: name, version, mode, data folder and component versions. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AppInfo } from '../../../shared/api';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useAppApi } from '../api/app';

export const useAppStore = defineStore('app', () => {
  const appApi = useAppApi();

  const info = ref<AppInfo | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let pending: Promise<void> | null = null;

  /** Loads the information; concurrent callers share one request. */
  function load(): Promise<void> {
    pending ??= (async () => {
      loading.value = true;
      error.value = null;
      try {
        info.value = await appApi.info();
      } catch (caught) {
        error.value = toAppError(caught);
      } finally {
        loading.value = false;
        pending = null;
      }
    })();
    return pending;
  }

  /** Loads once: for parts of the frame that only need the information to exist. */
  function ensureLoaded(): Promise<void> {
    return info.value !== null ? Promise.resolve() : load();
  }

  return { info, loading, error, load, ensureLoaded };
});
