/**
 * Decoding manifest and rule files (JSON or BSON) into plain JSON values. Pure.
 */
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

import type * as Bson from 'bson';

import { errorMessage } from '../../../../shared/errors';

export type DocumentFormat = 'json' | 'bson';

export type DecodeResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

let bsonCodec: typeof Bson.BSON | undefined;

/**
 * The BSON codec, loaded with the first BSON document: bundles are mostly JSON, and the
 * library is a large module that every `verify` would otherwise load (DESIGN "Command line").
 */
function bson(): typeof Bson.BSON {
  bsonCodec ??= (createRequire(import.meta.url)('bson') as typeof Bson).BSON;
  return bsonCodec;
}

/** The format a file name declares by its extension, or null. */
export function formatOfName(name: string): DocumentFormat | null {
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.bson')) return 'bson';
  return null;
}

/**
 * Decodes one document. JSON must be UTF-8 (a leading BOM is tolerated) and an object;
 * BSON must be exactly one well-formed document with valid UTF-8, and is turned into
 * plain JSON values (dates become ISO strings, ObjectIds hex, binaries base64).
 */
export function decodeDocument(bytes: Uint8Array, format: DocumentFormat): DecodeResult {
  let value: unknown;
  if (format === 'json') {
    // Checked first, then decoded (both native and fast): a lenient decoder would turn
    // bad bytes into U+FFFD silently.
    if (!isUtf8(bytes)) return { ok: false, message: 'is not valid UTF-8' };
    let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        message: `is not valid JSON (${errorMessage(error)})`,
      };
    }
  } else {
    try {
      value = bsonToPlain(
        bson().deserialize(bytes, {
          validation: { utf8: true },
          promoteLongs: true,
          promoteValues: true,
        }),
      );
    } catch (error) {
      return {
        ok: false,
        message: `is not a valid BSON document (${errorMessage(error)})`,
      };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'must hold one JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Encodes a plain object as BSON (used when a BSON manifest is re-signed). */
export function encodeBson(value: Record<string, unknown>): Buffer {
  return Buffer.from(bson().serialize(value));
}

/** Turns deserialized BSON values into plain JSON values. */
export function bsonToPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof RegExp) return value.toString();
  if (Array.isArray(value)) return value.map(bsonToPlain);
  if (typeof value === 'object') {
    const bsonType = (value as { _bsontype?: unknown })._bsontype;
    if (typeof bsonType === 'string') {
      switch (bsonType) {
        case 'ObjectId':
        case 'ObjectID':
          return (value as { toHexString(): string }).toHexString();
        case 'Binary':
          return Buffer.from((value as { buffer: Uint8Array }).buffer).toString('base64');
        case 'Long':
        case 'Double':
        case 'Int32':
          return Number((value as { valueOf(): unknown }).valueOf());
        default:
          return String(value);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // defineProperty: a "__proto__" key stays an own property, never a prototype.
      Object.defineProperty(out, key, {
        value: bsonToPlain(inner),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return null;
}
