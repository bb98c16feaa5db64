/**
 * Between zlib and the tar reader (docs/decisions.md "Event loop and speed"). Inflating
 * runs on zlib's thread pool while this thread parses, up to INFLATE_AHEAD_BYTES ahead
 * (zlib is paused beyond that). A 1 MiB inflated chunk holds hundreds of entries, so the
 * parser takes PARSE_SLICE_BYTES at a time, with a turn of the event loop between two
 * slices (the event loop stays responsive while verifying), or the caller's `pace`.
 */

/** How far inflating may run ahead of parsing (bounds the inflated data held waiting). */
export const INFLATE_AHEAD_BYTES = 4 * 1024 * 1024;
/** How much inflated tar the parser takes between two turns of the event loop. */
export const PARSE_SLICE_BYTES = 128 * 1024;

export interface PacedParserDeps {
  /** The parser's input (a throw must be caught by the caller's functions). */
  parser: { write(slice: Buffer): void; end(): void };
  /** The inflating stream, paused while too far ahead. */
  inflater: { pause(): void; resume(): void };
  /** Asked after each slice: a promise holds parsing until it settles. */
  pace?: (() => Promise<void> | undefined) | undefined;
  /** True once the read has failed: nothing more is parsed. */
  stopped(): boolean;
}

export interface PacedParser {
  /** An inflated chunk, parsed after those before it. */
  push(chunk: Buffer): void;
  /** Inflating ended: the parser ends once every chunk is parsed. */
  end(): void;
}

export function createPacedParser(deps: PacedParserDeps): PacedParser {
  const { parser, inflater, stopped } = deps;
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let parsing = false;
  let ended = false;

  const parseQueue = async (): Promise<void> => {
    parsing = true;
    while (queue.length > 0 && !stopped()) {
      const chunk = queue.shift()!;
      for (let offset = 0; offset < chunk.length && !stopped(); offset += PARSE_SLICE_BYTES) {
        parser.write(chunk.subarray(offset, offset + PARSE_SLICE_BYTES));
        await (deps.pace?.() ?? nextTurn());
      }
      queuedBytes -= chunk.length;
      if (queuedBytes <= INFLATE_AHEAD_BYTES && !stopped()) inflater.resume();
    }
    parsing = false;
    if (ended && !stopped()) parser.end();
  };

  return {
    push(chunk) {
      queue.push(chunk);
      queuedBytes += chunk.length;
      if (queuedBytes > INFLATE_AHEAD_BYTES) inflater.pause();
      if (!parsing) void parseQueue();
    },
    end() {
      ended = true;
      if (!parsing && !stopped()) parser.end();
    },
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
