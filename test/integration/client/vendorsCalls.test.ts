import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createEncryptedSecretStore } from '../../../electron/core/client/encryptedSecretStore';
import { createFileSecretStore } from '../../../electron/core/client/secretStore';
import { createLogger } from '../../../electron/core/logger';
import type { EventMessage } from '../../../shared/api';
import type {
  SupplyChainGraph,
  SyncProgress,
  SyncReport,
  VendorSummary,
} from '../../../shared/client';
import { useTempDirs } from '../../helpers/tempDir';
import { addVendor } from './cliHarness';
import { providerDocument, startOurServer, type RunningServer } from './ourServer';

const tempDir = useTempDirs();
const running: Array<Core | RunningServer> = [];
afterEach(async () => {
  for (const item of running.splice(0)) await ('core' in item ? item.core : item).dispose();
});

describe('vendors.list and vendors.sync through the dispatcher both transports use', () => {
  it('lists the vendor the CLI added and syncs it from our server with throttled progress', async () => {
    const server = await startOurServer(
      tempDir(),
      providerDocument({ views: 2, assets: 2, measurements: 2 }),
    );
    running.push(server);
    const dataDir = tempDir();
    await addVendor(dataDir, server);

    const core = await createCore({
      dataDir,
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    running.push(core);
    const progress: SyncProgress[] = [];
    core.events.subscribe((message: EventMessage) => {
      if (message.name === 'vendors.onDidSyncProgress')
        progress.push(message.payload as SyncProgress);
    });

    const listed = (await core.dispatcher.dispatch('vendors.list', undefined)) as VendorSummary[];
    expect(listed).toMatchObject([
      {
        name: 'acme',
        baseUrl: server.ctpBase,
        trust: 'fingerprint',
        hasToken: true,
        lastSync: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(server.token);

    const report = (await core.dispatcher.dispatch('vendors.sync', { name: 'acme' })) as SyncReport;
    expect(report).toMatchObject({ vendor: 'acme', status: 'ok', newResults: 8, errors: [] });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ vendor: 'acme' });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    const after = (await core.dispatcher.dispatch('vendors.list', undefined)) as VendorSummary[];
    expect(after[0]!.lastSync).toMatchObject({ status: 'ok', errors: 0 });
    const graph = (await core.dispatcher.dispatch(
      'vendors.supplyChain',
      undefined,
    )) as SupplyChainGraph;
    expect(graph.nodes.length).toBeGreaterThan(0);
    expect(graph.edges.length).toBeGreaterThan(0);
    expect(JSON.stringify(graph.nodes)).toContain('acme');
    await expect(
      core.dispatcher.dispatch('vendors.sync', { name: 'nobody' }),
    ).rejects.toMatchObject({ expected: true });
  });
});

describe('the desktop secret store (keychain-encrypted)', () => {
  const cipher = {
    available: true,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString: (text: string) =>
      Buffer.from(Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a)),
    decryptString: (sealed: Buffer) =>
      Buffer.from(sealed.map((byte) => byte ^ 0x5a)).toString('utf8'),
  };

  it('never writes a token in clear and reads it back', () => {
    const path = join(tempDir(), 'secrets.keychain.json');
    const store = createEncryptedSecretStore(createFileSecretStore(path), cipher);
    store.set('vendor-token:acme', 'acme-secret-token');
    expect(readFileSync(path, 'utf8')).not.toContain('acme-secret-token');
    expect(store.get('vendor-token:acme')).toBe('acme-secret-token');
    expect(store.get('vendor-token:other')).toBeNull();
    store.delete('vendor-token:acme');
    expect(store.get('vendor-token:acme')).toBeNull();
  });

  it('refuses to store anything when the keychain is unavailable', () => {
    const path = join(tempDir(), 'secrets.keychain.json');
    const locked = { ...cipher, available: false, isEncryptionAvailable: () => false };
    const store = createEncryptedSecretStore(createFileSecretStore(path), locked);
    expect(() => store.set('vendor-token:acme', 'acme-secret-token')).toThrow(
      /keychain is not available/,
    );
    expect(createFileSecretStore(path).get('vendor-token:acme')).toBeNull();
  });
});
