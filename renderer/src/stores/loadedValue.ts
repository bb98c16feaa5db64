import { ref, shallowRef } from 'vue';

import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';

/**
 * A value a page reads through the API, with its loading and error state; `load` reads it
 * again. Stores whose loads race or combine several calls keep their own.
 */
export function loadedValue<T>(read: () => Promise<T>) {
  const value = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      value.value = await read();
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      loading.value = false;
    }
  }

  return { value, loading, error, load };
}
