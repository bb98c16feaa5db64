/**
 * A file a call works on (a bundle, provider data, a public key): a path on the machine
 * that runs core (typed, or chosen with the desktop app's file picker), or the file's
 * bytes uploaded through the call (headless mode: a browser cannot give a path). Uploads
 * are bounded (DESIGN "Security model": every outside input is bounded in size).
 */
import { boundedText, lineText, members, plainObject } from './argumentChecks';
import { AppError } from './errors';

/** A file's bytes sent with the call, base64-encoded (RFC 4648 section 4). */
export interface FileUpload {
  /** The file's name as the user chose it (shown, never used as a path). */
  name: string;
  base64: string;
}

/** Where a call reads its file: `{ path }` on core's machine, or `{ upload }`. */
export type FileSource = { path: string } | { upload: FileUpload };

/** The largest file an upload may carry. */
export const UPLOAD_MAX_BYTES = 32 * 1024 * 1024;

/** The longest base64 text of an upload. */
export const UPLOAD_MAX_BASE64 = Math.ceil(UPLOAD_MAX_BYTES / 3) * 4;

/** The largest RPC body (headless mode) of a call that carries no upload. */
export const RPC_BODY_MAX = 1024 * 1024;

/** The largest RPC body of a call that may carry an upload: the base64 text and the rest. */
export const UPLOAD_RPC_BODY_MAX = UPLOAD_MAX_BASE64 + 64 * 1024;

/** The calls whose argument may hold a {@link FileUpload}. */
export const UPLOAD_CALLS: ReadonlySet<string> = new Set([
  'bundles.verify',
  'bundles.import',
  'bundles.inspectKey',
  'bundles.trustKey',
  'server.previewImport',
  'server.importProvider',
]);

/** The longest path a call accepts. */
export const PATH_MAX_LENGTH = 4096;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Checks a {@link FileSource}: a bounded path without NUL, or a bounded base64 upload. */
export function fileSource(value: unknown, what: string): FileSource {
  const record = plainObject(value, `"${what}" must be { path } or { upload: { name, base64 } }.`);
  if ('path' in record) {
    members(record, what, ['path']);
    return { path: boundedText(record.path, `${what}.path`, PATH_MAX_LENGTH) };
  }
  const upload = members(members(record, what, ['upload']).upload, `${what}.upload`, [
    'name',
    'base64',
  ]);
  const name = lineText(upload.name, `${what}.upload.name`, 255);
  const base64 = boundedText(upload.base64, `${what}.upload.base64`, UPLOAD_MAX_BASE64, 0);
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new AppError(
      'APP_INVALID_ARGUMENT',
      `"${what}.upload.base64" must be base64 text (RFC 4648 section 4).`,
    );
  }
  return { upload: { name, base64 } };
}

/** How a source is named to people: its path, or the uploaded file's name. */
export function fileSourceLabel(source: FileSource): string {
  return 'path' in source ? source.path : source.upload.name;
}
