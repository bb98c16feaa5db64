/** The supply-chain page's graph across every followed vendor (offline). */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { SupplyChainGraph } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';

export const useSupplyChainStore = defineStore('supplyChain', () => {
  const api = useVendorsApi();
  const graph = shallowRef<SupplyChainGraph | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      graph.value = await api.supplyChain();
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      loading.value = false;
    }
  }

  return { graph, loading, error, load };
});
