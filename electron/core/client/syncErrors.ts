/**
 * The errors of one sync, in the order they happened: each is an entry of the sync report
 * (shared/client.ts SyncError). A vendor's failure keeps its CLIENT_… code; anything else
 * is a local failure (a bug, a full disk) and is reported as APP_INTERNAL.
 */
import type { SyncError } from '../../../shared/client';
import { AppError } from '../../../shared/errors';

/** The report entry for a failure at `url`. */
export function toSyncError(url: string, error: unknown): SyncError {
  if (error instanceof AppError) {
    const status = error.details?.status;
    return {
      url,
      code: error.code,
      message: error.message,
      ...(typeof status === 'number' ? { status } : {}),
    };
  }
  // Not the vendor's fault: a bug or a local failure (disk full); the sync says so.
  return {
    url,
    code: 'APP_INTERNAL',
    message: `${url}: ${error instanceof Error ? error.message : String(error)}`,
  };
}

export class SyncErrors {
  readonly list: SyncError[] = [];
  /** Set by the first CLIENT_CANCELLED: nothing more is fetched, nothing is pruned. */
  cancelled = false;

  constructor(private readonly onRecord: (error: SyncError) => void = () => undefined) {}

  record(url: string, error: unknown): void {
    const entry = toSyncError(url, error);
    if (entry.code === 'CLIENT_CANCELLED') {
      // Every request in flight fails once the sync is cancelled: the report says so once.
      if (this.cancelled) return;
      this.cancelled = true;
    }
    this.list.push(entry);
    this.onRecord(entry);
  }

  /** A local failure happened: what the store holds may lag what was read, so nothing is pruned. */
  hasLocalFailure(): boolean {
    return this.list.some((error) => error.code === 'APP_INTERNAL');
  }
}
