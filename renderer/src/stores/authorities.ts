/** The keys and CAs trusted for result signatures, and their changes (each re-checks results). */
import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { AuthorityAddRequest, AuthorityEntry } from '../../../shared/client';
import { useVendorsApi } from '../api/vendors';
import { loadedValue } from './loadedValue';

export const useAuthoritiesStore = defineStore('authorities', () => {
  const api = useVendorsApi();
  const {
    value: authorities,
    loading,
    error,
    load,
  } = loadedValue<AuthorityEntry[]>(() => api.authorities());
  /** How many kept results the last change verified again. */
  const rechecked = ref<number | null>(null);

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
