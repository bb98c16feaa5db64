// `bundles.onDidChange` reports what the command line changed while the app runs: a core
// as the app has it, and CLI commands on the same data folder through their own
// connection to auditor.db and their own trust-store writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import type { BundlesChangeEvent, EventMessage } from '../../../shared/api';
import { cliInProcess } from '../../fixtures/cli';
import { testKeys, validBundle } from '../../fixtures/bundles';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

async function appWithEvents() {
  const dataDir = tempDir();
  core = await createCore({ dataDir, mode: 'headless', logger: createLogger({ level: 'silent' }) });
  const changes: BundlesChangeEvent['reason'][] = [];
  core.events.subscribe((message: EventMessage) => {
    if (message.name === 'bundles.onDidChange') {
      changes.push((message.payload as BundlesChangeEvent).reason);
    }
  });
  const file = (name: string, bytes: Buffer | string) => {
    const path = join(dataDir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const cli = (args: string[]) => cliInProcess([...args, '--data-dir', dataDir]);
  return { core, changes, file, cli };
}

describe('bundles pages follow changes made by the command line', () => {
  it('fires `imported` after a `trust-auditor import` from another connection', async () => {
    const { core: app, changes, file, cli } = await appWithEvents();
    // The app has read the rules once (its page is open), with no change yet.
    await app.dispatcher.dispatch('bundles.imports', undefined);
    const imported = await cli(['import', file('b.tar.gz', validBundle(2)), '--allow-unsigned']);
    expect(imported.code).toBe(0);
    await waitFor(() => changes.includes('imported'), 10_000);
    expect(changes).not.toContain('keys');
    const history = (await app.dispatcher.dispatch('bundles.imports', undefined)) as unknown[];
    expect(history).toHaveLength(1);
  });

  it('fires `keys` once for a key trusted in the app itself (its own event, not the watcher)', async () => {
    const { core: app, changes, file } = await appWithEvents();
    await app.dispatcher.dispatch('bundles.trustedKeys', undefined);
    const path = file('publisher.pem', testKeys().publicKey);
    await app.dispatcher.dispatch('bundles.trustKey', { source: { path }, name: 'publisher' });
    expect(changes).toEqual(['keys']);
    // A later change by another process still fires (the watcher looked in between or not).
    const other = await cliInProcess([
      'bundle',
      'trust',
      'remove',
      'publisher',
      '--keys',
      join(app.config.dataDir, 'trusted-keys'),
    ]);
    expect(other.code).toBe(0);
    await waitFor(() => changes.length > 1, 10_000);
    expect(changes).toEqual(['keys', 'keys']);
  });

  it('fires `keys` after `bundle trust add` and `bundle trust remove` from a terminal', async () => {
    const { core: app, changes, file, cli } = await appWithEvents();
    const key = file('publisher.pem', testKeys().publicKey);
    // The Trust store page has read the (absent) folder.
    await app.dispatcher.dispatch('bundles.trustedKeys', undefined);
    const added = await cli(['bundle', 'trust', 'add', key, '--name', 'publisher']);
    expect(added.code).toBe(0);
    await waitFor(() => changes.length > 0, 10_000);
    expect(changes).toEqual(['keys']);
    expect((await cli(['bundle', 'trust', 'remove', 'publisher'])).code).toBe(0);
    await waitFor(() => changes.length > 1, 10_000);
    expect(changes).toEqual(['keys', 'keys']);
  });
});
