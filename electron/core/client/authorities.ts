/**
 * The authorities the auditor trusts for result signatures (CTP 4.2.6.2): the file
 * `<data-dir>/authorities.json`, `{"keys": {"<authorityId>": PEM | JWK}, "cas": [PEM]}`.
 * One reader for the checks and one writer for the app and `vendor authority`: material
 * is parsed before it is kept (a key that cannot be used is refused at once, a private
 * key is refused so that it never lands in a public file), and the file is replaced
 * atomically with mode 0600 like every file of the data folder.
 */
import { createHash, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { AuthorityAddRequest, AuthorityEntry } from '../../../shared/client';
import { AppError, errorMessage } from '../../../shared/errors';
import { createAuthorityKeys, type AuthorityKeys } from './jwsVerify';
import { normalizeFingerprint } from './vendorInput';

/** What authorities.json holds. */
export interface AuthoritiesDocument {
  keys: Record<string, string | Record<string, unknown>>;
  cas: string[];
}

export function authoritiesPath(dataDir: string): string {
  return join(dataDir, 'authorities.json');
}

function invalidFile(path: string, reason: string): AppError {
  return new AppError(
    'VENDOR_AUTHORITY_INVALID',
    `${path} is not a valid authority key file ({"keys": {ID: PEM or JWK}, "cas": [PEM]}): ${reason}.`,
  );
}

/** Reads the file (an absent file trusts nothing); a damaged one is an error naming it. */
export function readAuthorities(path: string): AuthoritiesDocument {
  if (!existsSync(path)) return { keys: {}, cas: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalidFile(path, errorMessage(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidFile(path, 'it is not a JSON object');
  }
  const { keys = {}, cas = [] } = parsed as { keys?: unknown; cas?: unknown };
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw invalidFile(path, '"keys" is not an object');
  }
  if (!Array.isArray(cas) || cas.some((item) => typeof item !== 'string')) {
    throw invalidFile(path, '"cas" is not a list of PEM texts');
  }
  return { keys: keys as AuthoritiesDocument['keys'], cas: cas as string[] };
}

function writeAuthorities(path: string, document: AuthoritiesDocument): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

function colonHex(digest: Buffer): string {
  return digest.toString('hex').toUpperCase().match(/../g)!.join(':');
}

/** SHA-256 of the key's SubjectPublicKeyInfo (DER), the usual key fingerprint. */
export function publicKeyFingerprint(key: KeyObject): string {
  return colonHex(
    createHash('sha256')
      .update(key.export({ type: 'spki', format: 'der' }))
      .digest(),
  );
}

function keyType(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  const type = (key.asymmetricKeyType ?? 'unknown').toUpperCase();
  if (details.modulusLength !== undefined) return `${type} ${details.modulusLength}`;
  if (details.namedCurve !== undefined) return `${type} ${details.namedCurve}`;
  return type;
}

function refusePrivate(text: string): void {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      "This is a private key: give the authority's public key or certificate (it never needs the private key).",
    );
  }
}

/** A trusted key's material: a PEM public key or certificate, or a public JWK. */
function keyFromMaterial(material: string | Record<string, unknown>): {
  key: KeyObject;
  certificate: X509Certificate | null;
} {
  if (typeof material !== 'string') {
    if ('d' in material || 'p' in material) {
      throw new AppError(
        'VENDOR_AUTHORITY_INVALID',
        'This JWK holds a private key ("d"): give the public key only.',
      );
    }
    return {
      key: createPublicKey({ key: material as JsonWebKey, format: 'jwk' }),
      certificate: null,
    };
  }
  refusePrivate(material);
  if (material.includes('-----BEGIN CERTIFICATE-----')) {
    const certificate = new X509Certificate(material);
    return { key: certificate.publicKey, certificate };
  }
  return { key: createPublicKey(material), certificate: null };
}

function describeKey(id: string, material: string | Record<string, unknown>): AuthorityEntry {
  const { key, certificate } = keyFromMaterial(material);
  return {
    id,
    kind: 'key',
    keyType: keyType(key),
    fingerprint256: publicKeyFingerprint(key),
    subject: certificate?.subject.replace(/\n/g, ', ') ?? null,
    validTo: certificate === null ? null : new Date(certificate.validTo).toISOString(),
  };
}

function describeCa(pem: string): AuthorityEntry {
  const certificate = new X509Certificate(pem);
  return {
    id: certificate.fingerprint256,
    kind: 'ca',
    keyType: keyType(certificate.publicKey),
    fingerprint256: publicKeyFingerprint(certificate.publicKey),
    subject: certificate.subject.replace(/\n/g, ', '),
    validTo: new Date(certificate.validTo).toISOString(),
  };
}

