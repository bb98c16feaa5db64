import { describe, expect, it } from 'vitest';

import { unpackedDir } from '../../../../electron/core/moduleWorker';

describe('unpackedDir (workers of a packaged app run from app.asar.unpacked)', () => {
  it.each([
    [
      '/opt/Trust Auditor/resources/app.asar/out/main',
      '/opt/Trust Auditor/resources/app.asar.unpacked/out/main',
    ],
    [
      'C:\\Program Files\\Trust Auditor\\resources\\app.asar\\out\\main',
      'C:\\Program Files\\Trust Auditor\\resources\\app.asar.unpacked\\out\\main',
    ],
    ['/opt/app/resources/app.asar', '/opt/app/resources/app.asar.unpacked'],
    ['/home/me/trust-auditor/out/main', '/home/me/trust-auditor/out/main'],
    ['/home/me/my.asarchive/out/main', '/home/me/my.asarchive/out/main'],
  ])('%s → %s', (dir, expected) => {
    expect(unpackedDir(dir)).toBe(expected);
  });
});
