/**
 * The provider's console (the Server area): the published tree, the measurement open in
 * it, publishing, and the customers' triggers. Follows the server's status events, which
 * fire whenever the published data changes (this window, a customer, or the CLI), so every
 * view stays current.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AppError } from '../../../shared/errors';
import type {
  ConsoleTrigger,
  MeasurementConsole,
  PublishedTree,
  PublishReport,
} from '../../../shared/serverConsole';
import { toAppError } from '../api/auditor';
import { useServerApi } from '../api/server';
import { sharedSubscription } from './sharedSubscription';

export const useProviderConsoleStore = defineStore('providerConsole', () => {
  const api = useServerApi();
  const tree = shallowRef<PublishedTree | null>(null);
  const triggers = shallowRef<ConsoleTrigger[] | null>(null);
  const measurement = shallowRef<MeasurementConsole | null>(null);
  const loading = ref(false);
  const error = shallowRef<AppError | null>(null);
  const measurementError = shallowRef<AppError | null>(null);
  let openId: string | null = null;

  async function guarded(step: () => Promise<void>, target = error): Promise<void> {
    try {
      target.value = null;
      await step();
    } catch (caught) {
      target.value = toAppError(caught);
    }
  }

  async function load(): Promise<void> {
    loading.value = true;
    await guarded(async () => {
      const [published, all] = await Promise.all([api.tree(), api.triggers()]);
      tree.value = published;
      triggers.value = all;
    });
    loading.value = false;
    if (openId !== null) await open(openId);
  }

  /** Opens a measurement (null closes it). */
  async function open(id: string | null): Promise<void> {
    openId = id;
    if (id === null) {
      measurement.value = null;
      return;
    }
    await guarded(async () => {
      const detail = await api.measurement(id);
      if (openId === id) measurement.value = detail;
    }, measurementError);
  }

  /** Publishes a result; the report says what the objective and the triggers did. */
  async function publish(measurementId: string, resultText: string): Promise<PublishReport> {
    const report = await api.publish(measurementId, resultText);
    await load();
    return report;
  }

  async function resetTrigger(id: string): Promise<void> {
    await guarded(async () => {
      await api.resetTrigger(id);
      await load();
    });
  }

  const follow = sharedSubscription(() => api.onDidChangeStatus(() => void load()));

  return {
    tree,
    triggers,
    measurement,
    loading,
    error,
    measurementError,
    load,
    open,
    publish,
    resetTrigger,
    follow,
  };
});
