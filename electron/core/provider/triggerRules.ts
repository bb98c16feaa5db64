import type { TriStatus } from '../../../shared/ctp/types';

/**
 * CTP 5.3.2, exactly (SPEC-NOTES "Triggers": no fall-through between cases):
 * `false` → evaluate; `true` → evaluate only when NOW − statusUpdateTime > guardTime
 * (strictly, guardTime in seconds); `error` → nothing (the error alert is sent once).
 */
export function shouldEvaluateTrigger(
  status: TriStatus,
  statusUpdateMs: number,
  guardTimeSeconds: number,
  nowMs: number,
): boolean {
  switch (status) {
    case 'false':
      return true;
    case 'true':
      return nowMs - statusUpdateMs > guardTimeSeconds * 1000;
    case 'error':
      return false;
  }
}

/** Which log entry (and notification) an evaluation's new status generates (CTP 5.3.2). */
export function alertKind(newStatus: TriStatus): 'normal' | 'error' | null {
  if (newStatus === 'true') return 'normal';
  if (newStatus === 'error') return 'error';
  return null;
}

/** RFC 5122 XMPP URI (`xmpp:node@server/path`), or empty for no notification. */
export function isNotificationUri(value: string): boolean {
  if (value === '') return true;
  return /^xmpp:(\/\/[^/?#]+\/)?[^\s@/?#:"&'<>]+@[A-Za-z0-9.-]+(\/[^\s?#]*)?(\?[^\s#]*)?$/.test(
    value,
  );
}
