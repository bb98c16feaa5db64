/**
 * Hands the one {@link AuditorApi} of this window to the service wrappers.
 *
 * `main.ts` installs it as a Vue plugin (`app.use(createAuditorApiPlugin(api))`); the
 * wrappers in this folder read it with `inject`, which Pinia setup stores may call. Tests
 * install a test object the same way, so nothing reads `window.auditor` behind their back.
 */
import { inject, toRaw, type App, type InjectionKey } from 'vue';

import type { AuditorApi } from '../../../shared/api';
import { AppError, deserializeError } from '../../../shared/errors';

export const auditorApiKey: InjectionKey<AuditorApi> = Symbol('AuditorApi');

export function createAuditorApiPlugin(api: AuditorApi): { install(app: App): void } {
  return {
    install(app: App) {
      app.provide(auditorApiKey, api);
    },
  };
}

/** The API installed on the app; only the wrappers in `renderer/src/api/` call this. */
export function useAuditorApi(): AuditorApi {
  const api = inject(auditorApiKey, null);
  if (api === null) {
    throw new Error('No AuditorApi is installed: app.use(createAuditorApiPlugin(api)) first.');
  }
  return api;
}

/**
 * Any failure as an {@link AppError}. Errors may arrive as AppError (HTTP transport), as
 * wire data, or as a plain `Error` when they crossed Electron's context bridge, which
 * keeps only the message.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const rebuilt = deserializeError(error);
    if (rebuilt.code !== 'APP_INTERNAL' || (error as { code: unknown }).code === 'APP_INTERNAL') {
      return rebuilt;
    }
  }
  const message =
    error instanceof Error && error.message !== '' ? error.message : 'Something went wrong.';
  return new AppError('APP_INTERNAL', message, { expected: false, cause: error });
}

/**
 * Plain data for an argument: Vue's reactive proxies cannot cross IPC (structured clone
 * refuses them), and the HTTP transport should not serialize getters.
 */
export function toPlain<T>(value: T): T {
  return value === undefined ? value : (structuredClone(deepToRaw(value)) as T);
}

function deepToRaw(value: unknown): unknown {
  const raw = toRaw(value);
  if (Array.isArray(raw)) return raw.map(deepToRaw);
  if (typeof raw === 'object' && raw !== null) {
    return Object.fromEntries(Object.entries(raw).map(([key, item]) => [key, deepToRaw(item)]));
  }
  return raw;
}

/** Runs a call and turns whatever it throws into an AppError. */
export async function callApi<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toAppError(error);
  }
}
