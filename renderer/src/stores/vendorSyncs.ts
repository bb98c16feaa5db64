/**
 * Syncs started from this window: each vendor's live progress (done/total, current
 * resource, requests, errors as they come), its cancel, and its report or error once it
 * ends; "sync all" runs the vendors one after the other and can be cancelled as a whole.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';

import type { Unsubscribe } from '../../../shared/api';
import type { SyncProgress, SyncReport } from '../../../shared/client';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useVendorsApi } from '../api/vendors';

export interface SyncRun {
  vendor: string;
  running: boolean;
  cancelling: boolean;
  progress: SyncProgress | null;
  report: SyncReport | null;
  error: AppError | null;
}

/** True when the report says the sync was cancelled. */
export function wasCancelled(report: SyncReport): boolean {
  return report.errors.some((error) => error.code === 'CLIENT_CANCELLED');
}

export const useVendorSyncsStore = defineStore('vendorSyncs', () => {
  const api = useVendorsApi();
  const runs = reactive<Record<string, SyncRun>>({});
  /** The vendors "sync all" has still to sync, or null when it is not running. */
  const queue = ref<string[] | null>(null);

  const running = computed(() => Object.values(runs).filter((run) => run.running));

  let unsubscribe: Unsubscribe | null = null;
  function listen(): void {
    unsubscribe ??= api.onDidSyncProgress((progress) => {
      const run = runs[progress.vendor];
      if (run?.running === true) run.progress = progress;
    });
  }
  function stopListeningWhenIdle(): void {
    if (running.value.length > 0 || unsubscribe === null) return;
    unsubscribe();
    unsubscribe = null;
  }

  async function sync(vendor: string): Promise<SyncReport | null> {
    if (runs[vendor]?.running === true) return null;
    runs[vendor] = {
      vendor,
      running: true,
      cancelling: false,
      progress: null,
      report: null,
      error: null,
    };
    const run = runs[vendor]!;
    listen();
    try {
      run.report = await api.sync(vendor);
      return run.report;
    } catch (caught) {
      run.error = toAppError(caught);
      return null;
    } finally {
      run.running = false;
      run.cancelling = false;
      stopListeningWhenIdle();
    }
  }

  async function cancel(vendor: string): Promise<void> {
    const run = runs[vendor];
    if (run?.running !== true) return;
    run.cancelling = true;
    try {
      await api.cancelSync(vendor);
    } catch (caught) {
      run.error = toAppError(caught);
    }
  }

  /** Syncs the vendors one after the other (cancelAll stops the rest). */
  async function syncAll(vendors: readonly string[]): Promise<void> {
    if (queue.value !== null) return;
    queue.value = [...vendors];
    try {
      while (queue.value !== null && queue.value.length > 0) {
        const next = queue.value.shift()!;
        await sync(next);
      }
    } finally {
      queue.value = null;
    }
  }

  async function cancelAll(): Promise<void> {
    queue.value = null;
    await Promise.all(running.value.map((run) => cancel(run.vendor)));
  }

  /** Forgets a finished run's report (the user closed it). */
  function dismiss(vendor: string): void {
    if (runs[vendor]?.running === false) delete runs[vendor];
  }

  return { runs, queue, running, sync, cancel, syncAll, cancelAll, dismiss };
});
