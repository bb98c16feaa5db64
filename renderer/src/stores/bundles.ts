/**
 * Bundle verification: the current request, its live progress, the last report or error,
 * and a short history of this session's verifications (in memory only, never saved).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

import type { BundleProgressEvent, VerifyBundleRequest } from '../../../shared/api';
import type { BundleReport, BundleVerdict } from '../../../shared/bundles';
import type { AppError } from '../../../shared/errors';
import { toAppError } from '../api/auditor';
import { useBundlesApi } from '../api/bundles';

/** One verification of this session, newest first in `history`. */
export interface VerificationRecord {
  id: number;
  path: string;
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

export const useBundlesStore = defineStore('bundles', () => {
  const bundlesApi = useBundlesApi();

  /** The request being verified, or the last one verified. */
  const request = ref<VerifyBundleRequest | null>(null);
  const running = ref(false);
  /** The latest progress of the running verification (its own path only). */
  const progress = shallowRef<BundleProgressEvent | null>(null);
  const report = shallowRef<BundleReport | null>(null);
  const error = shallowRef<AppError | null>(null);
  const history = ref<VerificationRecord[]>([]);

  // Bumped by every verification, so that a late answer or event of an earlier one never
  // overwrites the current one.
  let revision = 0;

  async function verify(next: VerifyBundleRequest): Promise<void> {
    const path = next.path.trim();
    if (path === '') return;
    const current: VerifyBundleRequest = next.lenient ? { path, lenient: true } : { path };
    const mine = ++revision;
    request.value = current;
    running.value = true;
    progress.value = null;
    report.value = null;
    error.value = null;
    const unsubscribe = bundlesApi.onDidProgress((event) => {
      if (mine === revision && event.path === path) progress.value = event;
    });
    let verdict: BundleVerdict | null = null;
    let errorCode: string | null = null;
    try {
      const answer = await bundlesApi.verify(current);
      verdict = answer.verdict;
      if (mine === revision) report.value = answer;
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
        path,
        lenient: current.lenient === true,
        verdict,
        errorCode,
        finishedAt: new Date().toISOString(),
      },
      ...history.value,
    ].slice(0, HISTORY_LIMIT);
  }

  /** Verifies the last request again (after an error, or after fixing the bundle). */
  function retry(): Promise<void> {
    return request.value ? verify(request.value) : Promise.resolve();
  }

  return { request, running, progress, report, error, history, verify, retry };
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
