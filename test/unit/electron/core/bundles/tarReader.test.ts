import { describe, expect, it } from 'vitest';

import {
  createTarReader,
  MAX_META_ENTRY_BYTES,
  TarFormatError,
} from '../../../../../electron/core/bundles/archive/tarReader';
import type { TarHeader } from '../../../../../electron/core/bundles/archive/tarReader';
import { tarBytes } from '../../../../fixtures/bundles';
import type { RawEntry } from '../../../../fixtures/bundles';

interface Read {
  headers: TarHeader[];
  contents: string[];
  unreadable: Array<{ header: TarHeader; oversizedMeta: boolean }>;
  sawEndMarker: boolean;
}

/** Reads `bytes` in pieces of `pieceBytes`, keeping every entry's content. */
function read(bytes: Buffer, pieceBytes = bytes.length): Read {
  const result: Read = { headers: [], contents: [], unreadable: [], sawEndMarker: false };
  const reader = createTarReader({
    entry: (header) => {
      result.headers.push(header);
      return header.type === 'File';
    },
    content: (content) => result.contents.push(content.toString('utf8')),
    unreadable: (header, oversizedMeta) => result.unreadable.push({ header, oversizedMeta }),
  });
  for (let offset = 0; offset < bytes.length; offset += pieceBytes) {
    reader.write(bytes.subarray(offset, offset + pieceBytes));
  }
  reader.end();
  result.sawEndMarker = reader.sawEndMarker;
  return result;
}

function readError(bytes: Buffer): TarFormatError {
  try {
    read(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TarFormatError);
    return error as TarFormatError;
  }
  throw new Error('the tar data was accepted');
}

/** A header block written by hand: name, size field, type flag; checksum computed. */
function handHeader(name: string, sizeField: string, flag: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write(sizeField, 124, 'latin1');
  block.write(flag, 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  return withChecksum(block);
}

function withChecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  if (String(length).length + body.length !== length) length += 1;
  return `${length}${body}`;
}

/** A pax (or GNU long-name) header with its content, padded. */
function metaEntry(flag: string, content: string): Buffer {
  const bytes = Buffer.from(content, 'utf8');
  const padding = Buffer.alloc((512 - (bytes.length % 512)) % 512);
  const size = `${bytes.length.toString(8).padStart(11, '0')}\0`;
  return Buffer.concat([handHeader('././@LongLink', size, flag), bytes, padding]);
}

const END = Buffer.alloc(1024);
const entries: RawEntry[] = [
  { path: 'manifest.json', body: '{"name":"m"}' },
  { path: 'rules/', type: 'Directory' },
  { path: 'rules/ow-a.json', body: 'a'.repeat(700) },
  { path: 'rules/ow-b.json', body: '' },
  { path: `rules/ow-${'long_'.repeat(18)}.json`, body: '{"long":true}' },
];

