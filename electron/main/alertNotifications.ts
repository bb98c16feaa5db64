/**
 * Desktop notifications of new alerts (DESIGN "Alerts"): one per alert as it is stored,
 * its text bounded and stripped of control characters (it came from a vendor's message),
 * and at most one every {@link BURST_WINDOW_MS} (a burst becomes "N more alerts"), so that a
 * noisy vendor cannot flood the desktop. Clicking one brings the window to the front.
 */
import type * as Electron from 'electron';

import type { AlertEvent, AlertItem } from '../../shared/alerts';
import type { EventBus } from '../core/events';

export const BURST_WINDOW_MS = 3_000;

export interface NotificationHandle {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationFactory {
  isSupported(): boolean;
  new (options: Electron.NotificationConstructorOptions): NotificationHandle;
}

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const OUTSIDE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line of text from outside: controls removed, bounded. */
function plain(text: string, max: number): string {
  const cleaned = text.replace(OUTSIDE_CONTROLS, ' ').trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** What a notification says about an alert (pure). */
export function describeAlert(alert: AlertItem): { title: string; body: string } {
  if (alert.origin === 'malformed') {
    return {
      title: 'A message that is not an alert',
      body: plain(`From ${alert.sender ?? 'unknown'}`, 200),
    };
  }
  if (alert.origin === 'unknown') {
    return {
      title: 'Alert from an unknown sender',
      body: plain(alert.sender ?? alert.logUrl ?? '', 200),
    };
  }
  const what = alert.measurementName ?? alert.triggerName ?? 'a measurement';
  const title = plain(`${alert.vendor ?? 'Vendor'}: ${what}`, 120);
  if (alert.kind === 'error')
    return { title, body: plain(`Evaluation error: ${alert.error ?? ''}`, 240) };
  const result = alert.result === null ? '' : ` — ${JSON.stringify(alert.result.value)}`;
  return { title, body: plain(`${alert.condition ?? 'Trigger fired'}${result}`, 240) };
}

export function showAlertNotifications(deps: {
  Notification: NotificationFactory;
  events: EventBus;
  onClick(): void;
  now?: () => number;
}): () => void {
  if (!deps.Notification.isSupported()) return () => undefined;
  const now = deps.now ?? Date.now;
  let windowStart = Number.NEGATIVE_INFINITY;
  let held = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const show = (content: { title: string; body: string }): void => {
    const notification = new deps.Notification({ ...content, silent: false });
    notification.on('click', deps.onClick);
    notification.show();
  };
  const flush = (): void => {
    timer = null;
    if (held === 0) return;
    show({
      title: `${held} more alert${held === 1 ? '' : 's'}`,
      body: 'Open the Alerts page to read them.',
    });
    held = 0;
    windowStart = now();
  };
  const unsubscribe = deps.events.subscribe(
    (message) => {
      if (message.name !== 'alerts.onDidReceive') return;
      const { alert } = message.payload as AlertEvent;
      if (now() - windowStart >= BURST_WINDOW_MS && timer === null) {
        windowStart = now();
        show(describeAlert(alert));
        return;
      }
      held++;
      timer ??= setTimeout(flush, Math.max(0, BURST_WINDOW_MS - (now() - windowStart)));
    },
    { internal: true },
  );
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
