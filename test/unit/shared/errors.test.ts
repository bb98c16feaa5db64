import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { AppError, deserializeError, ERROR_CODES, serializeError } from '../../../shared/errors';

describe('AppError across a process boundary', () => {
  it('keeps code, message, expected and details through serialize → JSON → deserialize', () => {
    const original = new AppError('CONFIG_INVALID', 'The port is not a number.', {
      details: { option: '--port', value: 'x' },
    });
    const rebuilt = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(rebuilt).toBeInstanceOf(AppError);
    expect(rebuilt.code).toBe('CONFIG_INVALID');
    expect(rebuilt.message).toBe('The port is not a number.');
    expect(rebuilt.expected).toBe(true);
    expect(rebuilt.details).toEqual({ option: '--port', value: 'x' });
    expect(rebuilt.status).toBe(400);
  });

  it('hides the text of unexpected errors, which may hold paths or secrets', () => {
    const wire = serializeError(new Error('EACCES /home/me/.secret-token'));
    expect(wire).toEqual({
      name: 'AppError',
      code: 'APP_INTERNAL',
      message: 'An internal error occurred; the log has the details.',
      expected: false,
    });
  });

  it.each([null, 42, 'text', {}, { code: 'NOT_A_CODE', message: 'x' }, { code: 'APP_INTERNAL' }])(
    'rebuilds malformed wire data %j as APP_INTERNAL',
    (data) => {
      const error = deserializeError(data);
      expect(error.code).toBe('APP_INTERNAL');
      expect(error.expected).toBe(false);
    },
  );

  it('marks bugs as not expected', () => {
    const error = new AppError('STORE_MIGRATION_FAILED', 'broken', { expected: false });
    expect(deserializeError(serializeError(error)).expected).toBe(false);
  });
});

describe('docs/errors.md', () => {
  const rows = new Map<string, number>();
  for (const line of readFileSync('docs/errors.md', 'utf8').split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (\d{3}) \|/.exec(line);
    if (match?.[1] && match[2]) rows.set(match[1], Number(match[2]));
  }

  it('has a row for every code, with the same HTTP status', () => {
    const documented = Object.fromEntries(rows);
    const inCode = Object.fromEntries(Object.entries(ERROR_CODES));
    expect(documented).toEqual(inCode);
  });

  it('uses SCREAMING_SNAKE codes with a domain prefix', () => {
    for (const code of Object.keys(ERROR_CODES))
      expect(code).toMatch(/^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/);
  });
});
