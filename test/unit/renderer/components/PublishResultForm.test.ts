import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../../../shared/errors';
import type { PublishReport } from '../../../../shared/serverConsole';
import PublishResultForm from '../../../../renderer/src/components/PublishResultForm.vue';
import { settle } from '../helpers';

const REPORT: PublishReport = {
  measurementId: 'm1',
  updateTime: '2026-01-01T00:01:00.000Z',
  objectiveStatus: 'false',
  evaluated: 1,
  alerts: [
    {
      triggerId: 't1',
      triggerName: 'below SLA',
      logId: 'l1',
      kind: 'normal',
      notification: 'xmpp:ops@example.com',
    },
  ],
};

function mountForm(publish: (text: string) => Promise<PublishReport>) {
  return mount(PublishResultForm, {
    props: {
      measurementId: 'm1',
      format: [{ name: 'percentage', type: 'number' }],
      current: [{ percentage: 99.95 }],
      publish,
    },
  });
}

describe('PublishResultForm', () => {
  it('starts from the current result, sends typed rows and shows what fired', async () => {
    const sent: string[] = [];
    const form = mountForm(async (text) => {
      sent.push(text);
      return REPORT;
    });
    const input = form.find('input[name="percentage-0"]');
    expect((input.element as HTMLInputElement).value).toBe('99.95');
    await input.setValue('98.5');
    await form.find('form').trigger('submit');
    await settle();
    expect(sent).toEqual(['{"value":[{"percentage":98.5}]}']);
    const report = form.find('[data-testid="publish-report"]');
    expect(report.text()).toContain('Objective: false');
    expect(form.find('[data-testid="fired-trigger"]').text()).toContain('below SLA fired');
    expect(report.text()).toContain('xmpp:ops@example.com');
  });

  it('refuses a cell that is not a number before sending, and adds rows', async () => {
    const sent: string[] = [];
    const form = mountForm(async (text) => {
      sent.push(text);
      return REPORT;
    });
    await form
      .findAll('button')
      .find((b) => b.text() === 'Add a row')!
      .trigger('click');
    await form.find('input[name="percentage-1"]').setValue('lots');
    await form.find('form').trigger('submit');
    await settle();
    expect(sent).toEqual([]);
    expect(form.find('[role="alert"]').text()).toBe('must be a number');
    expect(form.find('input[name="percentage-1"]').attributes('aria-invalid')).toBe('true');
  });

  it('shows the server refusal', async () => {
    const form = mountForm(async () => {
      throw new AppError('CTP_RESULT_INVALID', 'result.value[0].percentage: must be a number.');
    });
    await form.find('form').trigger('submit');
    await settle();
    expect(form.find('[role="alert"]').text()).toContain('CTP_RESULT_INVALID');
  });
});
