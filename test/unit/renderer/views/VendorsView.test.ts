import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import type { SyncReport, VendorOverview } from '../../../../shared/client';
import { AppError } from '../../../../shared/errors';
import VendorsView from '../../../../renderer/src/views/VendorsView.vue';
import { createTestApi, deferred, mountWithApp, settle } from '../helpers';
import { sampleOverview } from '../vendorsApi';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  document.body.innerHTML = '';
});

const FINGERPRINT = 'AB:'.repeat(31) + 'AB';

function report(vendor: string, overrides: Partial<SyncReport> = {}): SyncReport {
  return {
    vendor,
    requests: 40,
    resources: 32,
    newResults: 372,
    skippedUnchanged: 0,
    newLogs: 10,
    errors: [],
    durationMs: 1800,
    status: 'ok',
    ...overrides,
  };
}

async function mountVendors(testApi = createTestApi()) {
  const mounted = await mountWithApp(VendorsView, testApi, { path: '/vendors' });
  wrapper = mounted.wrapper;
  await settle();
  return { ...mounted, testApi };
}

describe('VendorsView: the first run', () => {
  it('explores the demo in one click: follows it, then syncs it with live progress', async () => {
    const testApi = createTestApi();
    const vendors = testApi.vendors;
    const demo = sampleOverview({ name: 'Demo: Nimbus Notes', demo: true, lastSync: null });
    const sync = deferred<SyncReport>();
    let list: VendorOverview[] = [];
    vendors.handlers.list = async () => list;
    vendors.handlers.addDemo = async () => {
      list = [demo];
      return demo;
    };
    vendors.handlers.sync = () => sync.promise;
    const { wrapper } = await mountVendors(testApi);
    expect(wrapper.text()).toContain('No vendors yet');

    const button = wrapper
      .findAll('button')
      .find((item) => item.text() === 'Explore with demo data')!;
    await button.trigger('click');
    await settle();
    expect(vendors.calls.map((call) => call.name)).toEqual(['list', 'addDemo', 'list', 'sync']);
    expect(vendors.calls.at(-1)!.argument).toEqual({ name: 'Demo: Nimbus Notes' });
    vendors.emitProgress({
      vendor: 'Demo: Nimbus Notes',
      done: 12,
      total: 40,
      current: 'https://127.0.0.1:1/ctp/assets/a1',
      requests: 15,
      errors: 1,
      lastError: {
        url: 'https://127.0.0.1:1/ctp/x',
        code: 'CLIENT_HTTP_STATUS',
        message: 'x: HTTP 500',
      },
    });
    await settle();
    expect(wrapper.find('.sync-progress__label').text()).toBe(
      '12 of 40 resources · 15 requests · 1 error',
    );
    expect(wrapper.find('.sync-progress__current').text()).toBe(
      'https://127.0.0.1:1/ctp/assets/a1',
    );
    expect(wrapper.find('.sync-progress__error').text()).toContain('CLIENT_HTTP_STATUS');
    expect(wrapper.find('progress').attributes('value')).toBe('30');

    sync.resolve(report('Demo: Nimbus Notes'));
    await settle();
    expect(wrapper.find('.sync-report').text()).toContain('Synced');
    expect(wrapper.find('.sync-report').text()).toContain('372 new results');
    expect(vendors.listenerCount()).toBe(1); // the portfolio's change listener only
  });

  it('says why the demo could not start', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.addDemo = async () => {
      throw new AppError('SERVER_LISTEN_FAILED', 'Cannot listen on `127.0.0.1:0`: no ports.');
    };
    const { wrapper } = await mountVendors(testApi);
    await wrapper
      .findAll('button')
      .find((item) => item.text() === 'Explore with demo data')!
      .trigger('click');
    await settle();
    const alert = wrapper.find('.first-run__error');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.find('code').text()).toBe('127.0.0.1:0');
  });
});

