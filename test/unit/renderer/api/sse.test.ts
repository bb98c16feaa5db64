import { describe, expect, it } from 'vitest';

import { createSseParser, type SseEvent } from '../../../../renderer/src/api/sse';

function parse(chunks: string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = createSseParser({
    onEvent: (event) => events.push(event),
    onRetry: (milliseconds) => retries.push(milliseconds),
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { events, retries };
}

/** Every way of cutting `text` in two. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, index) => [
    text.slice(0, index),
    text.slice(index),
  ]);
}

const STREAM =
  ': keep-alive\n\n' +
  'event: server.onDidChangeStatus\ndata: {"listening":true}\n\n' +
  'data: first line\ndata: second line\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'server.onDidChangeStatus', data: '{"listening":true}', id: '' },
  { event: 'message', data: 'first line\nsecond line', id: '' },
];

describe('createSseParser', () => {
  it('parses named events, multi-line data and ignores comments', () => {
    expect(parse([STREAM]).events).toEqual(EXPECTED);
  });

  it.each(splits(STREAM))('gives the same events whatever the chunk boundary (%#)', (a, b) => {
    expect(parse([a, b]).events).toEqual(EXPECTED);
  });

  it('gives the same events when fed one character at a time', () => {
    expect(parse([...STREAM]).events).toEqual(EXPECTED);
  });

  it.each([
    ['\r\n', STREAM.replaceAll('\n', '\r\n')],
    ['\r', STREAM.replaceAll('\n', '\r')],
  ])('accepts %j line endings, even split between chunks', (_ending, stream) => {
    expect(parse([stream]).events).toEqual(EXPECTED);
    for (const pair of splits(stream)) expect(parse(pair).events).toEqual(EXPECTED);
  });

  it('ignores comment lines anywhere, including between data lines', () => {
    const { events } = parse(['data: a\n: ping\ndata: b\n\n', ':\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
  });

  it('removes one leading space only, and accepts a field without a colon', () => {
    const { events } = parse(['data:  two spaces\ndata\ndata:none\n\n']);
    expect(events).toEqual([{ event: 'message', data: ' two spaces\n\nnone', id: '' }]);
  });

  it('does not dispatch an event without data, and resets the event name after it', () => {
    const { events } = parse(['event: ignored\n\n', 'data: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('discards an unterminated last event at the end of the stream', () => {
    const { events } = parse(['data: complete\n\n', 'event: x\ndata: incomplete\n']);
    expect(events.map((event) => event.data)).toEqual(['complete']);
  });

  it('keeps the last event id and reports valid retry fields', () => {
    const { events, retries } = parse([
      'id: 7\nretry: 2500\nretry: soon\ndata: a\n\n',
      'data: b\n\n',
    ]);
    expect(events.map((event) => event.id)).toEqual(['7', '7']);
    expect(retries).toEqual([2500]);
  });

  it('strips a byte order mark at the start of the stream', () => {
    expect(parse(['\uFEFFdata: x\n\n']).events).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('ignores unknown fields', () => {
    expect(parse(['foo: bar\ndata: x\n\n']).events).toHaveLength(1);
  });
});
