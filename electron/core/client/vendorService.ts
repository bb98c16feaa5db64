/**
 * Adding, editing and removing followed vendors (issue 6 §1): input checks, the token kept
 * in the injected secret store (never in auditor.db, never logged), TLS trust per vendor.
 */
import { X509Certificate } from 'node:crypto';

import type { VendorSummary, VendorTrust } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { SecretStore } from './secretStore';
import { vendorTokenKey } from './secretStore';
import { checkVendorName, normalizeBaseUrl, normalizeFingerprint } from './vendorInput';
import type { VendorRecord, VendorsRepository } from './vendorsRepository';

/** How the auditor asks to trust a vendor's certificate. */
export type TrustInput =
  | { kind: 'system' }
  | { kind: 'ca'; caPem: string; source?: string }
  | { kind: 'fingerprint'; sha256: string };

export interface VendorInput {
  name: string;
  url: string;
  token?: string | null;
  trust?: TrustInput;
}

export interface VendorService {
  add(input: VendorInput): VendorRecord;
  edit(name: string, changes: Partial<Omit<VendorInput, 'name'>>): VendorRecord;
  remove(name: string): void;
  list(): VendorSummary[];
  get(name: string): VendorRecord;
  /** The vendor's bearer token, or null (for the HTTP client only). */
  token(vendor: VendorRecord): string | null;
}

/** Checks a PEM CA bundle: at least one certificate, every one parseable. */
export function checkCaPem(pem: string, source = 'the CA file'): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new AppError(
      'VENDOR_INVALID',
      `${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new AppError(
        'VENDOR_INVALID',
        `${source} holds a damaged certificate: ${(error as Error).message}.`,
      );
    }
  }
  return blocks.join('\n') + '\n';
}

/** The trust to store for what the auditor asked (CA bundle checked, fingerprint normalized). */
export function checkTrust(input: TrustInput | undefined): VendorTrust {
  if (input === undefined || input.kind === 'system') return { kind: 'system' };
  if (input.kind === 'ca') return { kind: 'ca', caPem: checkCaPem(input.caPem, input.source) };
  return { kind: 'fingerprint', sha256: normalizeFingerprint(input.sha256) };
}

function checkToken(token: string): string {
  const trimmed = token.trim();
  // RFC 6750 b64token, which is what a CTP bearer token is (CTP 6.3).
  if (!/^[A-Za-z0-9._~+/-]+=*$/.test(trimmed) || trimmed.length > 4096) {
    throw new AppError(
      'VENDOR_INVALID',
      'The token is not a bearer token (RFC 6750: letters, digits and -._~+/ only, at most 4096 characters).',
    );
  }
  return trimmed;
}

export function createVendorService(deps: {
  vendors: VendorsRepository;
  secrets: SecretStore;
  clock: () => Date;
}): VendorService {
  const { vendors, secrets, clock } = deps;
  const now = (): string => clock().toISOString();
  return {
    add(input) {
      const name = checkVendorName(input.name);
      const baseUrl = normalizeBaseUrl(input.url);
      const trust = checkTrust(input.trust);
      const token = input.token == null ? null : checkToken(input.token);
      if (vendors.find(name) !== null) {
        throw new AppError(
          'VENDOR_EXISTS',
          `A vendor named ${JSON.stringify(name)} already exists; choose another name.`,
        );
      }
      const tokenRef = token === null ? null : vendorTokenKey(name);
      if (tokenRef !== null && token !== null) secrets.set(tokenRef, token);
      return vendors.add({ name, baseUrl, trust, tokenRef }, now());
    },
    edit(name, changes) {
      const current = vendors.get(name);
      let tokenRef: string | null | undefined;
      if (changes.token !== undefined) {
        tokenRef = changes.token === null ? null : vendorTokenKey(current.name);
        if (changes.token === null) secrets.delete(vendorTokenKey(current.name));
        else secrets.set(vendorTokenKey(current.name), checkToken(changes.token));
      }
      return vendors.update(
        name,
        {
          ...(changes.url === undefined ? {} : { baseUrl: normalizeBaseUrl(changes.url) }),
          ...(changes.trust === undefined ? {} : { trust: checkTrust(changes.trust) }),
          ...(tokenRef === undefined ? {} : { tokenRef }),
        },
        now(),
      );
    },
    remove(name) {
      const vendor = vendors.get(name);
      vendors.remove(vendor.name);
      secrets.delete(vendorTokenKey(vendor.name));
    },
    list: () => vendors.summaries(),
    get: (name) => vendors.get(name),
    token: (vendor) => (vendor.tokenRef === null ? null : secrets.get(vendor.tokenRef)),
  };
}
