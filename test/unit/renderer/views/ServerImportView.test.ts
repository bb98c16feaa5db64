import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { ProviderImportReport } from '../../../../shared/serverConsole';
import ServerImportView from '../../../../renderer/src/views/ServerImportView.vue';
import { createTestApi, deferred, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function report(overrides: Partial<ProviderImportReport> = {}): ProviderImportReport {
  return {
    applied: false,
    source: '/p.json',
    counts: { created: 2, updated: 0, unchanged: 1, results: 1, alerts: 0 },
    resources: [
      {
        kind: 'serviceView',
        id: 'sv1',
        name: 'main',
        path: 'serviceViews[0]',
        outcome: 'created',
        newResult: false,
      },
      {
        kind: 'metric',
        id: 'up',
        name: 'uptime',
        path: 'metrics[0]',
        outcome: 'unchanged',
        newResult: false,
      },
    ],
    moreResources: 0,
    problems: [],
    ...overrides,
  };
}

function button(view: VueWrapper, text: string) {
  return view.findAll('button').find((item) => item.text().includes(text))!;
}

describe('ServerImportView', () => {
  it('runs the dry run, shows what would change, then applies the same file with progress', async () => {
    const testApi = createTestApi();
    testApi.server.handlers.previewImport = async () => report();
    const applying = deferred<ProviderImportReport>();
    testApi.server.handlers.importProvider = () => applying.promise;
    wrapper = (await mountWithApp(ServerImportView, testApi, { path: '/server/import' })).wrapper;
    expect(button(wrapper, 'Dry run').attributes('disabled')).toBeDefined();
    await wrapper.find('#provider-file').setValue('/p.json');
    await wrapper.find('form').trigger('submit');
    await settle();
    const shown = wrapper.find('[data-testid="import-report"]');
    expect(shown.text()).toContain('Dry run: nothing was written yet');
    expect(shown.text()).toContain('To create');
    // Only what changes is listed.
    expect(shown.text()).toContain('serviceViews[0]');
    expect(shown.text()).not.toContain('metrics[0]');
    await button(wrapper, 'Apply the import').trigger('click');
    await settle();
    testApi.server.emit('onDidImportProgress', {
      source: '/p.json',
      dryRun: false,
      phase: 'evaluate',
      step: 4,
      steps: 5,
    });
    await settle();
    expect(wrapper.find('[role="status"]').text()).toContain(
      'Evaluating objectives and triggers (step 4 of 5)',
    );
    applying.resolve(report({ applied: true }));
    await settle();
    expect(wrapper.find('[data-testid="import-report"] h2').text()).toBe('Imported');
    expect(testApi.server.calls.map((call) => call.name)).toEqual([
      'previewImport',
      'importProvider',
    ]);
    expect(testApi.server.calls[1]!.argument).toEqual({ source: { path: '/p.json' } });
  });

  it('lists every problem with its JSON path and offers no Apply', async () => {
    const testApi = createTestApi();
    testApi.server.handlers.previewImport = async () =>
      report({
        counts: null,
        resources: [],
        problems: [
          { path: 'serviceViews[0].assets[0].name', message: 'must be a string' },
          { path: 'metrics[0].resultFormat', message: 'must be an array of columns' },
        ],
      });
    wrapper = (await mountWithApp(ServerImportView, testApi, { path: '/server/import' })).wrapper;
    await wrapper.find('#provider-file').setValue('/p.json');
    await wrapper.find('form').trigger('submit');
    await settle();
    const problems = wrapper.findAll('[data-testid="import-problem"]');
    expect(problems.map((row) => row.find('code').text())).toEqual([
      'serviceViews[0].assets[0].name',
      'metrics[0].resultFormat',
    ]);
    expect(wrapper.text()).toContain('2 problems: nothing will be imported');
    expect(wrapper.findAll('button').some((item) => item.text().includes('Apply'))).toBe(false);
  });
});
