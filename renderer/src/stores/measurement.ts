/**
 * The measurement page's data: the measurement (metric, result, objective, signature,
 * logs) and its history, loaded together; a newer load wins over a slower earlier answer.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { MeasurementDetail, MeasurementHistory } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';

export const useMeasurementStore = defineStore('measurement', () => {
  const api = useVendorsApi();
  const key = ref<{ vendor: string; url: string } | null>(null);
  const detail = shallowRef<MeasurementDetail | null>(null);
  const history = shallowRef<MeasurementHistory | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let revision = 0;

  async function load(vendor: string, url: string): Promise<void> {
    const mine = ++revision;
    const current = key.value;
    if (current === null || current.vendor !== vendor || current.url !== url) {
      detail.value = null;
      history.value = null;
    }
    key.value = { vendor, url };
    loading.value = true;
    error.value = null;
    try {
      const [nextDetail, nextHistory] = await Promise.all([
        api.measurement(vendor, url),
        api.history(vendor, url),
      ]);
      if (mine !== revision) return;
      detail.value = nextDetail;
      history.value = nextHistory;
    } catch (caught) {
      if (mine === revision) error.value = toAppError(caught);
    } finally {
      if (mine === revision) loading.value = false;
    }
  }

  return { key, detail, history, loading, error, load };
});
