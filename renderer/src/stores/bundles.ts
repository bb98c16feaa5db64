/**
 * Bundle verification and import: the current request, its live progress, the last report
 * or error, earlier imports of the same bundle, the import and its record, and a short
 * history of this session's verifications (in memory only, never saved).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { BundleProgressEvent, VerifyBundleRequest } from '../../../shared/api';
import type {
  BundleImportRecord,
  BundleImportResult,
  BundleReport,
  BundleVerdict,
  ImportStrategy,
} from '../../../shared/bundles';
import type { AppError } from '../../../shared/errors';
import type { FileSource } from '../../../shared/fileSource';
import { toAppError } from '../api/auditor';
import { useBundlesApi } from '../api/bundles';

/** One verification of this session, newest first in `history`. */
export interface VerificationRecord {
  id: number;
  /** The path, or the uploaded file's name. */
  path: string;
  request: VerifyBundleRequest;
  lenient: boolean;
  /** The verdict, or null when the verification failed (missing file, …). */
  verdict: BundleVerdict | null;
  /** The error's code when it failed. */
  errorCode: string | null;
  /** When it finished (RFC 3339). */
  finishedAt: string;
}

/** How many verifications the session history keeps. */
export const HISTORY_LIMIT = 8;

/** The file a request reads. */
export function requestSource(request: VerifyBundleRequest): FileSource {
  return 'path' in request ? { path: request.path } : { upload: request.upload };
}

/** How a request's file is named in progress events and on the page. */
export function requestLabel(request: VerifyBundleRequest): string {
  return 'path' in request ? request.path : request.upload.name;
}

export const useBundlesStore = defineStore('bundles', () => {
  const bundlesApi = useBundlesApi();

  /** The request being verified, or the last one verified. */
  const request = ref<VerifyBundleRequest | null>(null);
  const running = ref(false);
  /** The latest progress of the running verification or import (its own file only). */
  const progress = shallowRef<BundleProgressEvent | null>(null);
  const report = shallowRef<BundleReport | null>(null);
  const error = shallowRef<AppError | null>(null);
  const history = ref<VerificationRecord[]>([]);
  /** Earlier imports of the verified bundle (same bytes, or same name and version). */
  const previousImports = ref<BundleImportRecord[]>([]);
  const importing = ref(false);
  const importResult = shallowRef<BundleImportResult | null>(null);
  const importError = shallowRef<AppError | null>(null);

  // Bumped by every verification, so that a late answer or event of an earlier one never
  // overwrites the current one.
  let revision = 0;

  function follow(label: string, mine: number) {
    return bundlesApi.onDidProgress((event) => {
      if (mine === revision && event.path === label) progress.value = event;
    });
  }

  function normalized(next: VerifyBundleRequest): VerifyBundleRequest | null {
    const lenient = next.lenient === true ? { lenient: true } : {};
    if ('upload' in next) return { upload: next.upload, ...lenient };
    const path = next.path.trim();
    return path === '' ? null : { path, ...lenient };
  }

  async function verify(next: VerifyBundleRequest): Promise<void> {
    const current = normalized(next);
    if (current === null) return;
    const label = requestLabel(current);
    const mine = ++revision;
    request.value = current;
    running.value = true;
    progress.value = null;
    report.value = null;
    error.value = null;
    previousImports.value = [];
    importResult.value = null;
    importError.value = null;
    const unsubscribe = follow(label, mine);
    let verdict: BundleVerdict | null = null;
    let errorCode: string | null = null;
    try {
      const answer = await bundlesApi.verify(current);
      verdict = answer.verdict;
      const earlier = answer.bundle.sha256 === '' ? [] : await bundlesApi.previousImports(answer);
      if (mine === revision) {
        report.value = answer;
        previousImports.value = earlier;
      }
    } catch (caught) {
      const failure = toAppError(caught);
      errorCode = failure.code;
      if (mine === revision) error.value = failure;
    } finally {
      unsubscribe();
      if (mine === revision) {
        running.value = false;
        progress.value = null;
      }
    }
    history.value = [
      {
        id: mine,
        path: label,
        request: current,
        lenient: current.lenient === true,
        verdict,
        errorCode,
        finishedAt: new Date().toISOString(),
      },
      ...history.value,
    ].slice(0, HISTORY_LIMIT);
  }

  /**
   * Imports the verified bundle (verified again by core, as `trust-auditor import` does),
   * with the verification's lenient choice.
   */
  async function importVerified(options: {
    strategy: ImportStrategy;
    allowUnsigned: boolean;
  }): Promise<void> {
    const current = request.value;
    if (current === null || report.value === null || importing.value) return;
    const mine = revision;
    importing.value = true;
    importError.value = null;
    importResult.value = null;
    progress.value = null;
    const unsubscribe = follow(requestLabel(current), mine);
    try {
      const result = await bundlesApi.import({
        source: requestSource(current),
        strategy: options.strategy,
        ...(current.lenient === true ? { lenient: true } : {}),
        ...(options.allowUnsigned ? { allowUnsigned: true } : {}),
      });
      if (mine !== revision) return;
      importResult.value = result;
      previousImports.value = await bundlesApi.previousImports(result.report);
    } catch (caught) {
      if (mine === revision) importError.value = toAppError(caught);
    } finally {
      unsubscribe();
      if (mine === revision) {
        importing.value = false;
        progress.value = null;
      }
    }
  }

  /** Verifies the last request again (after an error, or after fixing the bundle). */
  function retry(): Promise<void> {
    return request.value ? verify(request.value) : Promise.resolve();
  }

  return {
    request,
    running,
    progress,
    report,
    error,
    history,
    previousImports,
    importing,
    importResult,
    importError,
    verify,
    importVerified,
    retry,
  };
});

// ---------------------------------------------------------------------------------------
// Presentation helpers shared by the Bundles page and its components (pure)

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB'] as const;

/** A size in bytes for people: "912 bytes", "14.2 KB", "3.1 MB" (powers of 1024). */
export function formatBytes(bytes: number, locale?: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  return `${number} ${BYTE_UNITS[unit]}`;
}

/** A duration for people: "420 ms", "3.4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
