import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { RuleDetail, RuleVersion } from '../../../../shared/bundles';
import RuleView from '../../../../renderer/src/views/RuleView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function version(number: number, name: string): RuleVersion {
  return {
    ruleId: 'ow-sshd_disable_root',
    version: number,
    sourceVersion: `${number}.0.0`,
    isLatest: true,
    name,
    severity: 'high',
    scannerType: 'oscap',
    platforms: ['rhel9'],
    frameworks: { nist_800_53: ['IA-2'] },
    contentHash: `sha256:0${number}`,
    effectiveFrom: '2026-01-01T00:00:00Z',
    effectiveUntil: null,
    importId: number,
    document: {},
  };
}

describe('RuleView', () => {
  it('shows a version imported elsewhere (a terminal) without a reload, and stops following', async () => {
    const testApi = createTestApi();
    const detail: RuleDetail = {
      ruleId: 'ow-sshd_disable_root',
      versions: [version(1, 'Disable SSH root login')],
      imports: [],
    };
    testApi.bundles.handlers.rule = async () => structuredClone(detail);
    const mounted = await mountWithApp(RuleView, testApi, {
      path: '/bundles/rules/ow-sshd_disable_root',
      props: { ruleId: 'ow-sshd_disable_root' },
    });
    wrapper = mounted.wrapper;
    await settle();
    expect(wrapper.get('h1').text()).toBe('Disable SSH root login');

    detail.versions = [version(2, 'Forbid SSH root login'), ...detail.versions];
    testApi.bundles.emit('onDidChange', { reason: 'keys' });
    await settle();
    expect(wrapper.get('h1').text()).toBe('Disable SSH root login');
    testApi.bundles.emit('onDidChange', { reason: 'imported' });
    await settle();
    expect(wrapper.get('h1').text()).toBe('Forbid SSH root login');
    wrapper.unmount();
    wrapper = undefined;
    expect(testApi.bundles.listenerCount('onDidChange')).toBe(0);
  });
});
