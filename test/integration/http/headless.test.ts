import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import type { ServerStatus } from '../../../shared/api';
import { useTempDirs } from '../../helpers/tempDir';
import { waitFor } from '../../helpers/waitFor';

const tempDir = useTempDirs();
const cores: Core[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  for (const agent of agents.splice(0)) await agent.destroy();
});

async function startCore(dataDir: string, tls: 'auto' | 'off' = 'auto') {
  const core = await createCore({
    dataDir,
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  cores.push(core);
  const listening = await core.serverHost.listen({
    host: '127.0.0.1',
    port: 0,
    tls: { mode: tls },
    uiDir: null,
  });
  // Trust exactly the server's own certificate: what a pinned client does.
  const dispatcher =
    tls === 'auto'
      ? new Agent({
          connect: { ca: readFileSync(join(dataDir, 'tls', 'server-cert.pem'), 'utf8') },
        })
      : new Agent();
  agents.push(dispatcher);
  const rpc = async (name: string, body: unknown, token: string | null = listening.adminToken) => {
    const response = await request(`${listening.origin}/app/rpc/${name}`, {
      method: 'POST',
      dispatcher,
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: (await response.body.json()) as Record<string, any>,
    };
  };
  return { core, listening, rpc, dispatcher };
}

describe('headless server over real HTTPS on 127.0.0.1', () => {
  it('answers calls with the admin token and 401 without it', async () => {
    const { rpc, listening } = await startCore(tempDir());
    const info = await rpc('app.info', {});
    expect(info.status).toBe(200);
    expect(info.body.result).toMatchObject({ name: 'Trust Auditor', mode: 'headless' });
    expect(info.body.result.versions.sqlite).toMatch(/^3\.\d+/);

    const status = await rpc('server.status', {});
    expect(status.body.result).toMatchObject({
      listening: true,
      ctpBase: `${listening.origin}/ctp/`,
      tls: { mode: 'auto', fingerprint256: listening.fingerprint256 },
      counts: { serviceViews: 0, assets: 0, measurements: 0, triggers: 0, accounts: 0 },
    });

    for (const token of [null, 'wrong', `${listening.adminToken}x`]) {
      const denied = await rpc('app.info', {}, token);
      expect(denied.status).toBe(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(denied.body.error).toMatchObject({ code: 'APP_UNAUTHORIZED' });
    }
  });

  it('validates call names and arguments before any handler runs', async () => {
    const { rpc } = await startCore(tempDir());
    expect(await rpc('app.nothing', {})).toMatchObject({
      status: 404,
      body: { error: { code: 'APP_UNKNOWN_CALL' } },
    });
    expect(await rpc('constructor', {})).toMatchObject({ status: 404 });
    expect(await rpc('app.info', { argument: { x: 1 } })).toMatchObject({
      status: 400,
      body: { error: { code: 'APP_INVALID_ARGUMENT' } },
    });
    expect(await rpc('app.info', { other: 1 })).toMatchObject({ status: 400 });
  });

  it('sends security headers on every response', async () => {
    const { rpc } = await startCore(tempDir());
    // A success, an unknown call (404) and a bad argument (400) alike.
    for (const [call, body] of [
      ['app.info', {}],
      ['app.nothing', {}],
      ['app.info', { other: 1 }],
    ] as const) {
      const { headers } = await rpc(call, body);
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('keeps its certificate and admin token across restarts, token readable by the owner only', async () => {
    const dataDir = tempDir();
    const first = await startCore(dataDir);
    const { fingerprint256, adminToken } = first.listening;
    await first.core.dispose();
    const second = await startCore(dataDir);
    expect(second.listening.fingerprint256).toBe(fingerprint256);
    expect(second.listening.adminToken).toBe(adminToken);
    expect(fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'tls', 'server-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('refuses plain HTTP on a non-loopback address', async () => {
    const core = await createCore({
      dataDir: tempDir(),
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    cores.push(core);
    await expect(
      core.serverHost.listen({ host: '0.0.0.0', port: 0, tls: { mode: 'off' }, uiDir: null }),
    ).rejects.toMatchObject({ code: 'SERVER_PLAIN_HTTP_REFUSED' });
    expect((await core.serverHost.status()).listening).toBe(false);
  });

  it('streams events as Server-Sent Events and ends open streams on close', async () => {
    const { core, listening, dispatcher } = await startCore(tempDir(), 'off');
    // Modules follow the bus too (the notifier follows the server's status): count the stream's.
    const modules = core.events.listenerCount;
    const denied = await request(`${listening.origin}/app/events`, { dispatcher });
    expect(denied.statusCode).toBe(401);
    await denied.body.dump();

    const response = await request(`${listening.origin}/app/events`, {
      dispatcher,
      headers: { authorization: `Bearer ${listening.adminToken}`, accept: 'text/event-stream' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const received: string[] = [];
    const ended = new Promise<void>((resolve) => {
      response.body.on('data', (chunk: Buffer) => received.push(chunk.toString('utf8')));
      response.body.on('end', () => resolve());
      response.body.on('error', () => resolve());
    });
    await waitFor(() => core.events.listenerCount === modules + 1);
    const status: ServerStatus = await core.serverHost.status();
    core.events.emit('server.onDidChangeStatus', status);
    await waitFor(() => received.join('').includes('event: server.onDidChangeStatus'));
    const frame = received
      .join('')
      .split('\n\n')
      .find((block) => block.startsWith('event: '));
    expect(frame).toBe(`event: server.onDidChangeStatus\ndata: ${JSON.stringify(status)}`);

    await core.serverHost.close();
    await ended;
    expect(core.events.listenerCount).toBe(modules);
    expect((await core.serverHost.status()).listening).toBe(false);
  });

  it('leaves nothing open after dispose: databases closed, port released', async () => {
    const dir = tempDir();
    const { core, listening, rpc } = await startCore(dir);
    expect((await rpc('app.info', {})).status).toBe(200);
    expect(existsSync(join(dir, 'auditor.db-wal'))).toBe(true);
    await core.dispose();
    // SQLite removes a WAL file when the last connection to its database closes.
    expect(existsSync(join(dir, 'auditor.db-wal'))).toBe(false);
    expect(existsSync(join(dir, 'server.db-wal'))).toBe(false);
    expect(core.events.listenerCount).toBe(0);
    await expect(fetch(`${listening.origin}/`)).rejects.toThrow();
    await expect(core.dispatcher.dispatch('app.info', undefined)).rejects.toMatchObject({
      code: 'APP_DISPOSED',
    });
    // Disposing twice is harmless.
    await core.dispose();
  });

  it('takes an uploaded file of several MiB on the calls that read files, and 1 MiB on others', async () => {
    const { rpc } = await startCore(tempDir(), 'off');
    const base64 = Buffer.alloc(3 * 1024 * 1024, 0x41).toString('base64');
    const upload = await rpc('bundles.verify', {
      argument: { upload: { name: 'big.tar.gz', base64 } },
    });
    expect(upload.status).toBe(200);
    expect(upload.body.result).toMatchObject({
      verdict: 'invalid',
      bundle: { compressedBytes: 3 * 1024 * 1024 },
    });
    const elsewhere = await rpc('bundles.rules', { argument: { text: base64 } });
    expect(elsewhere.status).toBe(413);
    expect(elsewhere.body.error).toMatchObject({ code: 'APP_BODY_TOO_LARGE' });
  });
});