describe('VendorsView: the portfolio', () => {
  const vendors = [
    sampleOverview({
      name: 'zeta',
      objectives: { met: 3, failed: 0, error: 0, unknown: 0, disagreeing: 0 },
      signatures: { verified: 3, unsigned: 0, invalid: 0, unknown_authority: 0 },
      lastFinishedAt: new Date().toISOString(),
    }),
    sampleOverview({
      name: '<img src=x onerror="alert(1)">',
      provider: 'evil.example',
      lastFinishedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    }),
    sampleOverview({
      name: 'ספק ענן',
      provider: 'rtl.example',
      lastFinishedAt: null,
      lastSync: null,
    }),
    sampleOverview({
      name: 'L'.repeat(100),
      lastFinishedAt: new Date(Date.now() - 9 * 86_400_000).toISOString(),
    }),
  ];

  it('shows every vendor as text, with freshness, objectives, signatures and alerts', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.list = async () => vendors;
    const { wrapper } = await mountVendors(testApi);
    const rows = wrapper.findAll('tbody tr');
    expect(rows.map((row) => row.find('th a').text())).toEqual([
      '<img src=x onerror="alert(1)">',
      'L'.repeat(100),
      'zeta',
      'ספק ענן',
    ]);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(rows[2]!.find('th bdi').exists()).toBe(true);
    expect(rows.map((row) => row.find('.portfolio__sync .badge').text())).toEqual([
      '3 days old',
      '9 days old',
      'less than an hour old',
      'never synced',
    ]);
    expect(rows.map((row) => row.find('.portfolio__sync .badge').classes())).toEqual([
      expect.arrayContaining(['badge--warning']),
      expect.arrayContaining(['badge--danger']),
      expect.arrayContaining(['badge--success']),
      expect.arrayContaining(['badge--neutral']),
    ]);
    expect(rows[0]!.text()).toContain('1 disputed');
    expect(rows[2]!.text()).not.toContain('disputed');
    expect(rows[0]!.text()).toContain('1 invalid');
    expect(rows[0]!.text()).toContain('1 unknown authority');
  });

  it('filters by text and by need of attention, and sorts', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.list = async () => vendors;
    const { wrapper } = await mountVendors(testApi);
    await wrapper.find('input[type="search"]').setValue('RTL.example');
    expect(wrapper.findAll('tbody tr').map((row) => row.find('th a').text())).toEqual(['ספק ענן']);
    await wrapper.find('input[type="search"]').setValue('');
    await wrapper.find('input[type="checkbox"]').setValue(true);
    expect(wrapper.findAll('tbody tr')).toHaveLength(3); // zeta is fresh and all met
    await wrapper.find('input[type="checkbox"]').setValue(false);
    await wrapper.find('select').setValue('lastSync');
    expect(wrapper.findAll('tbody tr').map((row) => row.find('th a').text())[0]).toBe('ספק ענן');
    await wrapper.find('input[type="search"]').setValue('nobody');
    expect(wrapper.text()).toContain('No vendor matches.');
  });

  it('syncs all vendors one after the other, and cancels', async () => {
    const testApi = createTestApi();
    const pending = new Map<string, ReturnType<typeof deferred<SyncReport>>>();
    testApi.vendors.handlers.list = async () => vendors.slice(0, 2);
    testApi.vendors.handlers.sync = ({ name }) => {
      const answer = deferred<SyncReport>();
      pending.set(name, answer);
      return answer.promise;
    };
    testApi.vendors.handlers.cancelSync = async ({ name }) => {
      pending.get(name)!.resolve(
        report(name, {
          status: 'partial',
          errors: [{ url: 'u', code: 'CLIENT_CANCELLED', message: 'The sync was cancelled.' }],
        }),
      );
      return true;
    };
    const { wrapper } = await mountVendors(testApi);
    await wrapper
      .findAll('button')
      .find((item) => item.text() === 'Sync all')!
      .trigger('click');
    await settle();
    expect([...pending.keys()]).toEqual(['zeta']);
    expect(wrapper.findAll('.sync-progress')).toHaveLength(1);
    await wrapper
      .findAll('button')
      .find((item) => item.text() === 'Cancel syncs')!
      .trigger('click');
    await settle();
    expect([...pending.keys()]).toEqual(['zeta']); // the rest of the queue was dropped
    expect(wrapper.find('.sync-report').text()).toContain('Sync cancelled');
    expect(wrapper.find('.sync-report').text()).toContain('What was fetched is kept');
  });

  it('adds a vendor after showing its certificate and a confirmed pin, then syncs it', async () => {
    const testApi = createTestApi();
    const added = sampleOverview({ name: 'acme' });
    let list: VendorOverview[] = [];
    testApi.vendors.handlers.list = async () => list;
    testApi.vendors.handlers.probe = async ({ url }) => ({
      url,
      tls: true,
      systemTrusted: false,
      systemError: 'SELF_SIGNED_CERT_IN_CHAIN',
      certificate: {
        subject: 'CN=acme',
        issuer: 'CN=acme',
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2099-01-01T00:00:00.000Z',
        fingerprint256: FINGERPRINT,
        subjectAltName: 'DNS:ctp.acme.example',
        selfSigned: true,
      },
    });
    const addErrors = [
      new AppError('VENDOR_TOKEN_REFUSED', 'ctp.acme.example refused the access token (HTTP 401).'),
    ];
    testApi.vendors.handlers.add = async () => {
      const error = addErrors.shift();
      if (error !== undefined) throw error;
      list = [added];
      return added;
    };
    testApi.vendors.handlers.sync = async () => report('acme');
    const { wrapper } = await mountVendors(testApi);
    await wrapper
      .findAll('button')
      .find((item) => item.text() === 'Add vendor')!
      .trigger('click');
    await settle();
    const dialog = wrapper.find('dialog');
    expect(dialog.attributes('open')).toBeDefined();
    const submit = () => dialog.find('button[type="submit"]');
    await dialog.find('input[type="text"]').setValue('acme');
    await dialog.find('input[type="url"]').setValue('https://ctp.acme.example/ctp/');
    await dialog.find('input[type="password"]').setValue('secret-token-123');
    expect(submit().attributes('disabled')).toBeDefined();
    await dialog
      .findAll('button')
      .find((item) => item.text() === "Show the server's certificate")!
      .trigger('click');
    await settle();
    expect(dialog.text()).toContain('Itself (self-signed)');
    expect(dialog.findAll('.fingerprint__row').map((row) => row.text())).toHaveLength(4);
    expect(dialog.text()).toContain('Not trusted by this computer');
    expect(submit().attributes('disabled')).toBeDefined();
    await dialog.find('.form__confirm input').setValue(true);
    await dialog.find('form').trigger('submit');
    await settle();
    expect(dialog.find('[role="alert"]').text()).toContain('refused the access token');
    expect(dialog.find('[role="alert"]').text()).toContain('VENDOR_TOKEN_REFUSED');
    await dialog.find('form').trigger('submit');
    await settle();
    const addCalls = testApi.vendors.calls.filter((call) => call.name === 'add');
    expect(addCalls.at(-1)!.argument).toEqual({
      name: 'acme',
      url: 'https://ctp.acme.example/ctp/',
      token: 'secret-token-123',
      trust: { kind: 'fingerprint', sha256: FINGERPRINT },
    });
    expect(wrapper.find('dialog').exists()).toBe(false);
    expect(testApi.vendors.calls.map((call) => call.name)).toContain('sync');
  });

  it('removes a vendor after saying what is deleted', async () => {
    const testApi = createTestApi();
    let list = [sampleOverview({ name: 'acme', resources: 120 })];
    testApi.vendors.handlers.list = async () => list;
    testApi.vendors.handlers.remove = async () => {
      list = [];
    };
    const { wrapper } = await mountVendors(testApi);
    await wrapper.find('button[aria-label="Remove acme"]').trigger('click');
    const dialog = wrapper.find('dialog');
    expect(dialog.text()).toContain('120 resources');
    await dialog
      .findAll('button')
      .find((item) => item.text() === 'Remove')!
      .trigger('click');
    await settle();
    expect(testApi.vendors.calls.find((call) => call.name === 'remove')!.argument).toEqual({
      name: 'acme',
    });
    expect(wrapper.text()).toContain('No vendors yet');
  });

  it('reloads when a vendor changes, and shows an error with Retry', async () => {
    const testApi = createTestApi();
    let fail = true;
    testApi.vendors.handlers.list = async () => {
      if (fail) throw new AppError('APP_UNREACHABLE', 'Could not reach the server.');
      return [sampleOverview()];
    };
    const { wrapper } = await mountVendors(testApi);
    expect(wrapper.find('[role="alert"]').text()).toContain('APP_UNREACHABLE');
    fail = false;
    testApi.vendors.emitChange({ vendor: 'acme', reason: 'synced' });
    await settle();
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
  });
});
