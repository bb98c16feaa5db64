import { describe, expect, it } from 'vitest';

import {
  API_DESCRIPTION,
  argumentValidator,
  buildApi,
  CALL_NAMES,
  EVENT_NAMES,
  isCallName,
  type CallName,
  type EventName,
} from '../../../shared/api';
import { AppError } from '../../../shared/errors';

describe('the contract', () => {
  it('names its calls and events service.member', () => {
    expect(CALL_NAMES).toEqual([
      'app.info',
      'app.chooseFile',
      'server.status',
      'server.tree',
      'server.measurement',
      'server.previewImport',
      'server.importProvider',
      'server.publish',
      'server.accounts',
      'server.saveAccount',
      'server.deleteAccount',
      'server.createToken',
      'server.rotateTokens',
      'server.revokeTokens',
      'server.triggers',
      'server.resetTrigger',
      'bundles.verify',
      'bundles.import',
      'bundles.previousImports',
      'bundles.imports',
      'bundles.rules',
      'bundles.ruleFacets',
      'bundles.rule',
      'bundles.trustedKeys',
      'bundles.inspectKey',
      'bundles.trustKey',
      'bundles.untrustKey',
      'vendors.list',
      'vendors.probe',
      'vendors.add',
      'vendors.edit',
      'vendors.remove',
      'vendors.addDemo',
      'vendors.sync',
      'vendors.cancelSync',
      'vendors.tree',
      'vendors.changes',
      'vendors.measurement',
      'vendors.history',
      'vendors.supplyChain',
      'vendors.authorities',
      'vendors.addAuthority',
      'vendors.removeAuthority',
      'alerts.list',
      'alerts.setRead',
      'alerts.markAllRead',
      'alerts.listenerStatus',
      'alerts.setAccount',
      'alerts.removeAccount',
      'alerts.notifierStatus',
      'alerts.setNotifier',
      'alerts.removeNotifier',
      'alerts.testNotifier',
      'alerts.outbox',
      'alerts.retryOutbox',
      'triggers.targets',
      'triggers.list',
      'triggers.create',
      'triggers.remove',
      'triggers.preview',
      'cts.published',
      'cts.vendor',
      'cts.evidence',
      'cts.checkEvidence',
      'cts.fetchEvidence',
      'cts.setVendorUrl',
      'cts.acceptVendorKey',
    ]);
    expect(EVENT_NAMES).toEqual([
      'server.onDidChangeStatus',
      'server.onDidImportProgress',
      'bundles.onDidProgress',
      'bundles.onDidChange',
      'vendors.onDidSyncProgress',
      'vendors.onDidChange',
      'alerts.onDidReceive',
      'alerts.onDidChangeUnread',
      'alerts.onDidChangeListener',
      'alerts.onDidChangeNotifier',
    ]);
  });

  it.each([
    ['app.info', true],
    ['server.status', true],
    ['server.onDidChangeStatus', false],
    ['constructor', false],
    ['__proto__.x', false],
    [42, false],
  ])('isCallName(%j) is %s', (name, expected) => {
    expect(isCallName(name)).toBe(expected);
  });

  it('rejects an argument for calls that take none', () => {
    expect(argumentValidator('app.info')(undefined)).toBeUndefined();
    expect(argumentValidator('app.info')(null)).toBeUndefined();
    expect(() => argumentValidator('app.info')({ evil: true })).toThrow(AppError);
  });

  it.each([
    [{ path: '/b.tar.gz' }, { path: '/b.tar.gz' }],
    [
      { path: '/b.tar.gz', lenient: true },
      { path: '/b.tar.gz', lenient: true },
    ],
  ])('accepts the bundle request %j', (argument, expected) => {
    expect(argumentValidator('bundles.verify')(argument)).toEqual(expected);
  });

  it.each([
    undefined,
    'path',
    [],
    {},
    { path: '' },
    { path: 'a\0b' },
    { path: 'x'.repeat(4097) },
    { path: '/b', lenient: 'yes' },
    { path: '/b', extra: 1 },
  ])('refuses the bundle request %j', (argument) => {
    expect(() => argumentValidator('bundles.verify')(argument)).toThrow(
      expect.objectContaining({ code: 'APP_INVALID_ARGUMENT' }),
    );
  });

  it.each([{ name: 'acme' }, { name: 'Acme Cloud (EU)' }])(
    'accepts the vendor request %j',
    (argument) => {
      expect(argumentValidator('vendors.sync')(argument)).toEqual(argument);
    },
  );

  it.each([
    undefined,
    {},
    { name: '' },
    { name: 'a\nb' },
    { name: 'x'.repeat(201) },
    { name: 'a', x: 1 },
  ])('refuses the vendor request %j', (argument) => {
    expect(() => argumentValidator('vendors.sync')(argument)).toThrow(
      expect.objectContaining({ code: 'APP_INVALID_ARGUMENT' }),
    );
  });

  it('builds an API with exactly the named functions, forwarding to the transport', async () => {
    const calls: Array<[CallName, unknown]> = [];
    const subscriptions: EventName[] = [];
    const api = buildApi({
      call: async (name, argument) => {
        calls.push([name, argument]);
        return `result of ${name}`;
      },
      subscribe: (name, listener) => {
        subscriptions.push(name);
        listener({ listening: true });
        return () => subscriptions.splice(subscriptions.indexOf(name), 1);
      },
    });
    expect(Object.keys(api).sort()).toEqual(Object.keys(API_DESCRIPTION).sort());
    expect(Object.keys(api.server).sort()).toEqual(
      [...CALL_NAMES, ...EVENT_NAMES]
        .filter((name) => name.startsWith('server.'))
        .map((name) => name.slice('server.'.length))
        .sort(),
    );
    expect(Object.isFrozen(api) && Object.isFrozen(api.server)).toBe(true);
    await expect(api.app.info()).resolves.toBe('result of app.info');
    expect(calls).toEqual([['app.info', undefined]]);
    const seen: unknown[] = [];
    const unsubscribe = api.server.onDidChangeStatus((status) => seen.push(status));
    expect(seen).toEqual([{ listening: true }]);
    expect(subscriptions).toEqual(['server.onDidChangeStatus']);
    unsubscribe();
    expect(subscriptions).toEqual([]);
  });
});

