/**
 * Downloading a vendor's https evidence (DESIGN "OpenCTS": the one place the same-origin
 * rule is relaxed). Threats: a reference that points into the auditor's own network, a
 * server that never ends, a huge file, redirect loops or downgrades, a file that would be
 * opened by something. So: https at every hop; hosts that resolve to loopback, private,
 * link-local or other special addresses are refused (checked where the connection is
 * made, so DNS cannot answer differently later) unless they are the vendor's own host;
 * bounded size, time and redirects; the vendor's token and pinned certificate only at the
 * vendor's origin; the bytes go to `<data-dir>/evidence/<sha256>` (0600, no extension),
 * hashed on the way, and are never executed, opened or rendered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

import { Agent, buildConnector, request } from 'undici';

import type { VendorTrust } from '../../../shared/client';
import { AppError, errorMessage } from '../../../shared/errors';
import { connectorFor } from '../client/vendorAgent';
import { sameOrigin } from '../client/vendorInput';

export interface EvidenceLimits {
  /** Largest file kept. */
  maxBytes: number;
  /** The whole download, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  maxBytes: 256 * 1024 * 1024,
  timeoutMs: 120_000,
  maxRedirects: 3,
};

export interface DownloadedEvidence {
  /** The URL finally answered. */
  url: string;
  sha256: string;
  size: number;
  /** Where the bytes are kept. */
  path: string;
}

export interface EvidenceDownloader {
  /** Downloads one https reference, or rejects with a CTS_EVIDENCE_… AppError saying why. */
  download(url: string): Promise<DownloadedEvidence>;
  close(): Promise<void>;
}

/** Addresses a reference may not make us connect to (RFC 6890 special-purpose ranges). */
function specialAddresses(): BlockList {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 3],
  ];
  for (const [address, prefix] of v4) list.addSubnet(address, prefix, 'ipv4');
  const v6: Array<[string, number]> = [
    ['::', 127],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
    ['64:ff9b::', 96],
  ];
  for (const [address, prefix] of v6) list.addSubnet(address, prefix, 'ipv6');
  return list;
}

/**
 * Private and special addresses are refused, except the vendor's own: `refused` for a
 * literal address, `lookup` for every name resolved on a connection to another origin.
 */
function createAddressGuard(vendorBaseUrl: string): {
  refused(address: string): Promise<boolean>;
  lookup: LookupFunction;
} {
  const special = specialAddresses();
  const vendorHost = new URL(vendorBaseUrl).hostname.replace(/^\[|\]$/g, '');
  let vendorAddresses: Promise<Set<string>> | null = null;
  const ownAddresses = () =>
    (vendorAddresses ??= (
      isIP(vendorHost) !== 0
        ? Promise.resolve([{ address: vendorHost }])
        : lookupAll(vendorHost, { all: true }).catch(() => [] as LookupAddress[])
    ).then((found) => new Set(found.map((entry) => entry.address))));
  const refused = (address: string, own: Set<string>): boolean =>
    !own.has(address) && special.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

  // Every connection to another origin resolves through this check (redirects included).
  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, found) => {
      if (error !== null) return callback(error, '', 4);
      void ownAddresses().then((own) => {
        const addresses = found as unknown as LookupAddress[];
        const bad = addresses.find((entry) => refused(entry.address, own));
        if (bad !== undefined) {
          return callback(
            refusal(`${hostname} resolves to ${bad.address}, a private or special address`),
            '',
            4,
          );
        }
        if (lookupOptions.all === true)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    });
  };
  return {
    refused: async (address) => refused(address, await ownAddresses()),
    lookup: checkedLookup,
  };
}

