/**
 * The vendor page's data: the tree of the vendor shown, and what its last sync changed,
 * each loaded on demand; a load for another vendor (or a newer load) wins over a slower
 * earlier answer.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { VendorChanges, VendorTree } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';

interface Loaded<T> {
  value: T | null;
  loading: boolean;
  error: AppError | null;
}

export const useVendorWorkspaceStore = defineStore('vendorWorkspace', () => {
  const api = useVendorsApi();
  /** The vendor whose data is held. */
  const vendor = ref<string | null>(null);
  const tree = shallowRef<Loaded<VendorTree>>({ value: null, loading: false, error: null });
  const changes = shallowRef<Loaded<VendorChanges>>({ value: null, loading: false, error: null });
  let revision = 0;

  /** Fetches one part; the answer is kept only if no newer load started meanwhile. */
  async function fetchInto<T>(
    set: (loaded: Loaded<T>) => void,
    previous: T | null,
    fetch: () => Promise<T>,
    mine: number,
  ): Promise<void> {
    set({ value: previous, loading: true, error: null });
    try {
      const value = await fetch();
      if (mine === revision) set({ value, loading: false, error: null });
    } catch (caught) {
      if (mine === revision) set({ value: null, loading: false, error: toAppError(caught) });
    }
  }

  /** Loads the tree and the changes of `name` (both again after a sync). */
  async function load(name: string): Promise<void> {
    const mine = ++revision;
    if (vendor.value !== name) {
      tree.value = { value: null, loading: false, error: null };
      changes.value = { value: null, loading: false, error: null };
    }
    vendor.value = name;
    await Promise.all([
      fetchInto(
        (loaded) => (tree.value = loaded),
        tree.value.value,
        () => api.tree(name),
        mine,
      ),
      fetchInto(
        (loaded) => (changes.value = loaded),
        changes.value.value,
        () => api.changes(name),
        mine,
      ),
    ]);
  }

  return { vendor, tree, changes, load };
});
