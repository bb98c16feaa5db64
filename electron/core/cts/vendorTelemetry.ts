/**
 * Reading a vendor's OpenCTS telemetry during its sync (DESIGN "OpenCTS", client side):
 * `GET /cts` at the origin of its CtpBase (or the URL set with `vendor edit --cts`), kept
 * whatever it holds (an invalid document is kept with the schema's reasons), and its
 * attestation checked against the key pinned on first sight. Through the vendor's own
 * HTTP client (same origin, bounds, TLS pinning); a `--cts` URL at another origin gets a
 * client of its own, without the token. Never fails the sync: the outcome is recorded.
 */
import type { SyncReport } from '../../../shared/client';
import type { AttestationCheck } from '../../../shared/cts';
import { AppError, errorMessage } from '../../../shared/errors';
import type { VendorHttp, VendorHttpOptions } from '../client/httpClient';
import { sameOrigin } from '../client/vendorInput';
import type { VendorRecord } from '../client/vendorsRepository';
import type { SqliteDatabase } from '../store/database';
import { checkAttestation } from './attestationCheck';
import { createVendorCtsStore, type LastRead } from './vendorCtsStore';
import {
  createDocumentExaminer,
  VENDOR_DOCUMENT_LIMITS,
  type DocumentExaminer,
  type ExaminedDocument,
} from './vendorDocument';

export interface TelemetryReadDependencies {
  db: SqliteDatabase;
  vendor: VendorRecord;
  /** The vendor's HTTP client (its CtpBase origin, token, trust). */
  http: VendorHttp;
  /** Makes a client for a `--cts` URL at another origin. */
  openHttp: (options: VendorHttpOptions) => VendorHttp;
  clock: () => Date;
  /** The crawl's report: a vendor that asked us to back off, or is not who it was, is left alone. */
  crawl: SyncReport;
  examine?: DocumentExaminer;
}

/** Crawl errors after which the vendor is not asked for anything more in this sync. */
const STOP = new Set(['CLIENT_RATE_LIMITED', 'CLIENT_CANCELLED', 'CLIENT_TLS_PIN_MISMATCH']);

/** Where a vendor's telemetry is read: its `--cts` URL, else the CtpBase's origin + `/cts`. */
export function vendorCtsUrl(vendor: VendorRecord, configured: string | null): string {
  return configured ?? `${new URL(vendor.baseUrl).origin}/cts`;
}

export async function readVendorTelemetry(
  deps: TelemetryReadDependencies,
): Promise<LastRead | null> {
  if (deps.crawl.errors.some((error) => STOP.has(error.code))) return null;
  const store = createVendorCtsStore(deps.db);
  const { vendor } = deps;
  const url = vendorCtsUrl(vendor, store.url(vendor.id));
  const own = sameOrigin(url, vendor.baseUrl);
  const http = own
    ? deps.http
    : deps.openHttp({
        baseUrl: url,
        token: null,
        trust: vendor.trust.kind === 'ca' ? vendor.trust : { kind: 'system' },
      });
  const at = () => deps.clock().toISOString();
  try {
    const body = await fetchText(http, url);
    if (body === null) {
      const read: LastRead = {
        at: at(),
        status: 'absent',
        message: `${url} answered 404: the vendor publishes no telemetry there`,
        documentId: null,
      };
      store.recordRead(vendor.id, read, null, null);
      return read;
    }
    const examine = deps.examine ?? createDocumentExaminer();
    const pinned = store.pinnedKey(vendor.id)?.thumbprint ?? null;
    const { document, attestation } = await attest(
      http,
      url,
      examine(body),
      examine,
      pinned,
      (key, pin) => store.seeKey(vendor.id, key, pin, at()),
    );
    const read: LastRead = {
      at: at(),
      status: 'ok',
      message: document.valid ? null : `invalid: ${document.problems[0] ?? ''}`,
      documentId: null,
    };
    store.recordRead(vendor.id, read, document, attestation);
    return store.lastRead(vendor.id)!;
  } catch (error) {
    const read: LastRead = {
      at: at(),
      status: 'failed',
      message: errorMessage(error),
      documentId: null,
    };
    store.recordRead(vendor.id, read, null, null);
    return read;
  } finally {
    if (!own) await http.close();
  }
}

/** The body of a 2xx answer, null for a 404; bounded to the document limit. */
async function fetchText(http: VendorHttp, url: string): Promise<string | null> {
  try {
    const { text } = await http.getText(url);
    if (Buffer.byteLength(text, 'utf8') > VENDOR_DOCUMENT_LIMITS.bytes) {
      throw new AppError(
        'CLIENT_RESPONSE_TOO_LARGE',
        `${url}: the telemetry is larger than ${VENDOR_DOCUMENT_LIMITS.bytes} bytes; not kept.`,
      );
    }
    return text;
  } catch (error) {
    if (error instanceof AppError && error.details?.status === 404) return null;
    throw error;
  }
}

/**
 * Checks `/attestation` against `/keys`; when it signs another document than the one read
 * (the telemetry changed in between), reads `/cts` once more and keeps the newer document.
 */
async function attest(
  http: VendorHttp,
  url: string,
  first: ExaminedDocument,
  examine: DocumentExaminer,
  pinned: string | null,
  seeKey: (
    key: NonNullable<Awaited<ReturnType<typeof checkAttestation>>['key']>,
    pin: boolean,
  ) => void,
): Promise<{ document: ExaminedDocument; attestation: AttestationCheck }> {
  let jws: string | null;
  let jwksText: string | null;
  try {
    jws = await fetchText(http, `${url}/attestation`);
    if (jws === null)
      return { document: first, attestation: { status: 'absent', kid: null, message: null } };
    jwksText = (await fetchText(http, `${url}/keys`)) ?? '';
  } catch (error) {
    return {
      document: first,
      attestation: { status: 'unavailable', kid: null, message: errorMessage(error) },
    };
  }
  let document = first;
  let checked = await checkAttestation({
    jws,
    jwksText,
    documentText: document.body,
    pinnedThumbprint: pinned,
  });
  if (checked.outcome.status === 'mismatch') {
    const again = await fetchText(http, url).catch(() => null);
    if (again !== null && again !== document.body) {
      document = examine(again);
      checked = await checkAttestation({
        jws,
        jwksText,
        documentText: document.body,
        pinnedThumbprint: pinned,
      });
    }
  }
  if (checked.key !== null && checked.outcome.status !== 'invalid') {
    if (checked.outcome.status === 'pinned_now') seeKey(checked.key, true);
    else if (checked.outcome.status === 'key_changed') seeKey(checked.key, false);
  }
  return { document, attestation: checked.outcome };
}