export function createEvidenceDownloader(options: {
  /** `<data-dir>/evidence`. */
  dir: string;
  vendor: { baseUrl: string; trust: VendorTrust; token: string | null };
  limits?: Partial<EvidenceLimits>;
}): EvidenceDownloader {
  const limits: EvidenceLimits = { ...DEFAULT_EVIDENCE_LIMITS, ...options.limits };
  const guard = createAddressGuard(options.vendor.baseUrl);
  const vendorAgent = new Agent({ connect: connectorFor(options.vendor.trust), connections: 2 });
  const ca =
    options.vendor.trust.kind === 'ca'
      ? [...rootCertificates, options.vendor.trust.caPem]
      : undefined;
  const otherAgent = new Agent({
    connect: buildConnector({
      ...(ca === undefined ? {} : { ca }),
      lookup: guard.lookup,
    } as buildConnector.BuildOptions),
    connections: 2,
  });

  return {
    async download(first) {
      const signal = AbortSignal.timeout(limits.timeoutMs);
      let url = first;
      for (let hop = 0; ; hop++) {
        const target = parseHttps(url);
        const atVendor = sameOrigin(url, options.vendor.baseUrl);
        const host = target.hostname.replace(/^\[|\]$/g, '');
        if (!atVendor && isIP(host) !== 0 && (await guard.refused(host))) {
          throw refusal(`${host} is a private or special address`);
        }
        const headers: Record<string, string> = { accept: '*/*' };
        if (atVendor && options.vendor.token !== null)
          headers.authorization = `Bearer ${options.vendor.token}`;
        let response: Awaited<ReturnType<typeof request>>;
        try {
          response = await request(url, {
            method: 'GET',
            headers,
            dispatcher: atVendor ? vendorAgent : otherAgent,
            signal,
          });
        } catch (error) {
          throw unreachable(
            url,
            signal.aborted ? `no answer within ${limits.timeoutMs} ms` : causeText(error),
          );
        }
        if ([301, 302, 303, 307, 308].includes(response.statusCode)) {
          discard(response.body);
          const location = response.headers.location;
          if (hop >= limits.maxRedirects)
            throw unreachable(first, `more than ${limits.maxRedirects} redirects`);
          if (typeof location !== 'string') throw unreachable(url, 'a redirect without a Location');
          url = new URL(location, url).href;
          continue;
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
          discard(response.body);
          throw unreachable(url, `the server answered ${response.statusCode}`);
        }
        return store(url, response, signal);
      }
    },
    async close() {
      await Promise.all([vendorAgent.close(), otherAgent.close()]);
    },
  };

  /** Streams the body to a temporary file while hashing, then names it by its hash. */
  async function store(
    url: string,
    response: Awaited<ReturnType<typeof request>>,
    signal: AbortSignal,
  ): Promise<DownloadedEvidence> {
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      discard(response.body);
      throw unreachable(
        url,
        `the file (${declared} bytes) is larger than ${limits.maxBytes} bytes`,
      );
    }
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const temporary = join(options.dir, `.download-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    const out = createWriteStream(temporary, { mode: 0o600 });
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > limits.maxBytes)
          throw unreachable(url, `the file is larger than ${limits.maxBytes} bytes`);
        hash.update(chunk as Buffer);
        if (!out.write(chunk))
          await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      const sha256 = hash.digest('hex');
      const path = join(options.dir, sha256);
      await rename(temporary, path);
      return { url, sha256, size, path };
    } catch (error) {
      discard(response.body);
      out.destroy();
      await rm(temporary, { force: true });
      if (error instanceof AppError) throw error;
      throw unreachable(
        url,
        signal.aborted ? `not complete within ${limits.timeoutMs} ms` : causeText(error),
      );
    }
  }
}

/** Drops a body not read (destroying it without a listener would raise an uncaught error). */
function discard(body: {
  on(event: 'error', listener: () => void): unknown;
  destroy(): void;
}): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseHttps(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unreachable(url, 'not a URL');
  }
  if (parsed.protocol !== 'https:')
    throw refusal(`${url} is not https: evidence is fetched over https only, redirects too`);
  if (parsed.username !== '' || parsed.password !== '')
    throw refusal('the URL carries a user name or password');
  return parsed;
}

function refusal(message: string): AppError {
  return new AppError('CTS_EVIDENCE_REFUSED', `Not fetched: ${message}.`);
}

function unreachable(url: string, message: string): AppError {
  return new AppError('CTS_EVIDENCE_UNREACHABLE', `${url}: ${message}.`, { details: { url } });
}

function causeText(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof AppError) return current.message.replace(/\.$/, '');
    const next = (current as { cause?: unknown }).cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  return errorMessage(current);
}
