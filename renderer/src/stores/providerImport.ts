/**
 * Importing provider data (`server import`) from the app: a dry run first (what would be
 * created, updated or left alone, or every problem with its JSON path), then the import of
 * the very same file, with its steps as progress.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { AppError } from '../../../shared/errors';
import type { FileSource } from '../../../shared/fileSource';
import type { ProviderImportProgress, ProviderImportReport } from '../../../shared/serverConsole';
import { toAppError } from '../api/auditor';
import { useServerApi } from '../api/server';

export const useProviderImportStore = defineStore('providerImport', () => {
  const api = useServerApi();
  /** The source the shown report is about. */
  const source = shallowRef<FileSource | null>(null);
  const report = shallowRef<ProviderImportReport | null>(null);
  const progress = shallowRef<ProviderImportProgress | null>(null);
  const running = ref(false);
  const error = shallowRef<AppError | null>(null);

  async function run(next: FileSource, dryRun: boolean): Promise<void> {
    if (running.value) return;
    running.value = true;
    error.value = null;
    progress.value = null;
    if (dryRun) report.value = null;
    source.value = next;
    const unsubscribe = api.onDidImportProgress((event) => {
      if (event.dryRun === dryRun) progress.value = event;
    });
    try {
      report.value = await (dryRun ? api.previewImport(next) : api.importProvider(next));
    } catch (caught) {
      error.value = toAppError(caught);
    } finally {
      unsubscribe();
      running.value = false;
      progress.value = null;
    }
  }

  return {
    source,
    report,
    progress,
    running,
    error,
    preview: (next: FileSource) => run(next, true),
    apply: (next: FileSource) => run(next, false),
  };
});
