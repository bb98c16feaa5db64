import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';

/** A provider document for our server (DESIGN "Provider data"), `views` service views wide. */
export function providerDocument(
  options: { views?: number; assets?: number; measurements?: number } = {},
) {
  const views = options.views ?? 2;
  const assets = options.assets ?? 2;
  const measurements = options.measurements ?? 2;
  return {
    name: 'Example Cloud CTP',
    annotation: '',
    provider: 'example.com',
    metrics: [
      {
        id: 'uptime-m',
        name: 'availability-percentage',
        annotation: '',
        baseMetric: 'https://example.com/metrics/availability',
        measurementParameters: [{ name: 'period', type: 'string', value: 'month' }],
        resultFormat: [{ name: 'percentage', type: 'number' }],
      },
    ],
    serviceViews: Array.from({ length: views }, (_, v) => ({
      id: `sv${v}`,
      name: `view ${v}`,
      annotation: '',
      provider: 'example.com',
      serviceClass: null,
      dependencies: [
        {
          id: `dep${v}`,
          name: 'iaas',
          provider: v === 0 ? 'bigcloud.example' : 'example.com',
          dependencies: [
            { id: `dep${v}x`, name: 'dc', provider: 'colo.example', dependencies: [] },
          ],
        },
      ],
      assets: Array.from({ length: assets }, (_, a) => ({
        id: `a${v}-${a}`,
        name: `https://api${a}.example.com`,
        annotation: '',
        assetClass: '',
        attributes: [
          {
            id: `at${v}-${a}`,
            name: 'availability',
            annotation: '',
            measurements: Array.from({ length: measurements }, (_, m) => ({
              id: `m${v}-${a}-${m}`,
              name: '',
              annotation: '',
              metric: 'uptime-m',
              userActivated: false,
              state: 'activated',
              triggersAllowed: true,
              objective: { condition: 'value[0].percentage >= 99.9' },
              result: {
                value: [{ percentage: m % 2 === 0 ? 99.95 : 99.0 }],
                updateTime: '2026-01-01T00:00:00Z',
                authorityId: null,
                signature: null,
              },
            })),
          },
        ],
      })),
    })),
    accounts: [
      {
        name: 'acme',
        token: 'acme-secret-token',
        serviceViews: Array.from({ length: views }, (_, v) => `sv${v}`),
      },
    ],
  };
}

export interface RunningServer {
  core: Core;
  ctpBase: string;
  fingerprint: string;
  token: string;
}

/** Our embedded CTP server on 127.0.0.1 with TLS (self-signed, `--tls auto`). */
export async function startOurServer(
  dataDir: string,
  document: unknown,
  options: { rateLimit?: { perSecond: number; burst: number } | null; port?: number } = {},
): Promise<RunningServer> {
  const core = await createCore({
    dataDir,
    mode: 'headless',
    logger: createLogger({ level: 'silent' }),
  });
  try {
    await core.provider.importer.importDocument(document);
    const listening = await core.serverHost.listen({
      host: '127.0.0.1',
      port: options.port ?? 0,
      tls: { mode: 'auto' },
      uiDir: null,
      ctpOptions: { rateLimit: options.rateLimit === undefined ? null : options.rateLimit },
    });
    return {
      core,
      ctpBase: listening.ctpBase,
      fingerprint: listening.fingerprint256 ?? '',
      token: 'acme-secret-token',
    };
  } catch (error) {
    await core.dispose();
    throw error;
  }
}
