import type { SerializedError } from './errors';

/** IPC channels of the desktop app: one for calls, one for events (main and preload). */
export const CALL_CHANNEL = 'auditor:call';
export const EVENT_CHANNEL = 'auditor:event';

/** What a call answers over IPC: Electron drops custom error fields, so errors are data. */
export type CallEnvelope = { ok: true; result: unknown } | { ok: false; error: SerializedError };
