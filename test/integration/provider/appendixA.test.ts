import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { createCore, type Core } from '../../../electron/core/app';
import { createLogger } from '../../../electron/core/logger';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
// The server runs in this process: curl must run without blocking its event loop.
const run = promisify(execFile);
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/** The provider data behind the dialogue of appendix A (ids as in the spec). */
const APPENDIX_A = {
  name: 'ikialab cloud service',
  annotation: 'This is the CTP server of Ikialab.net',
  provider: 'net.ikialab',
  metrics: [
    {
      id: 'VWcIa-sfTYZSm6Qv',
      name: 'cryptographic-strength',
      annotation: '',
      baseMetric: 'https://cloudsecurityalliance.org/ctp/metrics#csa:cryptographic-strength',
      measurementParameters: [{ name: 'scale', type: 'string', value: 'ECRYPT II' }],
      resultFormat: [{ name: 'level', type: 'number' }],
    },
  ],
  serviceViews: [
    {
      id: 'VIYQUT1WG628fhbQ',
      name: 'main',
      annotation: 'The main service-view provided to the customer',
      provider: 'net.ikialab',
      serviceClass: null,
      assets: [
        {
          id: 'VIYQUT1WG628fhbU',
          name: 'https://webserver.example.com',
          annotation: 'Webserver running on Linux Ubuntu (apache)',
          attributes: [
            { id: 'VIYQUT1WG628fhbV', name: 'availability' },
            {
              id: 'VWcIa-sfTYZSm6Qu',
              name: 'confidentiality-of-access',
              annotation: 'confidentiality of data in transit with SSL/TLS',
              measurements: [
                {
                  id: 'VWcIa-sfTYZSm6Qw',
                  metric: 'VWcIa-sfTYZSm6Qv',
                  objective: { condition: 'value[0].level>=7' },
                  result: {
                    value: [{ level: 7 }],
                    updateTime: '2015-05-28T15:22:03.674+03:00',
                    authorityId: null,
                    signature: null,
                  },
                },
              ],
            },
          ],
        },
        { id: 'VIYQUT1WG628fha1', name: 'https://database.example.com' },
        { id: 'VIYQUT1WG628fha2', name: '' },
        { id: 'VIYQUT1WG628fha3', name: '' },
      ],
    },
  ],
  accounts: [
    { name: 'customer', token: 'vaikoh6gahJeekoovaiphiad', serviceViews: ['VIYQUT1WG628fhbQ'] },
  ],
};

