import type { LogRecord } from '../../../shared/ctp/types';
import type { SqlQueries } from '../store/sqlStore';
import { toLog, type LogRow } from './repositories';

/** What an outbox row says of the log entry it carries (migration 0005). */
export interface OutboxLogSource {
  log_id: string;
  /** A copy of the entry: rows queued before migration 0005, or whose entry was deleted. */
  payload: string | null;
}

/**
 * The log entries of outbox rows, by log id: the row's own copy when it has one, else the
 * entry in `logs` (the publisher writes each entry once, triggerEvaluation.ts). A row whose
 * entry is in neither (deleted by hand) is missing from the map.
 */
export async function logsOfOutboxRows(
  q: SqlQueries,
  rows: readonly OutboxLogSource[],
): Promise<Map<string, LogRecord>> {
  const logs = new Map<string, LogRecord>();
  const named: string[] = [];
  for (const row of rows) {
    if (row.payload === null) named.push(row.log_id);
    else logs.set(row.log_id, payloadToLog(row.payload));
  }
  if (named.length > 0) {
    const found = await q.all<LogRow>(
      `SELECT * FROM logs WHERE ${q.dialect.inJsonArray('id', '$1')}`,
      [JSON.stringify(named)],
    );
    for (const row of found) logs.set(row.id, toLog(row));
  }
  return logs;
}

/** A copied entry: the log entry's fields by name (the notifier adds the URLs when sending). */
export function payloadToLog(payload: string): LogRecord {
  const parsed = JSON.parse(payload) as Partial<LogRecord> & { id: string };
  return {
    id: parsed.id,
    serviceViewId: String(parsed.serviceViewId),
    triggerId: String(parsed.triggerId),
    creationTime: String(parsed.creationTime),
    resultText: parsed.resultText ?? null,
    error: parsed.error ?? null,
    tags: Array.isArray(parsed.tags) ? parsed.tags.map(String) : [],
  };
}
