/**
 * What an import does to each rule, decided before anything is written. Pure.
 *
 * Strategies (spec §5 "Deduplication Strategies", SPEC-NOTES "Import"); rules are never
 * deleted, a change always writes a new version and closes the old one:
 * - `skip_all`: a rule id that exists is left alone; new rule ids are inserted.
 * - `skip_unchanged_update_changed` (default): same content hash → nothing; different →
 *   a new version.
 * - `version_increment`: every rule of a bundle not imported before gets a new version,
 *   even when its content is unchanged (versions follow bundle releases); re-importing
 *   the same bundle (same SHA-256) changes nothing.
 * - `replace_all`: like the default for the bundle's rules, and every latest rule absent
 *   from the bundle is retired (no longer latest, effective_until set): the bundle
 *   becomes the whole rule set.
 */
import type { ImportCounts, ImportStrategy } from '../../../../shared/bundles';
import type { LatestRule } from './ruleWriter';

export interface IncomingRule {
  ruleId: string;
  contentHash: string;
}

export type RuleAction =
  | { kind: 'insert'; ruleId: string }
  | { kind: 'version'; ruleId: string; previous: LatestRule }
  | { kind: 'unchanged'; ruleId: string }
  | { kind: 'skip'; ruleId: string }
  | { kind: 'retire'; ruleId: string; previous: LatestRule };

export interface ImportPlan {
  actions: RuleAction[];
  counts: ImportCounts;
}

export function planImport(
  latest: ReadonlyMap<string, LatestRule>,
  incoming: readonly IncomingRule[],
  strategy: ImportStrategy,
  bundleSha256: string,
): ImportPlan {
  const counts: ImportCounts = {
    total: incoming.length,
    inserted: 0,
    versioned: 0,
    unchanged: 0,
    skipped: 0,
    retired: 0,
  };
  const actions: RuleAction[] = [];
  const present = new Set<string>();
  for (const rule of incoming) {
    present.add(rule.ruleId);
    const previous = latest.get(rule.ruleId);
    let action: RuleAction;
    if (previous === undefined) action = { kind: 'insert', ruleId: rule.ruleId };
    else if (strategy === 'skip_all') action = { kind: 'skip', ruleId: rule.ruleId };
    else if (strategy === 'version_increment') {
      action =
        previous.bundleSha256 === bundleSha256 && previous.contentHash === rule.contentHash
          ? { kind: 'unchanged', ruleId: rule.ruleId }
          : { kind: 'version', ruleId: rule.ruleId, previous };
    } else {
      action =
        previous.contentHash === rule.contentHash
          ? { kind: 'unchanged', ruleId: rule.ruleId }
          : { kind: 'version', ruleId: rule.ruleId, previous };
    }
    actions.push(action);
  }
  if (strategy === 'replace_all') {
    for (const [ruleId, previous] of latest) {
      if (!present.has(ruleId)) actions.push({ kind: 'retire', ruleId, previous });
    }
  }
  for (const action of actions) {
    if (action.kind === 'insert') counts.inserted += 1;
    else if (action.kind === 'version') counts.versioned += 1;
    else if (action.kind === 'unchanged') counts.unchanged += 1;
    else if (action.kind === 'skip') counts.skipped += 1;
    else counts.retired += 1;
  }
  return { actions, counts };
}