describe('appendix A replayed with curl against a real HTTPS server', () => {
  it('answers every step as the spec shows it (with the SPEC-NOTES readings)', async () => {
    const dataDir = tempDir();
    const core = await createCore({
      dataDir,
      mode: 'headless',
      logger: createLogger({ level: 'silent' }),
    });
    cores.push(core);
    await core.provider.importer.importDocument(APPENDIX_A);
    const listening = await core.serverHost.listen({
      host: '127.0.0.1',
      port: 0,
      tls: { mode: 'auto' },
      uiDir: null,
    });
    const base = listening.ctpBase;
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/ctp\/$/);
    const ca = join(dataDir, 'tls', 'server-cert.pem');
    const curl = async (path: string, extra: string[] = []) => {
      const { stdout: out } = await run('curl', [
        '-s',
        '--cacert',
        ca,
        '-H',
        'Authorization: Bearer vaikoh6gahJeekoovaiphiad',
        '-w',
        '\n%{http_code} %{content_type}',
        ...extra,
        base + path,
      ]);
      const lines = out.split('\n');
      const [status, ...type] = lines.pop()!.split(' ');
      return {
        status: Number(status),
        type: type.join(' '),
        body: JSON.parse(lines.join('\n') || 'null'),
      };
    };
    const ok = async (path: string) => {
      const response = await curl(path);
      expect([path, response.status, response.type]).toEqual([
        path,
        200,
        'application/json; charset=utf-8',
      ]);
      return response.body;
    };
    // A.1
    expect(await ok('')).toEqual({
      self: base,
      name: 'ikialab cloud service',
      annotation: 'This is the CTP server of Ikialab.net',
      version: '1.0',
      provider: 'net.ikialab',
      serviceViews: `${base}serviceViews`,
      metrics: `${base}metrics`,
    });
    // A.2
    expect(await ok('serviceViews')).toEqual({
      self: `${base}serviceViews`,
      scope: base,
      collectionLength: 1,
      returnedLength: 1,
      collectionType: 'serviceViews',
      collection: [{ link: `${base}serviceViews/VIYQUT1WG628fhbQ`, name: 'main' }],
    });
    // A.3
    const view = `${base}serviceViews/VIYQUT1WG628fhbQ`;
    expect(await ok('serviceViews/VIYQUT1WG628fhbQ')).toEqual({
      self: view,
      scope: base,
      changeId: expect.any(String),
      name: 'main',
      annotation: 'The main service-view provided to the customer',
      provider: 'net.ikialab',
      dependencies: `${view}/dependencies`,
      assets: `${view}/assets`,
      serviceClass: null,
      logs: `${view}/logs`,
      triggers: `${view}/triggers`,
    });
    // A.4: nameless assets have no name in the collection.
    expect(await ok('serviceViews/VIYQUT1WG628fhbQ/assets')).toEqual({
      self: `${view}/assets`,
      scope: view,
      collectionLength: 4,
      returnedLength: 4,
      collectionType: 'assets',
      collection: [
        { link: `${base}assets/VIYQUT1WG628fhbU`, name: 'https://webserver.example.com' },
        { link: `${base}assets/VIYQUT1WG628fha1`, name: 'https://database.example.com' },
        { link: `${base}assets/VIYQUT1WG628fha2` },
        { link: `${base}assets/VIYQUT1WG628fha3` },
      ],
    });
    // A.5 (assetClass "" when none, SPEC-NOTES)
    const asset = `${base}assets/VIYQUT1WG628fhbU`;
    expect(await ok('assets/VIYQUT1WG628fhbU')).toEqual({
      self: asset,
      scope: view,
      changeId: expect.any(String),
      name: 'https://webserver.example.com',
      annotation: 'Webserver running on Linux Ubuntu (apache)',
      attributes: `${asset}/attributes`,
      assetClass: '',
    });
    // A.6
    expect(await ok('assets/VIYQUT1WG628fhbU/attributes')).toEqual({
      self: `${asset}/attributes`,
      scope: asset,
      collectionLength: 2,
      returnedLength: 2,
      collectionType: 'attributes',
      collection: [
        { link: `${base}attributes/VIYQUT1WG628fhbV`, name: 'availability' },
        { link: `${base}attributes/VWcIa-sfTYZSm6Qu`, name: 'confidentiality-of-access' },
      ],
    });
    // A.7
    const attribute = `${base}attributes/VWcIa-sfTYZSm6Qu`;
    expect(await ok('attributes/VWcIa-sfTYZSm6Qu')).toEqual({
      self: attribute,
      scope: asset,
      changeId: expect.any(String),
      name: 'confidentiality-of-access',
      annotation: 'confidentiality of data in transit with SSL/TLS',
      measurements: `${attribute}/measurements`,
    });
    // A.8
    expect(await ok('attributes/VWcIa-sfTYZSm6Qu/measurements')).toEqual({
      self: `${attribute}/measurements`,
      scope: attribute,
      collectionLength: 1,
      returnedLength: 1,
      collectionType: 'measurements',
      collection: [{ link: `${base}measurements/VWcIa-sfTYZSm6Qw` }],
    });
    // A.9 (updateTime in UTC with milliseconds; the objective has its statusUpdateTime)
    expect(await ok('measurements/VWcIa-sfTYZSm6Qw')).toEqual({
      self: `${base}measurements/VWcIa-sfTYZSm6Qw`,
      scope: attribute,
      changeId: expect.any(String),
      name: '',
      annotation: '',
      metric: `${base}metrics/VWcIa-sfTYZSm6Qv`,
      result: {
        value: [{ level: 7 }],
        updateTime: '2015-05-28T12:22:03.674Z',
        authorityId: null,
        signature: null,
      },
      objective: {
        condition: 'value[0].level>=7',
        status: 'true',
        statusUpdateTime: expect.any(String),
      },
      createTrigger: `${view}/triggers`,
      userInitiated: false,
      userActivated: false,
      state: 'activated',
    });
    // A.10
    expect(await ok('metrics/VWcIa-sfTYZSm6Qv')).toEqual({
      self: `${base}metrics/VWcIa-sfTYZSm6Qv`,
      scope: base,
      changeId: expect.any(String),
      name: 'cryptographic-strength',
      annotation: '',
      baseMetric: 'https://cloudsecurityalliance.org/ctp/metrics#csa:cryptographic-strength',
      measurementParameters: [{ name: 'scale', type: 'string', value: 'ECRYPT II' }],
      resultFormat: [{ name: 'level', type: 'number' }],
    });
    // The dialogue ends with the creation of a trigger.
    const created = await curl('serviceViews/VIYQUT1WG628fhbQ/triggers', [
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({
        measurement: `${base}measurements/VWcIa-sfTYZSm6Qw`,
        condition: 'value[0].level < 7',
        tags: ['crypto'],
      }),
    ]);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scope: view, status: 'false', tags: ['crypto'] });
    expect(await ok(created.body.self.slice(base.length))).toEqual(created.body);
    // And without the token: 401 with the CTP 6.3 challenge.
    const { stdout: headers } = await run('curl', [
      '-s',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '--cacert',
      ca,
      `${base}serviceViews`,
    ]);
    expect(headers).toMatch(/^HTTP\/1\.1 401/);
    expect(headers).toMatch(/www-authenticate: Bearer realm="CTP", scope="CTP_API_1.0"\r\n/i);
  });
});
