import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { useTempDirs } from '../../helpers/tempDir';
import { cli } from './cliHarness';
import { json, measurement, serveTree, useSpecServers } from './specServer';

const tempDir = useTempDirs();
const specServer = useSpecServers();

describe('vendor check (offline independent checks)', () => {
  it('flags an objective the vendor gets wrong and reports each result signature', async () => {
    const server = await specServer();
    serveTree(server);
    const b = server.base;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const payload =
      '{"value":[{"p":1.0}],"updateTime":"2026-01-01T00:00:00Z","authorityId":"auth-1"}';
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const signature = sign(
      'sha256',
      Buffer.from(`${header}.${Buffer.from(payload).toString('base64url')}`),
      privateKey,
    ).toString('base64url');
    // The vendor claims the objective is false although 1.0 > 0; the result is signed (detached).
    const body = JSON.stringify({
      ...measurement(b, 'm1'),
      result: '@',
      objective: { condition: 'value[0].p > 0', status: 'false' },
    }).replace(
      '"@"',
      `{"value":[{"p":1.0}],"updateTime":"2026-01-01T00:00:00Z","authorityId":"auth-1","signature":"${header}..${signature}"}`,
    );
    server.routes.set('/ctp/measurements/m1', (_request, response) => json(response, body));

    const dataDir = tempDir();
    expect((await cli(['--data-dir', dataDir, 'vendor', 'add', 'spec', b])).code).toBe(0);
    expect((await cli(['--data-dir', dataDir, 'vendor', 'sync', 'spec', '--json'])).code).toBe(0);

    const unknown = await cli(['--data-dir', dataDir, 'vendor', 'check', 'spec', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      disagreements: 1,
      objectives: [
        { measurementUrl: `${b}measurements/m1`, claimed: 'false', ours: 'true', disagrees: true },
      ],
      summary: { unknown_authority: 1, verified: 0 },
    });

    writeFileSync(
      join(dataDir, 'authorities.json'),
      JSON.stringify({ keys: { 'auth-1': publicKey.export({ type: 'spki', format: 'pem' }) } }),
    );
    const verified = await cli(['--data-dir', dataDir, 'vendor', 'check', 'spec']);
    expect(verified.stdout).toMatch(/DISAGREES .*measurements\/m1: vendor says false, we get true/);
    expect(verified.stdout).toMatch(
      /1 objectives checked, 1 disagree; signatures: 1 verified, 0 unsigned, 0 invalid, 0 unknown authority/,
    );
  });
});
