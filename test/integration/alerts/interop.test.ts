import { spawn, type ChildProcess } from 'node:child_process';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../../electron/core/app';
import { alertsApps } from '../../fixtures/alertsApps';
import { startProsody, type ProsodyServer } from '../../fixtures/prosody';
import { startPeer, xml, type XmppPeer } from '../../fixtures/xmppPeers';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

/** Debian's go-sendxmpp: an XMPP client we did not write (CI installs it). */
const GO_SENDXMPP = process.env.GO_SENDXMPP ?? '/usr/bin/go-sendxmpp';

const tempDir = useTempDirs();
let prosody: ProsodyServer;
const open: Array<Core | XmppPeer> = [];
const children: ChildProcess[] = [];
const { vendorServer, auditor, freshUser } = alertsApps(() => prosody, tempDir, open);

beforeAll(async () => {
  prosody = await startProsody(['provider:secret']);
});
afterAll(async () => {
  await prosody?.stop();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const item of open.splice(0).reverse()) {
    await ('dispose' in item ? item.dispose() : item.stop());
  }
});

function goSendxmpp(user: string, args: string[], input?: string) {
  const child = spawn(
    GO_SENDXMPP,
    ['-u', prosody.jid(user), '-p', 'secret', '-j', `127.0.0.1:${prosody.port}`, '-n', ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(input ?? '');
  return { output: () => output, exited };
}

describe('interoperability with go-sendxmpp (Debian)', () => {
  it("go-sendxmpp receives our notifier's message: the CTP log entry as JSON", async () => {
    const user = await freshUser('go');
    const vendor = await vendorServer();
    vendor.trigger(`xmpp:${user}@localhost`);
    const listening = goSendxmpp(user, ['-l']);
    // Listening once a probe message comes through.
    const probe = await startPeer(prosody, await freshUser('probe'));
    open.push(probe);
    // go-sendxmpp prints nothing when it is ready: it is once a probe comes through.
    const probing = setInterval(() => {
      void probe.send(
        xml('message', { to: `${user}@localhost`, type: 'chat' }, xml('body', {}, 'probe')),
      );
    }, 500);
    await waitFor(() => listening.output().includes('probe'), 20_000).finally(() =>
      clearInterval(probing),
    );
    expect(listening.output()).toContain('probe');
    const outcome = await vendor.publish(97.25);
    const self = `${vendor.ctpBase}logs/${outcome.alerts[0]!.logId}`;
    await waitFor(() => listening.output().includes(self), 20_000);
    const answer = await fetch(self, { headers: { authorization: 'Bearer acme-secret-token' } });
    expect(listening.output()).toContain(await answer.text());
  });

  it('our listener accepts a log entry go-sendxmpp sends', async () => {
    const vendor = await vendorServer();
    vendor.trigger('');
    const user = await freshUser();
    // Followed and caught up before the alert: it reaches the workspace only by XMPP.
    const workspace = await auditor(tempDir(), vendor.ctpBase, user);
    const outcome = await vendor.publish(96.5);
    const self = `${vendor.ctpBase}logs/${outcome.alerts[0]!.logId}`;
    const body = await (
      await fetch(self, { headers: { authorization: 'Bearer acme-secret-token' } })
    ).text();
    const relay = await freshUser('relay');
    const sent = goSendxmpp(relay, [`${user}@localhost`], `${body}\n`);
    expect(await sent.exited).toBe(0);
    await waitFor(() => workspace.list().items.some((item) => item.logUrl === self), 20_000);
    const [alert] = workspace.list().items.filter((item) => item.logUrl === self);
    expect(alert).toMatchObject({
      origin: 'vendor',
      vendor: 'acme',
      kind: 'normal',
      result: { value: [{ percentage: 96.5 }] },
    });
  });
});
