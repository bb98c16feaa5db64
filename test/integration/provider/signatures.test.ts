import { CompactSign, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { createProviderServices } from '../../../electron/core/provider/services';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/tempDir';
import { ACME, useCtpApps } from '../../fixtures/ctpApps';
import { sampleProvider } from '../../fixtures/provider';
import { useTestStores } from '../../fixtures/providerStore';

const tempDir = useTempDirs();
const openStore = useTestStores();
const start = useCtpApps();

type SigningKey = Parameters<CompactSign['sign']>[0];

async function sign(payload: string, alg: 'RS256' | 'PS256' | 'ES256', key: SigningKey) {
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg }).sign(key);
}

async function keys(alg: 'RS256' | 'PS256' | 'ES256') {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { ...pair, pem: await exportSPKI(pair.publicKey) };
}

describe('signed results (CTP 4.2.6.2, SPEC-NOTES "JWS")', () => {
  it.each(['RS256', 'PS256', 'ES256'] as const)(
    'verifies %s over the text as received and serves it byte for byte',
    async (alg) => {
      const { privateKey, pem } = await keys(alg);
      const provider = {
        ...sampleProvider(),
        authorities: [{ id: 'auditor.example', publicKey: pem }],
      };
      const { app, services } = await start(tempDir(), { provider });
      // 99.0 would become 99 if the server re-serialized the result.
      const payload =
        '{"value":[{"percentage":99.0}],"updateTime":"2026-02-01T10:00:00.500+01:00","authorityId":"auditor.example"}';
      const signature = await sign(payload, alg, privateKey);
      const text = `{ "value": [ { "percentage": 99.0 } ],\n "updateTime": "2026-02-01T10:00:00.500+01:00", "authorityId": "auditor.example", "signature": "${signature}" }`;
      await services.publisher.publish('m1', text);
      const response = await app.inject({ url: '/ctp/measurements/m1', headers: ACME });
      expect(response.body).toContain(
        `"result":${payload.slice(0, -1)},"signature":"${signature}"}`,
      );
      // Detached payload (empty middle part) verifies too.
      const [header, , sig] = signature.split('.');
      await services.publisher.publish('m1', text.replace(signature, `${header}..${sig}`));

      const tampered = text.replace('99.0', '99.5');
      await expect(services.publisher.publish('m1', tampered)).rejects.toMatchObject({
        code: 'CTP_RESULT_SIGNATURE_INVALID',
      });
      const otherKey = await keys(alg);
      const forged = text.replace(signature, await sign(payload, alg, otherKey.privateKey));
      await expect(services.publisher.publish('m1', forged)).rejects.toBeInstanceOf(AppError);
    },
  );

  it('accepts signatures of authorities without a configured key, and requires authorityId', async () => {
    const store = await openStore(tempDir());
    const services = createProviderServices({
      store,
      clock: () => new Date('2026-03-01T00:00:00Z'),
    });
    await services.importer.importDocument(sampleProvider());
    const outcome = await services.publisher.publish(
      'm1',
      '{"value":[{"percentage":99.99}],"updateTime":"2026-03-01T00:00:00Z","authorityId":"unknown.example","signature":"a.b.c"}',
    );
    expect(outcome.objectiveStatus).toBe('true');
    await expect(
      services.publisher.publish(
        'm1',
        '{"value":[{"percentage":1}],"updateTime":"2026-03-01T00:00:00Z","signature":"a.b.c"}',
      ),
    ).rejects.toMatchObject({
      code: 'CTP_RESULT_INVALID',
      message: expect.stringContaining('authorityId'),
    });
  });
});
