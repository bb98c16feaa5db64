import { join } from 'node:path';

import { openDatabase, type SqliteDatabase } from '../../../../../electron/core/store/database';
import { loadMigrations } from '../../../../../electron/core/store/loadMigrations';

/** A real server.db in a temporary folder, migrated. */
export function openServerDb(dir: string): SqliteDatabase {
  return openDatabase({ path: join(dir, 'server.db'), migrations: loadMigrations('server') });
}

/** A settable clock for timelines (CTP 5.3.2 guard times). */
export function manualClock(start = '2026-01-01T00:00:00.000Z') {
  let now = Date.parse(start);
  return {
    clock: () => new Date(now),
    set(iso: string) {
      now = Date.parse(iso);
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The provider document of DESIGN.md, extended with a second view and account. */
export function sampleProvider() {
  return {
    name: 'Example Cloud CTP',
    annotation: 'test server',
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
      {
        id: 'vulns-m',
        name: 'open-vulnerabilities',
        resultFormat: [
          { name: 'severity', type: 'string' },
          { name: 'count', type: 'number' },
        ],
      },
    ],
    serviceViews: [
      {
        id: 'sv1',
        name: 'main',
        annotation: '',
        provider: 'example.com',
        serviceClass: null,
        dependencies: [
          {
            id: 'dep1',
            name: 'iaas',
            provider: 'bigcloud.example',
            dependencies: [{ id: 'dep2', name: 'power', provider: 'grid.example' }],
          },
        ],
        assets: [
          {
            id: 'a1',
            name: 'https://api.example.com',
            annotation: '',
            assetClass: '',
            attributes: [
              {
                id: 'at1',
                name: 'availability',
                annotation: '',
                measurements: [
                  {
                    id: 'm1',
                    name: '',
                    annotation: '',
                    metric: 'uptime-m',
                    userActivated: false,
                    state: 'activated',
                    triggersAllowed: true,
                    objective: { condition: 'value[0].percentage >= 99.9' },
                    result: {
                      value: [{ percentage: 99.95 }],
                      updateTime: '2026-01-01T00:00:00Z',
                      authorityId: null,
                      signature: null,
                    },
                  },
                  {
                    id: 'scan',
                    metric: 'vulns-m',
                    userActivated: true,
                    triggersAllowed: false,
                  },
                ],
              },
            ],
          },
          { id: 'a2', name: 'storage', assetClass: null },
        ],
      },
      { id: 'sv2', name: 'other customer', provider: 'example.com' },
    ],
    accounts: [
      { name: 'acme', token: 'acme-secret-token', serviceViews: ['sv1'] },
      { name: 'globex', token: 'globex-secret-token', serviceViews: ['sv2'] },
    ],
  };
}