describe('the cts service validators', () => {
  const digest = 'a'.repeat(64);
  it('accepts well-formed requests', () => {
    expect(
      argumentValidator('cts.checkEvidence')({
        name: 'acme',
        files: [{ name: 'r.pdf', sha256: digest, size: 3 }],
      }),
    ).toEqual({
      name: 'acme',
      files: [{ name: 'r.pdf', sha256: digest, size: 3 }],
    });
    expect(argumentValidator('cts.setVendorUrl')({ name: 'acme', url: null })).toEqual({
      name: 'acme',
      url: null,
    });
    expect(argumentValidator('cts.acceptVendorKey')({ name: 'acme', kid: 'k' })).toEqual({
      name: 'acme',
      kid: 'k',
    });
  });

  it.each([
    ['cts.checkEvidence', { name: 'acme', files: [] }],
    [
      'cts.checkEvidence',
      { name: 'acme', files: [{ name: 'r', sha256: digest.toUpperCase(), size: 1 }] },
    ],
    ['cts.checkEvidence', { name: 'acme', files: [{ name: 'r', sha256: digest, size: -1 }] }],
    ['cts.checkEvidence', { name: 'acme', files: [{ name: 'r\u001b', sha256: digest, size: 1 }] }],
    [
      'cts.checkEvidence',
      { name: 'acme', files: [{ name: 'r', sha256: digest, size: 1, path: '/etc/passwd' }] },
    ],
    [
      'cts.checkEvidence',
      { name: 'acme', files: [{ name: 'r', sha256: digest, size: 1 }], extra: 1 },
    ],
    ['cts.setVendorUrl', { name: 'acme' }],
    ['cts.setVendorUrl', { name: 'acme', url: 'x'.repeat(3000) }],
    ['cts.acceptVendorKey', { name: 'acme', kid: '' }],
    ['cts.vendor', { name: '' }],
  ] as const)('refuses %s %j', (call, value) => {
    expect(() => argumentValidator(call)(value)).toThrow(AppError);
  });
});
