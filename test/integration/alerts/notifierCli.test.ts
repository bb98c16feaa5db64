import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { OutboxEntry } from '../../../shared/alerts';
import { sampleProvider } from '../../fixtures/provider';
import { startProsody, type ProsodyServer } from '../../fixtures/prosody';
import { startPeer, type XmppPeer } from '../../fixtures/xmppPeers';
import { runBin, serveArgs, useProcesses } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const start = useProcesses();
let prosody: ProsodyServer;
const peers: XmppPeer[] = [];
let users = 0;

beforeAll(async () => {
  prosody = await startProsody(['provider:secret']);
});
afterAll(async () => {
  await prosody?.stop();
});
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.stop();
});

/** A data folder with the sample provider and the notifier account, set through the CLI. */
function providerData(): { dir: string; cli(args: string[]): ReturnType<typeof runBin> } {
  const dir = tempDir();
  const cli = (args: string[]) => runBin([...args, '--data-dir', dir]);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  expect(
    cli(['server', 'import', file('provider.json', JSON.stringify(sampleProvider()))]).status,
  ).toBe(0);
  const set = cli([
    'server',
    'notifier',
    'set',
    prosody.jid('provider'),
    '--password-file',
    file('password', 'secret\n'),
    '--service',
    prosody.service,
    '--ca',
    file('ca.pem', prosody.caPem!),
  ]);
  expect(set.stderr).toBe('');
  expect(set.stdout).toContain('Notifier account set: provider@localhost');
  return { dir, cli };
}

async function serve(dir: string) {
  const server = start(process.execPath, serveArgs(dir));
  const [, base] = await server.waitFor(/CTP API\s+(http:\/\/127\.0\.0\.1:\d+\/ctp\/)/);
  return { server, base: base! };
}

/** A customer's trigger on m1 notifying `user`, through the CTP API (CTP 5.2.16). */
function postTrigger(base: string, user: string): Promise<Response> {
  return fetch(`${base}serviceViews/sv1/triggers`, {
    method: 'POST',
    headers: { authorization: 'Bearer acme-secret-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      measurement: `${base}measurements/m1`,
      condition: 'value[0].percentage < 99',
      notification: `xmpp:${user}@localhost`,
    }),
  });
}

async function recipient(): Promise<string> {
  const user = `cli${++users}`;
  await prosody.register(user, 'secret');
  return user;
}

function outbox(cli: ReturnType<typeof providerData>['cli']): OutboxEntry[] {
  const listed = cli(['server', 'outbox', '--json']);
  expect(listed.status).toBe(0);
  return JSON.parse(listed.stdout) as OutboxEntry[];
}

async function until(condition: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const begin = Date.now();
  while (!condition()) {
    if (Date.now() - begin > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the notifier of `serve` (built CLI)', () => {
  it('loses nothing to kill -9 between queue and send: delivered after the restart', async () => {
    const user = await recipient();
    const { dir, cli } = providerData();
    const first = await serve(dir);
    const created = await postTrigger(first.base, user);
    expect(created.status).toBe(201);
    // No XMPP server: the alert is queued, and the process dies before it can be sent.
    await prosody.pause();
    try {
      const result = join(dir, 'result.json');
      writeFileSync(result, JSON.stringify({ value: [{ percentage: 95 }] }));
      expect(cli(['server', 'publish', 'm1', result]).status).toBe(0);
      expect(outbox(cli).map((row) => row.state)).toEqual(['queued']);
      first.server.child.kill('SIGKILL');
      await first.server.stop();
    } finally {
      await prosody.resume();
    }
    await serve(dir);
    await until(() => outbox(cli)[0]?.state === 'sent', 'the row to be sent');
    const peer = await startPeer(prosody, user);
    peers.push(peer);
    const [message] = await peer.waitForMessages(1);
    expect(JSON.parse(message!.getChildText('body')!)).toMatchObject({
      result: { value: [{ percentage: 95 }] },
    });
    const shown = cli(['server', 'notifier', 'show']);
    expect(shown.stdout).toContain('Account   provider@localhost');
    expect(shown.stdout).toContain('0 queued, 1 sent, 0 failed');
    const human = cli(['server', 'outbox']);
    expect(human.stdout).toMatch(/sent .* xmpp:cli\d+@localhost/);
  }, 120_000);

  it('sends everything at least once when killed in the middle of a burst', async () => {
    const user = await recipient();
    const peer = await startPeer(prosody, user);
    peers.push(peer);
    const { dir, cli } = providerData();
    const first = await serve(dir);
    await postTrigger(first.base, user);
    const result = join(dir, 'result.json');
    for (let index = 0; index < 20; index++) {
      writeFileSync(result, JSON.stringify({ value: [{ percentage: 70 + index }] }));
      expect(cli(['server', 'publish', 'm1', result]).status).toBe(0);
    }
    first.server.child.kill('SIGKILL');
    await first.server.stop();
    await serve(dir);
    await until(() => outbox(cli).every((row) => row.state === 'sent'), 'every row to be sent');
    const logIds = outbox(cli).map((row) => `ctp-log-${row.logId}`);
    expect(logIds).toHaveLength(20);
    await until(
      () => logIds.every((id) => peer.messages.some((message) => message.attrs.id === id)),
      'every alert to arrive',
    );
  }, 120_000);

  it('tests the account: exit 0 when acknowledged, 1 when refused, 2 without an account', async () => {
    const user = await recipient();
    const { cli } = providerData();
    const sent = cli(['server', 'notifier', 'test', `${user}@localhost`]);
    expect(sent.status).toBe(0);
    expect(sent.stdout).toContain('the server acknowledged it');
    const refused = cli(['server', 'notifier', 'test', 'nobody@localhost']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /refused: the XMPP server refused the message: service-unavailable/,
    );
    expect(cli(['server', 'notifier', 'remove']).stdout).toContain('Notifier account removed.');
    const none = cli(['server', 'notifier', 'test', `${user}@localhost`]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/No notifier account is set/);
  }, 60_000);
});
