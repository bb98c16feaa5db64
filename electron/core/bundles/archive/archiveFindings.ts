/**
 * The findings readBundle() reports about an archive. Every archive problem is an error:
 * the bundle is refused (docs/decisions.md "Archive problems are collected, limits stop
 * at once").
 */
import type { BundleFinding, FindingCode } from '../../../../shared/bundles';

export function archiveFinding(code: FindingCode, path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}

/** A limit of BundleLimits was crossed; reading stops there. */
export function limitFinding(code: FindingCode, message: string, path = ''): BundleFinding {
  return archiveFinding(code, path, `${message} Limits protect against compression bombs.`);
}
