/** The supply-chain page's graph across every followed vendor (offline). */
import { defineStore } from 'pinia';

import type { SupplyChainGraph } from '../../../shared/client';
import { useVendorsApi } from '../api/vendors';
import { loadedValue } from './loadedValue';

export const useSupplyChainStore = defineStore('supplyChain', () => {
  const api = useVendorsApi();
  const {
    value: graph,
    loading,
    error,
    load,
  } = loadedValue<SupplyChainGraph>(() => api.supplyChain());

  return { graph, loading, error, load };
});