describe('tarReader', () => {
  it('reads what node-tar wrote: names, ustar prefixes, types, sizes and contents', () => {
    const result = read(tarBytes(entries));
    expect(result.headers.map((header) => [header.path, header.type, header.size])).toEqual([
      ['manifest.json', 'File', 12],
      ['rules/', 'Directory', 0],
      ['rules/ow-a.json', 'File', 700],
      ['rules/ow-b.json', 'File', 0],
      [entries[4]!.path, 'File', 13],
    ]);
    expect(result.contents).toEqual(['{"name":"m"}', 'a'.repeat(700), '', '{"long":true}']);
    expect(result.sawEndMarker).toBe(true);
  });

  it.each([1, 7, 511, 512, 513, 4096])('reads the same in pieces of %i bytes', (pieceBytes) => {
    expect(read(tarBytes(entries), pieceBytes)).toEqual(read(tarBytes(entries)));
  });

  it('hands over a file that arrives in one piece as a view of it, without a copy', () => {
    const bytes = tarBytes(entries);
    const views: Buffer[] = [];
    const reader = createTarReader({
      entry: () => true,
      content: (content) => views.push(content),
      unreadable: () => undefined,
    });
    reader.write(bytes);
    expect(views[0]!.buffer).toBe(bytes.buffer);
    expect(views[0]!.byteOffset).toBe(bytes.byteOffset + 512);
  });

  it('skips the content of entries it is not asked for', () => {
    const contents: string[] = [];
    const reader = createTarReader({
      entry: (header) => header.path === 'rules/ow-b.json' || header.path === 'manifest.json',
      content: (content) => contents.push(content.toString()),
      unreadable: () => undefined,
    });
    reader.write(tarBytes(entries));
    reader.end();
    expect(contents).toEqual(['{"name":"m"}', '']);
  });

  it('applies pax path and size records, and GNU long names, to the next entry only', () => {
    const longName = `rules/ow-${'x'.repeat(200)}.json`;
    const body = Buffer.from('{"pax":1}');
    const bytes = Buffer.concat([
      metaEntry('x', paxRecord('path', 'rules/ow-pax.json') + paxRecord('size', '9')),
      handHeader('ignored-name', '00000000000\0', '0'),
      body,
      Buffer.alloc(512 - body.length),
      metaEntry('L', `${longName}\0`),
      handHeader('short', '00000000000\0', '0'),
      handHeader('after', '00000000000\0', '0'),
      END,
    ]);
    const result = read(bytes);
    expect(result.headers.map((header) => [header.path, header.size])).toEqual([
      ['rules/ow-pax.json', 9],
      [longName, 0],
      ['after', 0],
    ]);
    expect(result.contents[0]).toBe('{"pax":1}');
  });

  it('types an entry with GNU sparse pax records a SparseFile (tar would expand other bytes)', () => {
    const bytes = Buffer.concat([
      metaEntry('x', paxRecord('GNU.sparse.major', '1') + paxRecord('GNU.sparse.name', 'a')),
      handHeader('rules/ow-a.json', '00000000000\0', '0'),
      handHeader('after', '00000000000\0', '0'),
      END,
    ]);
    expect(read(bytes).headers.map((header) => [header.path, header.type])).toEqual([
      ['rules/ow-a.json', 'SparseFile'],
      ['after', 'File'],
    ]);
  });

  it('applies a global pax header to every entry after it', () => {
    const bytes = Buffer.concat([
      metaEntry('g', paxRecord('path', 'same')),
      handHeader('a', '00000000000\0', '0'),
      handHeader('b', '00000000000\0', '0'),
      END,
    ]);
    expect(read(bytes).headers.map((header) => header.path)).toEqual(['same', 'same']);
  });

  it('reads a base-256 size', () => {
    const header = handHeader('big', '', '0');
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header.writeUIntBE(700, 130, 6);
    const body = Buffer.alloc(1024, 0x61);
    const result = read(Buffer.concat([withChecksum(header), body, END]));
    expect(result.headers[0]?.size).toBe(700);
    expect(result.contents[0]).toBe('a'.repeat(700));
  });

  it('names link targets and reports unknown types and oversized meta headers unread', () => {
    const link = handHeader('rules/ow-l.json', '00000000000\0', '2');
    link.write('/etc/passwd', 157, 'utf8');
    const bytes = Buffer.concat([
      withChecksum(link),
      handHeader('rules/ow-z.json', '00000000000\0', 'Z'),
      handHeader('rules/ow-esc.json', '00000000000\0', '\u001b'),
      metaEntry('x', paxRecord('comment', 'y'.repeat(MAX_META_ENTRY_BYTES))),
      handHeader('after', '00000000000\0', '0'),
      END,
    ]);
    const result = read(bytes);
    expect(result.headers).toEqual([
      { path: 'rules/ow-l.json', type: 'SymbolicLink', size: 0, linkpath: '/etc/passwd' },
      { path: 'after', type: 'File', size: 0, linkpath: undefined },
    ]);
    expect(
      result.unreadable.map(({ header, oversizedMeta }) => [header.type, oversizedMeta]),
    ).toEqual([
      ['Z', false],
      ['0x1b', false],
      ['ExtendedHeader', true],
    ]);
  });

  it('ignores what follows the end-of-archive marker', () => {
    const bytes = Buffer.concat([tarBytes(entries), Buffer.from('trailing garbage')]);
    expect(read(bytes).headers).toHaveLength(entries.length);
  });

  it('has seen no end marker when the data stops after a whole entry', () => {
    const result = read(tarBytes(entries, { endMarker: false }));
    expect(result.sawEndMarker).toBe(false);
    expect(result.headers).toHaveLength(entries.length);
  });

  it.each([
    ['inside a header', 512 + 100],
    ['inside a content', 512 * 5 + 300],
    ['inside the padding', 512 * 5 + 701],
    ['between the two zero blocks', tarBytes(entries).length - 512],
  ])('says the data is truncated when it ends %s', (_where, length) => {
    const error = readError(tarBytes(entries).subarray(0, length));
    expect(error.truncated).toBe(true);
  });

  it.each([
    ['a bad checksum', (tar: Buffer) => (tar[512 * 2 + 10] = 0x41), /checksum/],
    ['a size that is not octal', (tar: Buffer) => tar.write('0000000009x', 124), /checksum|octal/],
    ['a lone zero block between entries', null, /lone zero block/],
  ])('refuses %s as damaged', (_name, damage, message) => {
    let bytes = tarBytes(entries);
    if (damage === null) {
      bytes = Buffer.concat([bytes.subarray(0, 1024), Buffer.alloc(512), bytes.subarray(1024)]);
    } else {
      damage(bytes);
    }
    const error = readError(bytes);
    expect(error.truncated).toBe(false);
    expect(error.message).toMatch(message);
  });

  it('refuses a size that is not octal even under a valid checksum', () => {
    const bytes = Buffer.concat([handHeader('a', '0000000009x\0', '0'), END]);
    expect(readError(bytes).message).toMatch(/not octal/);
  });

  it.each([
    ['no length', 'path=x\n'],
    ['a length past the end', '99 path=x\n'],
    ['no key', '6 =xy\n'],
    ['a size that is not a number', paxRecord('size', '12a')],
  ])('refuses a pax header with %s', (_name, content) => {
    const bytes = Buffer.concat([metaEntry('x', content), handHeader('a', '0\0', '0'), END]);
    expect(readError(bytes).truncated).toBe(false);
  });
});
