import { describe, expect, it } from 'vitest';

import { resolveDataDir, type DataDirSources } from '../../../../electron/core/config';
import { AppError } from '../../../../shared/errors';

const base: DataDirSources = { env: {}, platform: 'linux', home: '/home/ann', cwd: '/work' };

describe('resolveDataDir', () => {
  it.each<[string, Partial<DataDirSources>, string]>([
    ['--data-dir wins over everything', { flag: '/d', env: { TRUST_AUDITOR_DATA: '/e' } }, '/d'],
    ['a relative --data-dir is taken from the working folder', { flag: 'data' }, '/work/data'],
    ['TRUST_AUDITOR_DATA comes next', { env: { TRUST_AUDITOR_DATA: '/e' } }, '/e'],
    [
      'an empty variable is ignored',
      { env: { TRUST_AUDITOR_DATA: ' ' } },
      '/home/ann/.config/trust-auditor',
    ],
    ['Linux uses XDG_CONFIG_HOME', { env: { XDG_CONFIG_HOME: '/xdg' } }, '/xdg/trust-auditor'],
    ['Linux falls back to ~/.config', {}, '/home/ann/.config/trust-auditor'],
    [
      'macOS uses Application Support',
      { platform: 'darwin' },
      '/home/ann/Library/Application Support/trust-auditor',
    ],
    [
      'Windows uses APPDATA',
      { platform: 'win32', env: { APPDATA: '/appdata' } },
      '/appdata/trust-auditor',
    ],
  ])('%s', (_name, sources, expected) => {
    expect(resolveDataDir({ ...base, ...sources })).toBe(expected);
  });

  it('refuses a path with a NUL character', () => {
    expect(() => resolveDataDir({ ...base, flag: '/a\0b' })).toThrow(AppError);
  });
});
