/**
 * The portfolio: every followed vendor with its last sync and checks, kept live through
 * `vendors.onDidChange` while a page follows it, and the add, edit, remove and demo
 * actions (each reloads the portfolio).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { VendorAddRequest, VendorEditRequest, VendorOverview } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';
import { sharedSubscription } from './sharedSubscription';

export const useVendorsStore = defineStore('vendors', () => {
  const api = useVendorsApi();

  const vendors = ref<VendorOverview[] | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);

  let pending: Promise<void> | null = null;
  let again = false;

  /** Loads the portfolio; a load asked for while one runs runs once more after it. */
  function load(): Promise<void> {
    if (pending !== null) {
      again = true;
      return pending;
    }
    pending = (async () => {
      loading.value = true;
      try {
        do {
          again = false;
          try {
            vendors.value = await api.list();
            error.value = null;
          } catch (caught) {
            error.value = toAppError(caught);
          }
        } while (again);
      } finally {
        loading.value = false;
        pending = null;
      }
    })();
    return pending;
  }

  /** Reloads whenever a vendor changes, until the returned function is called. */
  const follow = sharedSubscription(() => api.onDidChange(() => void load()));

  function find(name: string): VendorOverview | null {
    return vendors.value?.find((vendor) => vendor.name === name) ?? null;
  }

  async function add(request: VendorAddRequest): Promise<VendorOverview> {
    const added = await api.add(request);
    await load();
    return added;
  }

  async function edit(request: VendorEditRequest): Promise<VendorOverview> {
    const edited = await api.edit(request);
    await load();
    return edited;
  }

  async function remove(name: string): Promise<void> {
    await api.remove(name);
    await load();
  }

  async function addDemo(): Promise<VendorOverview> {
    const demo = await api.addDemo();
    await load();
    return demo;
  }

  return { vendors, loading, error, load, follow, find, add, edit, remove, addDemo };
});
