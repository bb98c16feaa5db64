import { afterEach, describe, expect, it, vi } from 'vitest';

import { createEventBus } from '../../../../electron/core/events';
import {
  BURST_WINDOW_MS,
  describeAlert,
  showAlertNotifications,
} from '../../../../electron/main/alertNotifications';
import { sampleAlert } from '../../../fixtures/alerts';
import { createFakeElectron } from '../../../fixtures/fakeElectron';

const alert = sampleAlert;

afterEach(() => vi.useRealTimers());

describe('desktop notifications of new alerts (Electron main, fake electron)', () => {
  it('says what fired, without control characters, bounded', () => {
    expect(describeAlert(alert())).toEqual({
      title: 'acme: availability',
      body: 'value[0].percentage < 99.9 — [{"percentage":98.2}]',
    });
    expect(
      describeAlert(alert({ kind: 'error', result: null, error: 'bad\u001b[2J\u202e' })),
    ).toEqual({
      title: 'acme: availability',
      body: 'Evaluation error: bad [2J',
    });
    expect(
      describeAlert(alert({ origin: 'unknown', vendor: null, sender: 'x'.repeat(500) })).body,
    ).toHaveLength(200);
  });

  it('shows one per alert, folds a burst into "N more alerts", opens the window on click', () => {
    vi.useFakeTimers();
    const fake = createFakeElectron();
    const events = createEventBus((error) => {
      throw error;
    });
    let clicks = 0;
    const stop = showAlertNotifications({
      Notification: fake.electron.Notification,
      events,
      onClick: () => clicks++,
    });
    events.emit('alerts.onDidReceive', { alert: alert(), unread: 1 });
    expect(fake.notifications.map((item) => item.options.title)).toEqual(['acme: availability']);
    expect(fake.notifications[0]!.shown).toBe(true);
    for (let index = 0; index < 50; index++) {
      events.emit('alerts.onDidReceive', { alert: alert({ id: index + 2 }), unread: index + 2 });
    }
    expect(fake.notifications).toHaveLength(1);
    vi.advanceTimersByTime(BURST_WINDOW_MS);
    expect(fake.notifications.map((item) => item.options.title)).toEqual([
      'acme: availability',
      '50 more alerts',
    ]);
    fake.notifications[1]!.emit('click');
    expect(clicks).toBe(1);
    stop();
    expect(events.listenerCount).toBe(0);
  });

  it('shows nothing where the system has no notifications', () => {
    const fake = createFakeElectron();
    fake.electron.Notification.supported = false;
    const events = createEventBus(() => undefined);
    showAlertNotifications({
      Notification: fake.electron.Notification,
      events,
      onClick: () => undefined,
    });
    events.emit('alerts.onDidReceive', { alert: alert(), unread: 1 });
    expect(fake.notifications).toHaveLength(0);
  });
});
