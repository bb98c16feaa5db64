/**
 * The content hash of a rule (SPEC-NOTES "Import"): SHA-256 over the RFC 8785 canonical
 * form of the rule minus the bookkeeping fields, as `sha256:` + hex. Two rules with the
 * same content have the same hash whatever their key order, whitespace or bookkeeping.
 */
import { createHash } from 'node:crypto';

import { canonicalJson } from '../../../../shared/canonicalJson';
import { BOOKKEEPING_FIELDS } from '../verify/ruleValidation';

const BOOKKEEPING = new Set<string>(BOOKKEEPING_FIELDS);

export function ruleContentHash(rule: Record<string, unknown>): string {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rule)) {
    if (!BOOKKEEPING.has(key)) content[key] = value;
  }
  return `sha256:${createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex')}`;
}
