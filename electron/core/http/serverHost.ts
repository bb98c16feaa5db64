import type { FastifyInstance } from 'fastify';

import type { ServerStatus } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { CtsProviderServices } from '../cts/ctsModule';
import type { ProviderServices } from '../provider/services';
import type { Dispatcher } from '../dispatcher';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { loadOrCreateAdminToken } from './adminToken';
import { buildServer } from './buildServer';
import type { CtpRoutesOptions } from './ctp/ctpRoutes';
import { loadTlsMaterial, type TlsOption } from './tls';

export interface ListenOptions {
  host: string;
  port: number;
  tls: TlsOption;
  /** Serve the renderer and the RPC transport's UI at `/` (the RPC itself is always on). */
  uiDir: string | null;
  /** The CtpBase to advertise instead of `<scheme>://<host>:<port>/ctp/`. */
  baseUrl?: string | undefined;
  /** Allow `--tls off` on a non-loopback address. */
  insecurePlainHttp?: boolean;
  /** CTP API settings: public entry point and metrics, rate limit, triggers per account. */
  ctpOptions?: Pick<
    CtpRoutesOptions,
    'publicEntryPoint' | 'publicMetrics' | 'rateLimit' | 'maxTriggersPerAccount'
  >;
  /** `serve --public-cts`: the OpenCTS endpoints answer without a token. */
  publicCts?: boolean;
}

export interface Listening {
  /** The origin the server answers at, e.g. `https://127.0.0.1:8443`. */
  origin: string;
  ctpBase: string;
  /** The UI link carrying the admin token in its fragment (never sent to a server). */
  uiUrl: string | null;
  adminToken: string;
  fingerprint256: string | null;
}

/** The embedded HTTP server's lifecycle: listen once, report status, close gracefully. */
export interface ServerHost {
  listen(options: ListenOptions): Promise<Listening>;
  status(): Promise<ServerStatus>;
  close(): Promise<void>;
}

export interface ServerHostDependencies {
  dataDir: string;
  /** The contract's dispatcher, for the RPC transport (resolved when listening starts). */
  dispatcher: () => Dispatcher;
  events: EventBus;
  logger: Logger;
  clock: () => Date;
  /** What the CTP and admin APIs serve. */
  provider: ProviderServices;
  /** The OpenCTS telemetry served at /cts (absent: not served). */
  cts?: (() => CtsProviderServices) | undefined;
}

export function createServerHost(deps: ServerHostDependencies): ServerHost {
  let app: FastifyInstance | null = null;
  let state: {
    ctpBase: string;
    tlsMode: ServerStatus['tls']['mode'];
    fingerprint256: string | null;
    startedAt: string;
  } | null = null;

  const status = async (): Promise<ServerStatus> => ({
    listening: state !== null,
    ctpBase: state?.ctpBase ?? null,
    tls: { mode: state?.tlsMode ?? 'off', fingerprint256: state?.fingerprint256 ?? null },
    startedAt: state?.startedAt ?? null,
    counts: await deps.provider.counts.counts(),
  });
  const announce = (): void => {
    status().then(
      (current) => deps.events.emit('server.onDidChangeStatus', current),
      (error: unknown) => deps.logger.error({ err: error }, 'reading the server status failed'),
    );
  };

  return {
    async listen(options) {
      if (app !== null)
        throw new AppError('SERVER_LISTEN_FAILED', 'The server is already listening.', {
          expected: false,
        });
      if (
        options.tls.mode === 'off' &&
        !isLoopback(options.host) &&
        options.insecurePlainHttp !== true
      ) {
        throw new AppError(
          'SERVER_PLAIN_HTTP_REFUSED',
          `Refusing plain HTTP on ${options.host}: bearer tokens would cross the network in clear. Use --tls auto (the default) or --tls CERT,KEY, or add --insecure-plain-http if this network is trusted.`,
        );
      }
      const tls = loadTlsMaterial(options.tls, deps.dataDir, [options.host]);
      const adminToken = loadOrCreateAdminToken(deps.dataDir);
      const built = await buildServer({
        dispatcher: deps.dispatcher(),
        events: deps.events,
        logger: deps.logger,
        adminToken,
        uiDir: options.uiDir,
        https: tls,
        ctp: { services: deps.provider, baseUrl: options.baseUrl, ...options.ctpOptions },
        cts: deps.cts && {
          ...deps.cts(),
          authenticate: deps.provider.accounts.authenticate,
          public: options.publicCts === true,
          rateLimit: options.ctpOptions?.rateLimit,
        },
      });
      try {
        await built.listen({ host: options.host, port: options.port });
      } catch (error) {
        await built.close();
        throw new AppError(
          'SERVER_LISTEN_FAILED',
          `Cannot listen on ${options.host}:${options.port}: ${(error as Error).message}. Choose another --port or --host.`,
          { cause: error },
        );
      }
      app = built;
      const address = built.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const origin = `${tls ? 'https' : 'http'}://${formatHost(options.host)}:${port}`;
      const ctpBase = options.baseUrl ?? `${origin}/ctp/`;
      state = {
        ctpBase,
        tlsMode: tls?.mode ?? 'off',
        fingerprint256: tls?.fingerprint256 ?? null,
        startedAt: deps.clock().toISOString(),
      };
      announce();
      return {
        origin,
        ctpBase,
        uiUrl: options.uiDir === null ? null : `${origin}/#token=${adminToken}`,
        adminToken,
        fingerprint256: state.fingerprint256,
      };
    },
    status,
    async close() {
      if (app === null) return;
      const closing = app;
      app = null;
      state = null;
      // Fastify's close stops accepting, lets in-flight requests finish, then resolves.
      await closing.close();
      announce();
    },
  };
}

export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
