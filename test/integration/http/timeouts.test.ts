import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createDispatcher, type ApiHandlers } from '../../../electron/core/dispatcher';
import { createEventBus } from '../../../electron/core/events';
import { buildServer } from '../../../electron/core/http/buildServer';
import { HTTP_TIMEOUTS } from '../../../electron/core/http/timeouts';
import { loadTlsMaterial } from '../../../electron/core/http/tls';
import { createLogger } from '../../../electron/core/logger';
import { useTempDirs } from '../../helpers/tempDir';
import { ACME, useCtpApps } from '../../fixtures/ctpApps';

const tempDir = useTempDirs();
const start = useCtpApps();
const sockets: Array<{ destroy(): void }> = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** Short deadlines, so that a slow client is cut within a second. */
const SHORT = {
  headersMs: 300,
  requestMs: 600,
  keepAliveMs: 300,
  idleMs: 30_000,
  checkIntervalMs: 50,
};

async function listening() {
  const { app } = await start(tempDir(), { timeouts: SHORT });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
}

/**
 * A client on a raw socket: sends `head`, then `drip` every 50 ms for as long as the
 * server keeps the connection open (so it is never idle). Resolves with what the server
 * sent once it has closed the connection.
 */
function slowClient(port: number, head: string, drip: string | null): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      if (drip !== null) timer = setInterval(() => socket.write(drip), 50);
    });
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    // Writing after the server closed fails (EPIPE, ECONNRESET): that is the point.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
  });
}

describe('slow clients', () => {
  it('are cut when their headers do not arrive in time (408)', async () => {
    const port = await listening();
    const received = await slowClient(port, 'GET /ctp/ HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('are cut when their body does not arrive in time (408)', async () => {
    const port = await listening();
    const head =
      'POST /ctp/serviceViews/sv1/triggers HTTP/1.1\r\nHost: x\r\n' +
      `Authorization: ${ACME.authorization}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n{"name":"';
    const received = await slowClient(port, head, 'x');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('lose an idle keep-alive connection after the keep-alive time', async () => {
    const port = await listening();
    const request = `GET /ctp/ HTTP/1.1\r\nHost: x\r\nAuthorization: ${ACME.authorization}\r\n\r\n`;
    const received = await slowClient(port, request, null);
    // Answered, then closed by the server although the client sent nothing more.
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('get 30 s for headers and for the whole request, checked every second, by default', async () => {
    expect(HTTP_TIMEOUTS).toEqual({
      headersMs: 30_000,
      requestMs: 30_000,
      keepAliveMs: 30_000,
      idleMs: 60_000,
      checkIntervalMs: 1_000,
    });
    const dir = tempDir();
    const tls = loadTlsMaterial({ mode: 'auto' }, dir, ['127.0.0.1'])!;
    for (const https of [null, { key: tls.key, cert: tls.cert }]) {
      const app = await buildServer({
        dispatcher: createDispatcher({} as ApiHandlers, () => false),
        events: createEventBus(() => undefined),
        logger: createLogger({ level: 'silent' }),
        adminToken: 'admin-token-for-tests-0123456789abcdef',
        uiDir: null,
        https,
      });
      const server = app.server as typeof app.server & { connectionsCheckingInterval: number };
      expect({
        tls: https !== null,
        headers: server.headersTimeout,
        request: server.requestTimeout,
        keepAlive: server.keepAliveTimeout,
        idle: server.timeout,
        checks: server.connectionsCheckingInterval,
      }).toEqual({
        tls: https !== null,
        headers: 30_000,
        request: 30_000,
        keepAlive: 30_000,
        idle: 60_000,
        checks: 1_000,
      });
      await app.close();
    }
  });
});
