/**
 * A Server-Sent Events parser (HTML Living Standard, "Interpreting an event stream").
 *
 * The headless transport cannot use `EventSource`: it must send the admin token in an
 * `Authorization` header, which `EventSource` cannot do. So the stream is read with `fetch`
 * and fed here, chunk by chunk. The parser is pure: it keeps the unfinished line between
 * chunks and calls `onEvent` for every complete event, so chunk boundaries can fall
 * anywhere (inside a field, between `\r` and `\n`, inside a multi-line `data`).
 */

/** One dispatched event. `event` defaults to `message`, as in `EventSource`. */
export interface SseEvent {
  event: string;
  data: string;
  /** The last event id seen on the stream (sticky across events), or `''`. */
  id: string;
}

export interface SseParser {
  /** Feeds decoded text; calls `onEvent` for each event the text completes. */
  push(text: string): void;
  /** Ends the stream: an unterminated last event is discarded, as the standard says. */
  end(): void;
}

export interface SseParserOptions {
  onEvent(event: SseEvent): void;
  /** Called with the milliseconds of a valid `retry:` field. */
  onRetry?(milliseconds: number): void;
}

export function createSseParser(options: SseParserOptions): SseParser {
  let buffer = '';
  let firstChunk = true;
  // A chunk that ended with `\r` may be followed by the `\n` of the same line ending.
  let skipLeadingNewline = false;
  let eventType = '';
  let dataLines: string[] = [];
  let lastEventId = '';

  function dispatch(): void {
    if (dataLines.length === 0) {
      eventType = '';
      return;
    }
    const event: SseEvent = {
      event: eventType || 'message',
      data: dataLines.join('\n'),
      id: lastEventId,
    };
    eventType = '';
    dataLines = [];
    options.onEvent(event);
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) return; // a comment: keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) options.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  return {
    push(text: string): void {
      if (text === '') return;
      if (firstChunk) {
        firstChunk = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (skipLeadingNewline && text.startsWith('\n')) text = text.slice(1);
      skipLeadingNewline = false;
      buffer += text;
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const character = buffer[index];
        if (character !== '\n' && character !== '\r') continue;
        processLine(buffer.slice(start, index));
        if (character === '\r') {
          if (index + 1 === buffer.length) skipLeadingNewline = true;
          else if (buffer[index + 1] === '\n') index++;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
    },
    end(): void {
      buffer = '';
      eventType = '';
      dataLines = [];
    },
  };
}
