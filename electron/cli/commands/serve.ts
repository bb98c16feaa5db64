import { existsSync } from 'node:fs';

import type { Command } from 'commander';

import { AppError } from '../../../shared/errors';
import { builtRendererDir } from '../../core/paths';
import type { CliContext } from '../context';
import { providerDatabaseOf } from '../databaseOption';

interface ServeOptions {
  host: string;
  port: string;
  baseUrl?: string;
  tls: string;
  ui?: boolean;
  demo?: boolean;
  insecurePlainHttp?: boolean;
  publicEntryPoint?: boolean;
  publicMetrics?: boolean;
  publicCts?: boolean;
  rateLimit: string;
  maxTriggersPerAccount: string;
  logLevel: string;
}

export function registerServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('run the embedded CTP server (and, with --ui, the app in a browser)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8443')
    .option('--base-url <url>', 'CtpBase to advertise (default <scheme>://<host>:<port>/ctp/)')
    .option('--tls <mode>', 'auto (self-signed, kept), off, or CERT,KEY', 'auto')
    .option('--ui', 'also serve the app UI and its RPC transport')
    .option('--demo', 'load the demo provider (90 days of results) into an empty provider store')
    .option('--insecure-plain-http', 'allow --tls off on a non-loopback address')
    .option('--public-entry-point', 'answer GET /ctp/ without a token (CTP 5.2.1)')
    .option('--public-metrics', 'answer GET /ctp/metrics[/ID] without a token (CTP 5.2.12)')
    .option('--public-cts', 'answer the OpenCTS endpoints (/cts, /cts/metrics, …) without a token')
    .option(
      '--rate-limit <rate>',
      'requests per second per account: PER_SECOND[,BURST] or off',
      '50,200',
    )
    .option(
      '--max-triggers-per-account <n>',
      'triggers an account may hold in the service views it sees',
      '100',
    )
    .option('--log-level <level>', 'log level on stderr (fatal…trace, silent)', 'info')
    .action(async (options: ServeOptions, command: Command) => {
      const port = parsePort(options.port);
      const { parseTlsOption } = await import('../../core/http/tls');
      const tls = parseTlsOption(options.tls);
      if (options.baseUrl !== undefined) checkBaseUrl(options.baseUrl);
      const rateLimit = parseRateLimit(options.rateLimit);
      const maxTriggersPerAccount = parseTriggerLimit(options.maxTriggersPerAccount);
      const uiDir = options.ui ? builtRendererDir() : null;
      if (uiDir !== null && !existsSync(uiDir)) {
        throw new AppError(
          'CLI_USAGE',
          `The app UI is not built (${uiDir} is missing): run \`npm run build\` first.`,
        );
      }
      const { createCore } = await import('../../core/app');
      const { createLogger } = await import('../../core/logger');
      const logger = createLogger({ level: options.logLevel as 'info' });
      const database = await providerDatabaseOf(command, context.env);
      const core = await createCore({
        dataDir: context.dataDir(command),
        mode: 'headless',
        logger,
        warn: (message) => context.warn(`${message}\n`),
        ...(database === undefined ? {} : { database }),
        // The alerts listener runs beside the app's UI (DESIGN "Alerts").
        alertsListener: options.ui === true,
      });
      context.onShutdownSignal(() => core.dispose());
      try {
        const demo = options.demo === true ? await core.provider.seedDemo() : null;
        const listening = await core.serverHost.listen({
          host: options.host,
          port,
          tls,
          uiDir,
          baseUrl: options.baseUrl,
          insecurePlainHttp: options.insecurePlainHttp === true,
          ctpOptions: {
            publicEntryPoint: options.publicEntryPoint === true,
            publicMetrics: options.publicMetrics === true,
            rateLimit,
            maxTriggersPerAccount,
          },
          publicCts: options.publicCts === true,
        });
        const lines = [
          'Trust Auditor is serving',
          `  CTP API   ${listening.ctpBase}`,
          `  OpenCTS   ${listening.origin}/cts${options.publicCts === true ? ' (public)' : ''}`,
          // Behind a reverse proxy the CtpBase is the proxy's: say where this one listens.
          ...(options.baseUrl === undefined ? [] : [`  Listening ${listening.origin}`]),
          listening.fingerprint256
            ? `  TLS       SHA-256 fingerprint ${listening.fingerprint256}`
            : '  TLS       off (plain HTTP)',
          ...(listening.uiUrl ? [`  App       ${listening.uiUrl}`] : []),
          ...(demo === null
            ? []
            : [
                demo.seeded
                  ? `  Demo      loaded: ${demo.results} results over 90 days, ${demo.alerts} alerts`
                  : `  Demo      ${database === undefined ? 'server.db' : 'the database'} already holds data: left as it is`,
                ...demo.accounts.map(
                  (account) =>
                    `  Token     ${account.name} (${account.serviceViews.join(', ')}): ${account.token}`,
                ),
              ]),
          `  Data      ${core.config.dataDir}`,
          ...(database === undefined ? [] : [`  Database  ${database.url}`]),
          'Press Ctrl+C to stop.',
        ];
        context.print(`${lines.join('\n')}\n`);
      } catch (error) {
        await core.dispose();
        throw error;
      }
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    throw new AppError(
      'CLI_USAGE',
      `--port must be a number from 0 to 65535; got ${JSON.stringify(text)}.`,
    );
  }
  return port;
}

/** `--rate-limit 50,200` (per second, burst), `--rate-limit 20` (burst 4× the rate) or `off`. */
export function parseRateLimit(text: string): { perSecond: number; burst: number } | null {
  if (text === 'off') return null;
  const match = /^(\d{1,6})(?:,(\d{1,7}))?$/.exec(text);
  const perSecond = Number(match?.[1]);
  const burst = match?.[2] === undefined ? perSecond * 4 : Number(match[2]);
  if (match === null || perSecond < 1 || burst < 1) {
    throw new AppError(
      'CLI_USAGE',
      `--rate-limit must be PER_SECOND[,BURST] (whole numbers above 0) or off; got ${JSON.stringify(text)}.`,
    );
  }
  return { perSecond, burst };
}

/** `--max-triggers-per-account N`: a whole number (0 lets no account create triggers). */
export function parseTriggerLimit(text: string): number {
  if (!/^\d{1,6}$/.test(text)) {
    throw new AppError(
      'CLI_USAGE',
      `--max-triggers-per-account must be a whole number from 0 to 999999; got ${JSON.stringify(text)}.`,
    );
  }
  return Number(text);
}

function checkBaseUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError(
      'CLI_USAGE',
      `--base-url must be an absolute URL; got ${JSON.stringify(text)}.`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.pathname.endsWith('/')) {
    throw new AppError(
      'CLI_USAGE',
      '--base-url must be an http(s) URL ending with "/" (it is the CtpBase).',
    );
  }
}
