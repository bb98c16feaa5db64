/**
 * What the add and edit dialogs learn before a vendor is followed. `probeCertificate`
 * opens a TLS connection and reads the certificate the server shows, then closes it
 * without writing a byte of HTTP (no token can leak to a server not trusted yet): trust on
 * first use. `checkVendorConnection` reads the entry point with the token and trust the
 * auditor chose and turns the failures into the three answers people need: the host
 * cannot be reached (or its certificate is not trusted), the token is refused, the URL
 * is not a CTP server.
 */
import { isIP, connect as connectTcp } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';

import type { CertificateProbe, VendorTrust } from '../../../shared/client';
import { AppError, errorMessage } from '../../../shared/errors';
import type { VendorHttp, VendorHttpOptions } from './httpClient';
import { parseEntryPoint } from './responseShapes';
import { normalizeBaseUrl } from './vendorInput';

export const PROBE_TIMEOUT_MS = 10_000;

function unreachable(host: string, reason: string): AppError {
  return new AppError(
    'VENDOR_UNREACHABLE',
    `Cannot reach ${host}: ${reason}. Check the address and port, and that the server runs.`,
  );
}

function hostAndPort(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** Opens a socket (TLS for https), hands it to `read`, and always closes it. */
function withSocket<T>(
  url: URL,
  timeoutMs: number,
  read: (socket: TLSSocket | null) => T,
): Promise<T> {
  const { host, port } = hostAndPort(url);
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const socket = secure
      ? connectTls({
          host,
          port,
          // SNI only carries host names (RFC 6066 3).
          ...(isIP(host) === 0 ? { servername: host } : {}),
          rejectUnauthorized: false,
        })
      : connectTcp({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(url.host, `no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      try {
        resolve(read(secure ? (socket as TLSSocket) : null));
      } catch (error) {
        reject(error);
      } finally {
        socket.destroy();
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(unreachable(url.host, error.code ?? errorMessage(error)));
    });
  });
}

function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').filter(Boolean).join(', ');
}

/** The certificate a CtpBase's server shows, and whether the system CAs accept it. */
export async function probeCertificate(
  text: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<CertificateProbe> {
  const base = normalizeBaseUrl(text);
  const url = new URL(base);
  return withSocket(url, timeoutMs, (socket): CertificateProbe => {
    if (socket === null) {
      return { url: base, tls: false, certificate: null, systemTrusted: false, systemError: null };
    }
    const raw = socket.getPeerCertificate(false)?.raw;
    if (raw === undefined) throw unreachable(url.host, 'the server showed no certificate');
    const certificate = new X509Certificate(raw);
    return {
      url: base,
      tls: true,
      certificate: {
        subject: oneLine(certificate.subject),
        issuer: oneLine(certificate.issuer),
        validFrom: new Date(certificate.validFrom).toISOString(),
        validTo: new Date(certificate.validTo).toISOString(),
        fingerprint256: certificate.fingerprint256,
        subjectAltName: certificate.subjectAltName ?? null,
        selfSigned:
          certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey),
      },
      systemTrusted: socket.authorized,
      systemError: socket.authorized ? null : String(socket.authorizationError ?? 'not trusted'),
    };
  });
}

const TLS_PROBLEM = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME/i;

/** The failure of the connection check as the dialog should say it. */
export function connectionError(error: unknown, baseUrl: string, trust: VendorTrust): AppError {
  if (!(error instanceof AppError)) return unreachable(new URL(baseUrl).host, errorMessage(error));
  const host = new URL(baseUrl).host;
  const status = error.details?.status;
  if (error.code === 'CLIENT_HTTP_STATUS' && (status === 401 || status === 403)) {
    return new AppError(
      'VENDOR_TOKEN_REFUSED',
      `${host} refused the access token (HTTP ${status}): check the token the vendor gave you (CTP 6.3).`,
    );
  }
  if (
    error.code === 'CLIENT_HTTP_STATUS' ||
    error.code === 'CLIENT_RESPONSE_INVALID' ||
    error.code === 'CLIENT_RESPONSE_TOO_LARGE'
  ) {
    return new AppError(
      'VENDOR_NOT_CTP',
      `${baseUrl} does not answer as a CTP server${typeof status === 'number' ? ` (HTTP ${status})` : ''}: is it the vendor's CtpBase, the URL of its entry point (CTP 5.2.1)?`,
    );
  }
  if (error.code === 'CLIENT_TLS_PIN_MISMATCH') return error;
  const cause = String(error.details?.cause ?? '');
  if (error.code === 'CLIENT_NETWORK' && TLS_PROBLEM.test(cause)) {
    return new AppError(
      'VENDOR_TLS_UNTRUSTED',
      `${host}'s certificate is not trusted with ${trust.kind === 'ca' ? 'the CA file given' : 'the system CAs'} (${cause}). If the vendor uses its own certificate, pin it: choose "the server's certificate" and compare its fingerprint with the vendor's.`,
    );
  }
  if (error.code === 'CLIENT_NETWORK' || error.code === 'CLIENT_TIMEOUT') {
    return unreachable(host, cause === '' ? error.message : cause);
  }
  return error;
}

/**
 * Reads the vendor's entry point with its token and trust; resolves with the provider it
 * names, or rejects with VENDOR_UNREACHABLE, VENDOR_TLS_UNTRUSTED, CLIENT_TLS_PIN_MISMATCH,
 * VENDOR_TOKEN_REFUSED or VENDOR_NOT_CTP.
 */
export async function checkVendorConnection(
  options: { baseUrl: string; token: string | null; trust: VendorTrust },
  createHttp: (options: VendorHttpOptions) => VendorHttp,
): Promise<{ provider: string }> {
  const http = createHttp({
    ...options,
    limits: { retries: 0, timeoutMs: PROBE_TIMEOUT_MS },
  });
  try {
    const response = await http.getText(options.baseUrl);
    const entry = parseEntryPoint(response.text);
    if (!entry.ok) {
      throw new AppError(
        'VENDOR_NOT_CTP',
        `${options.baseUrl} answers, but not with a CTP entry point (${entry.error}): is it the vendor's CtpBase?`,
      );
    }
    return { provider: entry.value.provider };
  } catch (error) {
    if (error instanceof AppError && error.code === 'VENDOR_NOT_CTP') throw error;
    throw connectionError(error, options.baseUrl, options.trust);
  } finally {
    await http.close();
  }
}
