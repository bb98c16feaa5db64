import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { RuleFacets, RulePage, RuleSummary } from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import RulesView from '../../../../renderer/src/views/RulesView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const RULE: RuleSummary = {
  ruleId: 'ow-account_disable_inactive',
  version: 1,
  sourceVersion: '1.0.0',
  isLatest: true,
  name: 'Disable inactive accounts',
  severity: 'high',
  scannerType: 'oscap',
  platforms: ['rhel9'],
  frameworks: { nist_800_53: ['AC-2(3)'] },
  contentHash: 'sha256:00',
  effectiveFrom: '2026-01-01T00:00:00Z',
  effectiveUntil: null,
  importId: 1,
};
const FACETS: RuleFacets = {
  rules: 1,
  frameworks: [{ key: 'nist_800_53', rules: 1 }],
  platforms: ['rhel9'],
  severities: ['high'],
};

async function mountRules(facets = FACETS, page: RulePage = { total: 1, rules: [RULE] }) {
  const testApi = createTestApi();
  testApi.bundles.handlers.rules = async () => page;
  testApi.bundles.handlers.ruleFacets = async () => facets;
  testApi.bundles.handlers.imports = async () => [];
  const mounted = await mountWithApp(RulesView, testApi, { path: '/bundles/rules' });
  wrapper = mounted.wrapper;
  await settle();
  return { wrapper: mounted.wrapper, testApi };
}

describe('RulesView', () => {
  it('searches by framework control, with the choices the workspace holds', async () => {
    const { wrapper, testApi } = await mountRules();
    expect(wrapper.find('select[name="framework"]').text()).toContain('NIST 800-53 (1)');
    await wrapper.find('select[name="framework"]').setValue('nist_800_53');
    await wrapper.find('input[name="control"]').setValue(' ac-2 ');
    await wrapper.find('form').trigger('submit');
    await settle();
    const searches = testApi.bundles.calls.filter((call) => call.name === 'rules');
    expect(searches.at(-1)?.argument).toEqual({
      framework: 'nist_800_53',
      control: 'ac-2',
      offset: 0,
      limit: 50,
    });
    const row = wrapper.find('[data-testid="rule-row"]');
    expect(row.text()).toContain('ow-account_disable_inactive');
    expect(row.text()).toContain('NIST 800-53: AC-2(3)');
  });

  it('says when nothing matches, and when nothing was imported yet', async () => {
    const { wrapper } = await mountRules(FACETS, { total: 0, rules: [] });
    expect(wrapper.text()).toContain('No rule matches.');
    wrapper.unmount();
    const empty = await mountRules({ ...FACETS, rules: 0 }, { total: 0, rules: [] });
    expect(empty.wrapper.text()).toContain('No rules imported yet');
  });

  it('shows a failed search with Retry', async () => {
    const testApi = createTestApi();
    testApi.bundles.handlers.rules = async () => {
      throw new AppError('APP_INVALID_ARGUMENT', '"control" must be one line of text.');
    };
    testApi.bundles.handlers.ruleFacets = async () => FACETS;
    testApi.bundles.handlers.imports = async () => [];
    wrapper = (await mountWithApp(RulesView, testApi, { path: '/bundles/rules' })).wrapper;
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toContain('APP_INVALID_ARGUMENT');
  });
});