/** Every trusted key and CA, keys by id then CAs by subject. */
export function listAuthorities(path: string): AuthorityEntry[] {
  const document = readAuthorities(path);
  const describe = <T>(what: string, make: () => T): T => {
    try {
      return make();
    } catch (error) {
      throw invalidFile(path, `${what}: ${errorMessage(error)}`);
    }
  };
  const keys = Object.entries(document.keys)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, material]) =>
      describe(`key ${JSON.stringify(id)}`, () => describeKey(id, material)),
    );
  const cas = document.cas
    .map((pem, index) => describe(`CA ${index + 1}`, () => describeCa(pem)))
    .sort((a, b) => (a.subject ?? '').localeCompare(b.subject ?? ''));
  return [...keys, ...cas];
}

/** An authorityId as results name it: 1 to 200 characters, no control characters. */
function checkAuthorityId(id: string | undefined): string {
  if (id === undefined || id.trim() === '' || id.length > 200 || /\p{Cc}/u.test(id)) {
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      'A key needs the authorityId its results name (1 to 200 characters, no control characters).',
    );
  }
  return id.trim();
}

/** The material as it will be kept: PEM text, or a JWK object parsed from JSON text. */
function parseMaterial(text: string): string | Record<string, unknown> {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return `${trimmed}\n`;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch (error) {
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      `The JWK is not valid JSON: ${errorMessage(error)}.`,
    );
  }
  throw new AppError('VENDOR_AUTHORITY_INVALID', 'The JWK must be a JSON object.');
}

function usable<T>(make: () => T, what: string): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      `${what} cannot be read: ${errorMessage(error)}. Give a PEM public key or certificate, or a JWK.`,
    );
  }
}

/** Adds a key (by authorityId) or a CA certificate; returns its entry. */
export function addAuthority(path: string, request: AuthorityAddRequest): AuthorityEntry {
  const document = readAuthorities(path);
  if (request.kind === 'key') {
    const id = checkAuthorityId(request.id);
    if (id in document.keys) {
      throw new AppError(
        'VENDOR_AUTHORITY_EXISTS',
        `A key is already trusted for ${JSON.stringify(id)}; remove it first to replace it.`,
      );
    }
    const material = parseMaterial(request.material);
    const entry = usable(() => describeKey(id, material), 'The key');
    writeAuthorities(path, { ...document, keys: { ...document.keys, [id]: material } });
    return entry;
  }
  refusePrivate(request.material);
  const pem = request.material.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/,
  )?.[0];
  if (pem === undefined) {
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      'A CA is given as a PEM certificate (-----BEGIN CERTIFICATE-----).',
    );
  }
  const entry = usable(() => describeCa(pem), 'The CA certificate');
  if (document.cas.some((known) => usable(() => describeCa(known), 'A kept CA').id === entry.id)) {
    throw new AppError('VENDOR_AUTHORITY_EXISTS', 'This CA certificate is already trusted.');
  }
  writeAuthorities(path, { ...document, cas: [...document.cas, `${pem}\n`] });
  return entry;
}

/** Removes a key (by authorityId) or a CA (by its certificate's SHA-256 fingerprint). */
export function removeAuthority(path: string, request: { kind: 'key' | 'ca'; id: string }): void {
  const document = readAuthorities(path);
  if (request.kind === 'key') {
    if (!(request.id in document.keys)) throw notFound(request);
    const keys = { ...document.keys };
    delete keys[request.id];
    writeAuthorities(path, { ...document, keys });
    return;
  }
  let wanted: string;
  try {
    wanted = normalizeFingerprint(request.id);
  } catch {
    throw notFound(request);
  }
  const cas = document.cas.filter((pem) => new X509Certificate(pem).fingerprint256 !== wanted);
  if (cas.length === document.cas.length) throw notFound(request);
  writeAuthorities(path, { ...document, cas });
}

function notFound(request: { kind: 'key' | 'ca'; id: string }): AppError {
  return new AppError(
    'VENDOR_AUTHORITY_NOT_FOUND',
    request.kind === 'key'
      ? `No key is trusted for ${JSON.stringify(request.id)}; \`vendor authority list\` shows them.`
      : `No trusted CA has the fingerprint ${request.id}; \`vendor authority list\` shows them.`,
  );
}

/**
 * The authority keys the auditor trusts: `<data-dir>/authorities.json` (authorities.ts),
 * shaped `{"keys": {"<authorityId>": "<PEM>" | {JWK}}, "cas": ["<PEM>", …]}`; none when
 * absent.
 */
export function loadAuthorityKeys(dataDir: string): AuthorityKeys {
  const path = authoritiesPath(dataDir);
  const document = readAuthorities(path);
  try {
    return createAuthorityKeys(document);
  } catch (error) {
    throw new AppError(
      'VENDOR_AUTHORITY_INVALID',
      `${path} holds a key or certificate that cannot be read: ${errorMessage(error)}.`,
    );
  }
}
