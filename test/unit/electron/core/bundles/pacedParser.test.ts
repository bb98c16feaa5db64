import { setImmediate as nextTurn } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import {
  createPacedParser,
  INFLATE_AHEAD_BYTES,
  PARSE_SLICE_BYTES,
} from '../../../../../electron/core/bundles/archive/pacedParser';

/** A parser and an inflater that record what they are told. */
function harness(options: { pace?: () => Promise<void> | undefined } = {}) {
  const log: string[] = [];
  const written: Buffer[] = [];
  let stopped = false;
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const paced = createPacedParser({
    parser: {
      write: (slice) => {
        written.push(slice);
        log.push(`write ${slice.length}`);
      },
      end: () => {
        log.push('end');
        ended();
      },
    },
    inflater: { pause: () => log.push('pause'), resume: () => log.push('resume') },
    pace: options.pace,
    stopped: () => stopped,
  });
  return { paced, log, written, end, stop: () => (stopped = true) };
}

/** Turns of the event loop until `done()` holds (bounded: a hang fails the test). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn += 1) await nextTurn();
  expect(done()).toBe(true);
}

describe('pacedParser', () => {
  it('parses each chunk in slices, in order, and ends the parser after the last', async () => {
    const { paced, written, log, end } = harness();
    const first = Buffer.alloc(PARSE_SLICE_BYTES * 2 + 1, 1);
    const second = Buffer.alloc(10, 2);
    paced.push(first);
    paced.push(second);
    paced.end();
    await end;
    expect(written.map((slice) => slice.length)).toEqual([
      PARSE_SLICE_BYTES,
      PARSE_SLICE_BYTES,
      1,
      10,
    ]);
    expect(Buffer.concat(written).equals(Buffer.concat([first, second]))).toBe(true);
    expect(log.at(-1)).toBe('end');
  });

  it('pauses inflating while more than INFLATE_AHEAD_BYTES wait, and resumes under it', async () => {
    const { paced, log, end } = harness();
    const chunk = Buffer.alloc(1024 * 1024);
    const chunks = INFLATE_AHEAD_BYTES / chunk.length + 1;
    for (let index = 0; index < chunks; index += 1) paced.push(chunk);
    expect(log.filter((entry) => entry === 'pause')).toHaveLength(1);
    paced.end();
    await end;
    expect(log.indexOf('resume')).toBeGreaterThan(log.indexOf('pause'));
  });

  it("holds parsing while the caller's pace is pending", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { paced, written, end } = harness({
      pace: () => (written.length === 1 ? held : undefined),
    });
    paced.push(Buffer.alloc(PARSE_SLICE_BYTES * 3));
    paced.end();
    // Each slice is followed by one pace; with a pace that resolves at once, the whole
    // chunk is parsed within a few turns. Held, nothing moves.
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    expect(written).toHaveLength(1);
    release();
    await end;
    expect(written).toHaveLength(3);
  });

  it('parses nothing more, and never ends the parser, once stopped', async () => {
    const { paced, written, log, stop } = harness();
    paced.push(Buffer.alloc(PARSE_SLICE_BYTES * 4));
    stop();
    paced.end();
    await until(() => written.length >= 1);
    for (let turn = 0; turn < 20; turn += 1) await nextTurn();
    expect(written).toHaveLength(1);
    expect(log).not.toContain('end');
  });
});
