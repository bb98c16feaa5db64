// `server.onDidChangeStatus` reports data written by other processes: a real `serve --ui`
// (built CLI), its event stream read as the headless page reads it, and CLI commands
// writing the same server.db meanwhile.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { createSseParser } from '../../../renderer/src/api/sse';
import type { ServerStatus } from '../../../shared/api';
import { sampleProvider } from '../../fixtures/provider';
import { BIN, ROOT, startHeadlessServer, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

const tempDir = useTempDirs();
const start = useProcesses();
const streams: AbortController[] = [];
afterEach(() => {
  for (const stream of streams.splice(0)) stream.abort();
});

async function cli(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT });
  return stdout;
}

/** Every `server.onDidChangeStatus` the server streams, in order, as they arrive. */
async function followStatus(origin: string, token: string): Promise<ServerStatus[]> {
  const received: ServerStatus[] = [];
  const controller = new AbortController();
  streams.push(controller);
  const response = await fetch(`${origin}/app/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const parser = createSseParser({
    onEvent: (event) => {
      if (event.event === 'server.onDidChangeStatus') {
        received.push(JSON.parse(event.data) as ServerStatus);
      }
    },
  });
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of response.body!) parser.push(decoder.decode(chunk, { stream: true }));
  })().catch(() => undefined); // aborted at the end of the test
  return received;
}

/** Runs a change and returns the first status streamed after it. */
async function statusAfter(received: ServerStatus[], change: () => Promise<unknown>) {
  const before = received.length;
  await change();
  await waitFor(() => received.length > before, 30_000);
  return received[before]!;
}

describe('live server status across processes', () => {
  it('streams the new counts after a server import, publish and token create from the CLI', async () => {
    const dataDir = tempDir();
    const { origin, token } = await startHeadlessServer(start, dataDir);
    const received = await followStatus(origin, token);
    // The watcher's first look sends the status to its new listener.
    await waitFor(() => received.length > 0, 30_000);
    expect(received[0]).toMatchObject({
      listening: true,
      counts: { serviceViews: 0, accounts: 0 },
    });

    const provider = join(dataDir, 'provider.json');
    writeFileSync(provider, JSON.stringify(sampleProvider()));
    const imported = await statusAfter(received, () =>
      cli(['server', 'import', provider, '--data-dir', dataDir]),
    );
    expect(imported).toMatchObject({
      listening: true,
      counts: { serviceViews: 2, assets: 2, measurements: 2, triggers: 0, accounts: 2 },
    });

    // A new result changes no count, but it is a change of the published data.
    const result = join(dataDir, 'result.json');
    writeFileSync(result, '{"value":[{"percentage":98.5}]}');
    const published = await statusAfter(received, () =>
      cli(['server', 'publish', 'm1', result, '--data-dir', dataDir]),
    );
    expect(published.counts).toEqual(imported.counts);

    const tokenCreated = await statusAfter(received, () =>
      cli([
        'server',
        'token',
        'create',
        '--account',
        'initech',
        '--views',
        'sv1',
        '--data-dir',
        dataDir,
      ]),
    );
    expect(tokenCreated.counts.accounts).toBe(3);
    // Three CLI processes and a server on a busy shared machine: minutes, not seconds.
  }, 180_000);
});
