import { createPrivateKey, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  createSelfSignedCertificate,
  loadTlsMaterial,
} from '../../../../../electron/core/http/tls';
import { useTempDirs } from '../../../../helpers/tempDir';

describe('createSelfSignedCertificate', () => {
  // A serial starting with a zero byte was DER "illegal padding": OpenSSL refused about one
  // certificate in 256, so `serve --tls auto` failed at random on a first start.
  it.each(['00', '05', '7f', '80', 'ff'])(
    'makes a certificate OpenSSL reads when the random serial starts with 0x%s',
    (first) => {
      const random = Buffer.alloc(16, 0x11);
      random[0] = Number.parseInt(first, 16);
      const created = createSelfSignedCertificate(['ctp.example.com'], new Date(), random);
      const certificate = new X509Certificate(created.cert);
      expect(certificate.checkPrivateKey(createPrivateKey(created.key))).toBe(true);
      expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
      expect(certificate.subjectAltName).toContain('DNS:ctp.example.com');
    },
  );
});

describe('loadTlsMaterial --tls auto', () => {
  const tempDir = useTempDirs();

  it('makes a certificate once, keeps it, and says how to replace a damaged one', () => {
    const dataDir = tempDir();
    const first = loadTlsMaterial({ mode: 'auto' }, dataDir, [])?.fingerprint256;
    expect(first).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(loadTlsMaterial({ mode: 'auto' }, dataDir, [])?.fingerprint256).toBe(first);
    writeFileSync(join(dataDir, 'tls', 'server-cert.pem'), 'not a certificate');
    expect(() => loadTlsMaterial({ mode: 'auto' }, dataDir, [])).toThrow(
      expect.objectContaining({
        code: 'SERVER_TLS_INVALID',
        message: expect.stringContaining(`Remove the folder ${join(dataDir, 'tls')}`),
      }),
    );
  });
});
