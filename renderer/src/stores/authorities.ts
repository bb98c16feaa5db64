/** The keys and CAs trusted for result signatures, and their changes (each re-checks results). */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AuthorityAddRequest, AuthorityEntry } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';

export const useAuthoritiesStore = defineStore('authorities', () => {
  const api = useVendorsApi();
  const authorities = ref<AuthorityEntry[] | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  /** How many kept results the last change verified again. */
  const rechecked = ref<number | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      authorities.value = await api.authorities();
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      loading.value = false;
    }
  }

  /** Adds a key or CA; throws the AppError for the form to show. */
  async function add(request: AuthorityAddRequest): Promise<void> {
    const change = await api.addAuthority(request);
    authorities.value = change.authorities;
    rechecked.value = change.rechecked;
  }

  async function remove(entry: AuthorityEntry): Promise<void> {
    const change = await api.removeAuthority(entry.kind, entry.id);
    authorities.value = change.authorities;
    rechecked.value = change.rechecked;
  }

  return { authorities, loading, error, rechecked, load, add, remove };
});
