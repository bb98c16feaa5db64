import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import type { BundleImportResult } from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import BundleImportPanel from '../../../../renderer/src/components/BundleImportPanel.vue';
import { sampleReport } from '../helpers';

function mountPanel(props: Record<string, unknown> = {}) {
  return mount(BundleImportPanel, {
    props: {
      report: sampleReport({ verdict: 'verified' }),
      path: '/b.tar.gz',
      lenient: false,
      importing: false,
      progress: null,
      result: null,
      error: null,
      ...props,
    },
    global: { stubs: { RouterLink: { template: '<a><slot /></a>' } } },
  });
}

describe('BundleImportPanel', () => {
  it('explains the four strategies and imports with the chosen one', async () => {
    const panel = mountPanel();
    const radios = panel.findAll('input[type="radio"]');
    expect(radios.map((radio) => radio.attributes('value'))).toEqual([
      'skip_unchanged_update_changed',
      'skip_all',
      'version_increment',
      'replace_all',
    ]);
    expect(panel.text()).toContain('rules absent from this bundle are retired');
    await radios[3]!.setValue(true);
    await panel.find('form').trigger('submit');
    expect(panel.emitted('import')).toEqual([[{ strategy: 'replace_all', allowUnsigned: false }]]);
  });

  it('needs consent for an unsigned bundle, and refuses an invalid one', async () => {
    const unsigned = mountPanel({ report: sampleReport({ verdict: 'valid-unsigned' }) });
    const submit = unsigned.find('button[type="submit"]');
    expect(submit.attributes('disabled')).toBeDefined();
    await unsigned.find('input[type="checkbox"]').setValue(true);
    await unsigned.find('form').trigger('submit');
    expect(unsigned.emitted('import')).toEqual([
      [{ strategy: 'skip_unchanged_update_changed', allowUnsigned: true }],
    ]);
    const invalid = mountPanel({ report: sampleReport({ verdict: 'invalid' }) });
    expect(invalid.find('form').exists()).toBe(false);
    expect(invalid.text()).toContain('cannot be imported');
  });

  it('shows the import record, or the error', () => {
    const result: BundleImportResult = {
      importId: 7,
      strategy: 'skip_all',
      unsignedAllowed: false,
      lenient: false,
      counts: { total: 5, inserted: 2, versioned: 1, unchanged: 1, skipped: 1, retired: 0 },
      lenientMappings: {},
      report: sampleReport(),
    };
    const done = mountPanel({ result });
    expect(done.find('[data-testid="import-result"]').text()).toContain('import #7');
    expect(done.text()).toContain('Updated (new version)');
    const failed = mountPanel({
      error: new AppError('BUNDLE_SIGNATURE_REQUIRED', 'A trusted signature is required.'),
    });
    expect(failed.find('[role="alert"]').text()).toContain('BUNDLE_SIGNATURE_REQUIRED');
  });
});
