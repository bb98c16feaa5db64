import { describe, expect, it } from 'vitest';

import {
  evidenceRefProblem,
  normalizeEvidenceRef,
  parseEvidenceReference,
  presignedUrlExpiry,
} from '../../../shared/ctsEvidence';

const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('evidenceRefProblem (what a provider may publish, OpenCTS §5)', () => {
  it.each([
    `sha256:${HEX}`,
    `sha256:${HEX.toUpperCase()}`,
    'https://e.example/r.pdf',
    's3://bucket/key.zip',
  ])('accepts %s', (text) => {
    expect(evidenceRefProblem(text)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['sha256:abc123', /64 hex/],
    ['http://e.example/r.pdf', /https/],
    ['ftp://e.example/r', /https/],
    ['report.pdf', /https/],
    ['https://user:pw@e.example/r', /user name or password/],
    ['https://e.example/a b', /white space/],
    ['s3://bucket/k\u0007', /control/],
    [`https://e.example/${'x'.repeat(2100)}`, /longer than 2048/],
  ])('refuses %j', (text, message) => {
    expect(evidenceRefProblem(text)).toMatch(message);
  });

  it('publishes digests in lower case', () => {
    expect(normalizeEvidenceRef(`sha256:${HEX.toUpperCase()}`)).toBe(`sha256:${HEX}`);
  });
});

describe('parseEvidenceReference (what an auditor reads)', () => {
  it.each([
    [`sha256:${HEX}`, { kind: 'sha256', digest: HEX, url: null, note: null }],
    [
      'sha256:abc123...',
      { kind: 'sha256', digest: null, note: 'not a SHA-256 digest (64 hex digits)' },
    ],
    ['https://e.example/r.pdf', { kind: 'https', url: 'https://e.example/r.pdf', digest: null }],
    ['s3://bucket/k', { kind: 's3', url: 's3://bucket/k' }],
    ['http://e.example/r', { kind: 'other', note: expect.stringMatching(/plain http/) }],
    ['urn:isbn:123', { kind: 'other' }],
    ['not a reference', { kind: 'other' }],
  ])('%s', (text, expected) => {
    expect(parseEvidenceReference(text)).toMatchObject({ text, ...expected });
  });

  it('reads the object form of the upstream examples: url, hash and expiry', () => {
    expect(
      parseEvidenceReference({
        type: 'presigned_url',
        url: 'https://s3.amazonaws.com/x/q1.zip?AWSAccessKeyId=K&Signature=S&Expires=1706054400',
        expires: '2024-01-24T00:00:00Z',
        hash: `sha256:${HEX}`,
      }),
    ).toMatchObject({ kind: 'https', digest: HEX, expiresAt: '2024-01-24T00:00:00.000Z' });
    expect(
      parseEvidenceReference({ url: 'https://e.example/p', hash: 'sha256:def456...' }),
    ).toMatchObject({
      kind: 'https',
      digest: null,
      note: expect.stringMatching(/not a SHA-256 digest/),
    });
    expect(parseEvidenceReference({ hash: HEX })).toMatchObject({ kind: 'other', text: HEX });
    expect(parseEvidenceReference({ description: 'nothing to check' })).toBeNull();
    expect(parseEvidenceReference(42)).toBeNull();
  });
});

describe('presignedUrlExpiry', () => {
  it.each([
    [
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240115T143000Z&X-Amz-Expires=3600&X-Amz-Signature=s',
      Date.UTC(2024, 0, 15, 15, 30),
    ],
    [
      'https://storage.googleapis.com/b/k?X-Goog-Date=20240115T000000Z&X-Goog-Expires=60&X-Goog-Signature=s',
      Date.UTC(2024, 0, 15, 0, 1),
    ],
    [
      'https://d111.cloudfront.net/k?Expires=1706054400&Signature=s&Key-Pair-Id=K',
      1_706_054_400_000,
    ],
    [
      'https://a.blob.core.windows.net/c/k?sv=2022-11-02&se=2024-01-22T00%3A00%3A00Z&sr=b&sp=r&sig=s',
      Date.UTC(2024, 0, 22),
    ],
    ['https://e.example/report.pdf', null],
    ['https://e.example/?se=2024-01-01', null],
  ])('%s', (url, expected) => {
    expect(presignedUrlExpiry(new URL(url))).toBe(expected);
  });
});
