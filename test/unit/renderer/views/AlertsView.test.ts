import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import App from '../../../../renderer/src/App.vue';
import AlertsView from '../../../../renderer/src/views/AlertsView.vue';
import { sampleAlert } from '../../../fixtures/alerts';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const alert = sampleAlert;

describe('Alerts page', () => {
  it('shows the inbox: vendor, measurement, condition, the result, error alerts distinct, strangers apart', async () => {
    const test = createTestApi();
    test.alertsPage = {
      items: [
        alert(),
        alert({ id: 2, kind: 'error', result: null, error: '1:1: field read on null', read: true }),
        alert({
          id: 3,
          origin: 'unknown',
          vendor: null,
          sender: 'mallory@evil.example',
          tags: ['<img src=x onerror=alert(1)>'],
          problem: 'no followed vendor serves https://evil.example',
        }),
      ],
      unread: 2,
      total: 3,
    };
    ({ wrapper } = await mountWithApp(AlertsView, test));
    await settle();
    const items = wrapper.findAll('[data-testid="alert-item"]');
    expect(items).toHaveLength(3);
    expect(items[0]!.text()).toContain('availability');
    expect(items[0]!.text()).toContain('value[0].percentage < 99.9');
    expect(items[0]!.text()).toContain('[{"percentage":98.2}]');
    expect(items[0]!.attributes('aria-label')).toBe('Unread: availability');
    expect(items[1]!.text()).toContain('Evaluation error');
    expect(items[1]!.text()).toContain('field read on null');
    expect(items[2]!.text()).toContain('Unknown sender');
    // Text from outside is text, never markup.
    expect(items[2]!.find('img').exists()).toBe(false);
    expect(items[2]!.text()).toContain('<img src=x onerror=alert(1)>');
    expect(wrapper.text()).toContain('3 alerts, 2 unread');
  });

  it('marks read and unread, and shows a new alert as it arrives', async () => {
    const test = createTestApi();
    test.alertsPage = { items: [alert()], unread: 1, total: 1 };
    ({ wrapper } = await mountWithApp(AlertsView, test));
    await settle();
    await wrapper.find('[data-testid="alert-item"] button:last-of-type').trigger('click');
    await settle();
    expect(test.calls).toContain('alerts.setRead');
    expect(wrapper.find('[data-testid="alert-item"]').attributes('aria-label')).toBe(
      'availability',
    );
    test.emitAlert({ alert: alert({ id: 7, measurementName: 'tls strength' }), unread: 1 });
    await settle();
    const items = wrapper.findAll('[data-testid="alert-item"]');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toContain('tls strength');
  });

  it('shows the unread count in the sidebar, live', async () => {
    const test = createTestApi();
    test.alertsPage = { items: [alert()], unread: 1, total: 1 };
    ({ wrapper } = await mountWithApp(App, test));
    await settle();
    expect(wrapper.find('[data-testid="unread-badge"]').text()).toBe('1');
    test.emitAlert({ alert: alert({ id: 9 }), unread: 2 });
    await settle();
    expect(wrapper.find('[data-testid="unread-badge"]').text()).toBe('2');
  });
});
