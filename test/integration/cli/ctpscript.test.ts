import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createCliContext } from '../../../electron/cli/context';
import type { CliIo } from '../../../electron/cli/context';
import { runCli } from '../../../electron/cli/program';

// `trust-auditor ctpscript`, run in-process with buffered output (DESIGN "Command line").

const dir = mkdtempSync(join(tmpdir(), 'ctpscript-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(
  argv: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTTY: false,
    readStdin: () => Promise.resolve(stdin),
  };
  const code = await runCli(argv, createCliContext(io, {}));
  return { code, stdout, stderr };
}

const result = {
  value: [{ percentage: 99.95, country: 'UK' }],
  updateTime: '2015-07-20T12:34:56Z',
  authorityId: null,
  signature: null,
};
const resultFile = file('result.json', JSON.stringify(result));

describe('trust-auditor ctpscript EXPR', () => {
  it.each([
    ['true', ['value[0].percentage >= 99.9', '--result', resultFile], 'true\n', 0],
    ['false', ['value[0].percentage <= 99.0', '--result', resultFile], 'false\n', 0],
    ['false without a result (empty table)', ['value.length > 0'], 'false\n', 0],
    [
      'an evaluation error',
      ['value[0].nope.x', '--result', resultFile],
      'error: 1:1: cannot read field "x" of null\n',
      1,
    ],
    [
      'a static error with a suggestion',
      ['matchRegex("UK", select("country", value))'],
      'error: 1:1: unknown function "matchRegex"; did you mean matchRegexp?\n',
      1,
    ],
    [
      'a syntax error',
      ['1 +'],
      'error: 1:4: the condition ends too early: an operand or a closing bracket is missing\n',
      1,
    ],
  ])('%s', async (_case, argv, stdout, code) => {
    const run = await cli(['ctpscript', ...argv]);
    expect(run).toMatchObject({ code, stdout });
  });

  it('reads the result from stdin with --result -', async () => {
    const run = await cli(
      ['ctpscript', 'value[0].country == "UK"', '--result', '-'],
      JSON.stringify(result),
    );
    expect(run).toMatchObject({ code: 0, stdout: 'true\n' });
  });

  it('accepts a whole measurement and uses its result', async () => {
    const measurement = file('measurement.json', JSON.stringify({ name: 'm', result }));
    expect(
      await cli(['ctpscript', 'value[0].country == "UK"', '--result', measurement]),
    ).toMatchObject({
      code: 0,
      stdout: 'true\n',
    });
  });

  it('--json prints the raw value and the outcome', async () => {
    const run = await cli([
      'ctpscript',
      'select("percentage", value).max() - 100',
      '--result',
      resultFile,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ outcome: 'true', type: 'number' });
    expect(report.value).toBeCloseTo(-0.05);
  });

  it('--json shows values JSON cannot hold', async () => {
    const run = await cli(['ctpscript', '-0', '--json']);
    expect(JSON.parse(run.stdout)).toEqual({
      outcome: 'false',
      type: 'number',
      value: 0,
      display: '-0',
    });
  });

  it('--json on an error gives its code and position', async () => {
    const run = await cli(['ctpscript', 'foo', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'error',
      error: { code: 'CTPSCRIPT_UNKNOWN_IDENTIFIER', from: 0, to: 3 },
    });
  });

  it.each([
    ['no expression', ['ctpscript'], /Give a condition/],
    [
      'a missing result file',
      ['ctpscript', '1', '--result', join(dir, 'missing.json')],
      /Cannot read the result file/,
    ],
    [
      'a result file that is not JSON',
      ['ctpscript', '1', '--result', file('bad.json', '{')],
      /is not valid JSON/,
    ],
    [
      '--batch with an expression',
      ['ctpscript', '1', '--batch', resultFile],
      /--batch takes its conditions/,
    ],
  ])('exits 2 on %s', async (_case, argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('trust-auditor ctpscript --batch', () => {
  it('prints one outcome per line, in order', async () => {
    const lines = [
      { expr: 'value[0].percentage >= 99.9', result },
      { expr: 'value[0].percentage >= 99.99', result },
      { expr: 'value[0].percentage >= 99.9', result: { value: [{ percentage: 1 }] } },
      { expr: 'matchRegex("a", "a")' },
      { expr: 'timeUTC(updateTime) == 1437395696', result },
    ];
    const batch = file('batch.jsonl', `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const run = await cli(['ctpscript', '--batch', batch]);
    expect(run.stdout.split('\n')).toEqual([
      'true',
      'false',
      'false',
      'error: 1:1: unknown function "matchRegex"; did you mean matchRegexp?',
      'true',
      '',
    ]);
    expect(run.code).toBe(1);
  });

  it('exits 0 when every line is true or false', async () => {
    const batch = file('ok.jsonl', '{"expr": "1 < 2"}\r\n{"expr": "1 > 2"}');
    expect(await cli(['ctpscript', '--batch', batch])).toMatchObject({
      code: 0,
      stdout: 'true\nfalse\n',
    });
  });

  it('keeps the order when a line is malformed, and exits 2', async () => {
    const batch = file(
      'mixed.jsonl',
      '{"expr": "true"}\nnot json\n{"result": {}}\n{"expr": "false"}\n',
    );
    const run = await cli(['ctpscript', '--batch', batch]);
    const out = run.stdout.split('\n');
    expect(out[0]).toBe('true');
    expect(out[1]).toMatch(/^error: line 2 is not JSON/);
    expect(out[2]).toBe('error: line 3 has no "expr" string');
    expect(out[3]).toBe('false');
    expect(run.code).toBe(2);
  });

  it('--json prints one JSON object per line', async () => {
    const batch = file('json.jsonl', '{"expr": "[1, 2].max()"}\n{"expr": "nope"}\n');
    const run = await cli(['ctpscript', '--batch', batch, '--json']);
    const [first, second] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ outcome: 'true', value: 2 });
    expect(second).toMatchObject({
      outcome: 'error',
      error: { code: 'CTPSCRIPT_UNKNOWN_IDENTIFIER' },
    });
  });

  it('reads the batch from stdin with -', async () => {
    expect(await cli(['ctpscript', '--batch', '-'], '{"expr": "true"}\n')).toMatchObject({
      code: 0,
      stdout: 'true\n',
    });
  });
});
