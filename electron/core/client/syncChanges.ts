/**
 * "What changed in the last sync": the workspace's resources are read before and after a
 * sync (url, kind, name and the objective status the vendor claims), and the two
 * snapshots with the sync's new results give the changes. Pure: the snapshots come from
 * workspaceReader.ts.
 */
import type { ChangedResource, SyncChanges } from '../../../shared/client';

export type ClaimedStatus = 'true' | 'false' | 'error' | null;

export interface SnapshotEntry {
  url: string;
  kind: string;
  name: string;
  /** The objective status claimed (measurements only). */
  status: ClaimedStatus;
}

/** Each list of a {@link SyncChanges} keeps at most this many items (counts stay exact). */
export const CHANGES_LIST_LIMIT = 500;

/** The vendor's status as stored (JSON boolean or string, CTP 4.2.6.2 and SPEC-NOTES). */
export function claimedStatus(raw: unknown): ClaimedStatus {
  if (raw === 1 || raw === true || raw === 'true') return 'true';
  if (raw === 0 || raw === false || raw === 'false') return 'false';
  if (raw === 'error') return 'error';
  return null;
}

/** A readable label: the resource's name, or the last segment of its URL when it has none. */
export function resourceLabel(entry: { url: string; name: string }): string {
  if (entry.name !== '') return entry.name;
  const segments = entry.url.replace(/\/+$/, '').split('/');
  return segments.at(-1) ?? entry.url;
}

const describe = (entry: SnapshotEntry): ChangedResource => ({
  url: entry.url,
  kind: entry.kind,
  name: resourceLabel(entry),
});

export function diffSnapshots(
  before: ReadonlyMap<string, SnapshotEntry>,
  after: ReadonlyMap<string, SnapshotEntry>,
  newResults: ReadonlyArray<{ measurementUrl: string; updateTime: string | null }>,
  limit = CHANGES_LIST_LIMIT,
): SyncChanges {
  const added = [...after.values()].filter((entry) => !before.has(entry.url));
  const removed = [...before.values()].filter((entry) => !after.has(entry.url));
  const statusChanges = [...after.values()].flatMap((entry) => {
    const previous = before.get(entry.url);
    if (previous === undefined || entry.kind !== 'measurement' || previous.status === entry.status)
      return [];
    return [
      {
        measurementUrl: entry.url,
        name: resourceLabel(entry),
        before: previous.status,
        after: entry.status,
      },
    ];
  });
  const nameOf = (url: string): string => {
    const entry = after.get(url) ?? before.get(url);
    return entry === undefined ? resourceLabel({ url, name: '' }) : resourceLabel(entry);
  };
  return {
    newResults: newResults.slice(0, limit).map((result) => ({
      measurementUrl: result.measurementUrl,
      name: nameOf(result.measurementUrl),
      updateTime: result.updateTime,
    })),
    statusChanges: statusChanges.slice(0, limit),
    added: added.slice(0, limit).map(describe),
    removed: removed.slice(0, limit).map(describe),
    counts: {
      newResults: newResults.length,
      statusChanges: statusChanges.length,
      added: added.length,
      removed: removed.length,
    },
  };
}
