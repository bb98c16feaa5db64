import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { OutboxEntry, OutboxState } from '../../../../shared/alerts';
import { AppError } from '../../../../shared/errors';
import NotifierPanel from '../../../../renderer/src/components/NotifierPanel.vue';
import {
  createTestApi,
  mountWithApp,
  sampleNotifierStatus,
  sampleStatus,
  settle,
  type TestApi,
} from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function row(seq: number, state: OutboxState, lastError: string | null = null): OutboxEntry {
  return {
    seq,
    logId: `log${seq}`,
    notification: `xmpp:user${seq}@example.com`,
    state,
    createdAt: '2026-01-01T10:00:00Z',
    attempts: state === 'queued' ? 0 : 1,
    sentAt: state === 'sent' ? '2026-01-01T10:00:01Z' : null,
    failedAt: state === 'failed' ? '2026-01-01T10:00:02Z' : null,
    lastError,
    nextAttemptAt: null,
  };
}

/** An outbox double: `rows` as the core keeps them; retry requeues failed ones as it does. */
function outboxApi(test: TestApi, rows: OutboxEntry[]) {
  const failed = () => rows.filter((entry) => entry.state === 'failed').length;
  test.alerts.handlers.notifierStatus = async () =>
    sampleNotifierStatus({
      outbox: {
        queued: rows.filter((entry) => entry.state === 'queued').length,
        sent: rows.filter((entry) => entry.state === 'sent').length,
        failed: failed(),
        oldestQueuedAt: null,
      },
    });
  test.alerts.handlers.outbox = async (request: { state?: OutboxState }) =>
    rows.filter((entry) => request.state === undefined || entry.state === request.state);
  test.alerts.handlers.retryOutbox = async (request: { seqs?: number[] }) => {
    const requeued: number[] = [];
    rows.forEach((entry, index) => {
      if (entry.state !== 'failed') return;
      if (request.seqs !== undefined && !request.seqs.includes(entry.seq)) return;
      rows[index] = { ...entry, state: 'queued', attempts: 0, failedAt: null };
      requeued.push(entry.seq);
    });
    return { requeued };
  };
}

async function mountPanel(test: TestApi) {
  wrapper = (await mountWithApp(NotifierPanel, test, { path: '/server' })).wrapper;
  await settle();
  return wrapper;
}

const rowsShown = (view: VueWrapper) =>
  view.findAll('[data-testid="outbox-row"]').map((tr) => tr.findAll('td')[1]!.text());

describe('NotifierOutbox (the Server page)', () => {
  it('lists the rows with why a row failed, and retries one failed row', async () => {
    const test = createTestApi();
    const rows = [
      row(3, 'failed', 'service-unavailable: no such user'),
      row(2, 'sent'),
      row(1, 'failed', 'not-allowed'),
    ];
    outboxApi(test, rows);
    const view = await mountPanel(test);
    expect(rowsShown(view)).toEqual(['failed', 'sent', 'failed']);
    expect(view.text()).toContain('service-unavailable: no such user');
    // Only failed rows have a Retry.
    expect(view.findAll('button').filter((b) => b.text() === 'Retry')).toHaveLength(2);

    await view.get('button[aria-label="Retry notification 3"]').trigger('click');
    await settle();
    expect(test.alerts.calls.filter((call) => call.name === 'retryOutbox')).toEqual([
      { name: 'retryOutbox', argument: { seqs: [3] } },
    ]);
    expect(rowsShown(view)).toEqual(['queued', 'sent', 'failed']);
    // The reason of the failure retried stays, as an earlier one.
    expect(view.text()).toContain('Earlier: service-unavailable: no such user');
    expect(view.find('.outbox__retry-all').text()).toBe('Retry all failed (1)');
  });

  it('retries every failed row at once, then offers no retry', async () => {
    const test = createTestApi();
    outboxApi(test, [row(2, 'failed', 'item-not-found'), row(1, 'failed', 'item-not-found')]);
    const view = await mountPanel(test);
    await view.get('.outbox__retry-all').trigger('click');
    await settle();
    expect(test.alerts.calls.find((call) => call.name === 'retryOutbox')?.argument).toEqual({});
    expect(rowsShown(view)).toEqual(['queued', 'queued']);
    expect(view.find('.outbox__retry-all').exists()).toBe(false);
    expect(view.findAll('button').some((b) => b.text() === 'Retry')).toBe(false);
  });

  it('shows an error the retry got back, next to the outbox', async () => {
    const test = createTestApi();
    outboxApi(test, [row(1, 'failed', 'item-not-found')]);
    test.alerts.handlers.retryOutbox = async () => {
      throw new AppError('SERVER_BUSY', 'The provider store is busy: try again.');
    };
    const view = await mountPanel(test);
    await view.get('button[aria-label="Retry notification 1"]').trigger('click');
    await settle();
    expect(view.get('[role="alert"]').text()).toContain('The provider store is busy');
    expect(view.get('[role="alert"]').text()).toContain('SERVER_BUSY');
    expect(rowsShown(view)).toEqual(['failed']);
  });

  it('filters by state and says when a state has no rows', async () => {
    const test = createTestApi();
    outboxApi(test, [row(2, 'sent'), row(1, 'queued')]);
    const view = await mountPanel(test);
    const filter = (label: string) =>
      view
        .get('nav[aria-label="Filter the outbox"]')
        .findAll('button')
        .find((b) => b.text() === label)!;
    await filter('Failed').trigger('click');
    await settle();
    expect(filter('Failed').attributes('aria-pressed')).toBe('true');
    expect(view.get('[data-testid="outbox-empty"]').text()).toBe('No failed notifications.');
    await filter('Queued').trigger('click');
    await settle();
    expect(rowsShown(view)).toEqual(['queued']);
  });

  it('says what fills an empty outbox', async () => {
    const test = createTestApi();
    outboxApi(test, []);
    const view = await mountPanel(test);
    expect(view.get('[data-testid="outbox-empty"]').text()).toContain(
      "a row is queued each time a customer's trigger fires",
    );
    expect(view.find('.outbox__retry-all').exists()).toBe(false);
  });

  it('follows changes made elsewhere: the notifier event and the provider store changing', async () => {
    const test = createTestApi();
    const rows = [row(1, 'failed', 'item-not-found')];
    outboxApi(test, rows);
    const view = await mountPanel(test);
    // `server outbox retry` in a terminal: only the store's data version moves.
    rows[0] = { ...rows[0]!, state: 'queued', failedAt: null };
    test.emitStatus(sampleStatus());
    await settle();
    expect(rowsShown(view)).toEqual(['queued']);
    // The notifier sent it.
    rows[0] = { ...rows[0]!, state: 'sent', sentAt: '2026-01-01T10:00:05Z' };
    test.alerts.emit('onDidChangeNotifier', await test.api.alerts.notifierStatus());
    await settle();
    expect(rowsShown(view)).toEqual(['sent']);
    wrapper!.unmount();
    wrapper = undefined;
    expect(test.alerts.listenerCount('onDidChangeNotifier')).toBe(0);
    expect(test.statusListenerCount()).toBe(0);
  });
});
