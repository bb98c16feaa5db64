import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import type { BundleProgressEvent, EventMessage } from '../../../shared/api';
import type { BundleReport } from '../../../shared/bundles';
import { useTempDirs } from '../../helpers/tempDir';
import { validBundle } from '../../fixtures/bundles';

const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.dispose();
  core = null;
});

describe('bundles.verify through the dispatcher both transports use', () => {
  it('verifies a real archive and reports progress as throttled events ending at done = total', async () => {
    const dataDir = tempDir();
    core = await createCore({
      dataDir,
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    const path = join(dataDir, 'rules.tar.gz');
    writeFileSync(path, validBundle(400));
    const progress: BundleProgressEvent[] = [];
    core.events.subscribe((message: EventMessage) => {
      if (message.name === 'bundles.onDidProgress')
        progress.push(message.payload as BundleProgressEvent);
    });

    const report = (await core.dispatcher.dispatch('bundles.verify', { path })) as BundleReport;
    expect(report.verdict).toBe('valid-unsigned');
    expect(report.counts.ruleFiles).toBe(400);
    expect(progress.length).toBeGreaterThan(0);
    // Throttled: far fewer events than rules, and the last one says the work is complete.
    expect(progress.length).toBeLessThan(100);
    const last = progress.at(-1)!;
    expect(last.path).toBe(path);
    expect(last.done).toBe(last.total);
  });

  it('answers a missing file with a coded error, not a crash', async () => {
    core = await createCore({
      dataDir: tempDir(),
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    await expect(
      core.dispatcher.dispatch('bundles.verify', { path: '/nonexistent/b.tar.gz' }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^BUNDLE_/),
    });
    await expect(core.dispatcher.dispatch('bundles.verify', { path: 42 })).rejects.toMatchObject({
      code: 'APP_INVALID_ARGUMENT',
    });
  });
});
