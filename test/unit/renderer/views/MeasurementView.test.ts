import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';

import { AppError } from '../../../../shared/errors';
import MeasurementView from '../../../../renderer/src/views/MeasurementView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';
import { sampleDetail, sampleHistory } from '../vendorsApi';

// ECharts draws on a canvas, which happy-dom does not have: the chart is checked in
// Chromium (test/e2e, bench/ui); here it is a stand-in that shows what it was given.
vi.mock('../../../../renderer/src/components/MeasurementHistoryChart.vue', () => ({
  __esModule: true,
  default: defineComponent({
    props: ['history', 'field', 'range'],
    setup: (props) => () =>
      h(
        'div',
        { class: 'chart-stand-in' },
        `${props.field} ${props.range} ${props.history.points.length}`,
      ),
  }),
}));

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  document.body.innerHTML = '';
});

const URL_M1 = 'https://ctp.acme.example/ctp/measurements/m1';

async function mountMeasurement(testApi = createTestApi()) {
  const mounted = await mountWithApp(MeasurementView, testApi, {
    path: `/vendors/acme/measurement?url=${encodeURIComponent(URL_M1)}`,
    props: { name: 'acme', url: URL_M1 },
  });
  wrapper = mounted.wrapper;
  await vi.waitFor(() => expect(mounted.wrapper.find('h1').exists()).toBe(true));
  await settle();
  return { ...mounted, testApi };
}

describe('MeasurementView', () => {
  it('shows the result, the highlighted condition, claimed vs ours, the signature and the logs', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.measurement = async () => sampleDetail();
    testApi.vendors.handlers.history = async () => sampleHistory();
    const { wrapper } = await mountMeasurement(testApi);
    expect(
      testApi.vendors.calls.filter((call) => call.name !== 'list').map((call) => call.argument),
    ).toEqual([
      { name: 'acme', url: URL_M1 },
      { name: 'acme', url: URL_M1 },
    ]);
    expect(wrapper.find('h1').text()).toBe('uptime');
    expect(wrapper.find('.result').text()).toContain('99.95');
    const condition = wrapper.find('.ctpscript');
    expect(condition.text()).toBe('value[0].percentage >= 99.9');
    expect(condition.find('.tok-number').text()).toBe('0');
    expect(condition.find('.tok-variableName').text()).toBe('value');
    expect(wrapper.find('.verdicts').text()).toMatch(
      /The vendor claims\s*Met\s*Our evaluation\s*Failed/,
    );
    expect(wrapper.text()).toContain('Our evaluation disagrees with the vendor');
    expect(wrapper.text()).toContain('Unknown authority');
    expect(wrapper.text()).toContain('RS256');
    expect(wrapper.text()).toContain('Trust this authority');
    expect(wrapper.find('.logs__item').text()).toContain('availability under SLA');
    expect(wrapper.find('.chart-stand-in').text()).toBe('percentage all 3');
  });

  it('switches the range, shows the table and exports the history as CSV', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.measurement = async () => sampleDetail();
    testApi.vendors.handlers.history = async () => sampleHistory();
    const { wrapper } = await mountMeasurement(testApi);
    const button = (text: string) =>
      wrapper.findAll('button').find((item) => item.text() === text)!;
    await button('30 days').trigger('click');
    expect(button('30 days').attributes('aria-pressed')).toBe('true');
    expect(wrapper.find('.chart-stand-in').text()).toBe('percentage 30d 3');
    await button('Table').trigger('click');
    const rows = wrapper.findAll('.history-table__body [role="row"]');
    expect(rows).toHaveLength(3);
    expect(rows[1]!.text()).toContain('99.5');
    expect(rows[1]!.text()).toContain('Failed');

    const blobs: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:history';
    };
    URL.revokeObjectURL = () => undefined;
    const clicks: string[] = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    };
    await button('Export CSV').trigger('click');
    expect(clicks).toEqual(['acme-uptime-history.csv']);
    const csv = await blobs[0]!.text();
    expect(csv.split('\r\n')[0]).toBe(
      'updateTime,firstSeenAt,row,percentage,authorityId,signature,outcome',
    );
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  it('shows the error of a measurement that is not in the workspace', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.measurement = async () => {
      throw new AppError('VENDOR_RESOURCE_NOT_FOUND', 'The workspace holds no measurement `x`.');
    };
    testApi.vendors.handlers.history = async () => sampleHistory();
    const { wrapper } = await mountMeasurement(testApi);
    expect(wrapper.find('[role="alert"]').text()).toContain('VENDOR_RESOURCE_NOT_FOUND');
    expect(wrapper.find('[role="alert"] code').text()).toBe('x');
  });
});
