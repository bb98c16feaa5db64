/**
 * The rules of a bundle from its examined files (SPEC-NOTES "OpenWatch bundles"): each
 * file was examined on its own as it came out of the archive (examineRule.ts); what
 * needs several files, a rule id used twice, is checked here. Pure.
 */
import type { BundleFinding } from '../../../../shared/bundles';
import type { ExaminedFile } from './examinationQueue';
import { verifiedRule } from './examineRule';
import type { VerifiedRule } from './examineRule';
import type { LenientMappingId } from './lenientMapping';

export interface RuleSet {
  /** Every rule file with a rule file name, in archive order. */
  rules: VerifiedRule[];
  /** Each file's findings in archive order, each duplicate id after its file's. */
  findings: BundleFinding[];
  /** How many rules each lenient mapping touched. */
  lenientMappings: Partial<Record<LenientMappingId, number>>;
  /** Paths of the invalid rule files the lenient mapping would make valid. */
  lenientFixes: Set<string>;
}

export function collectRules(examined: readonly ExaminedFile[], lenient: boolean): RuleSet {
  const set: RuleSet = { rules: [], findings: [], lenientMappings: {}, lenientFixes: new Set() };
  const byRuleId = new Map<string, string>();
  for (const { path, content, examination } of examined) {
    set.findings.push(...examination.findings);
    if (examination.lenientWouldFix) set.lenientFixes.add(examination.path);
    const rule = verifiedRule(path, content, examination, lenient);
    if (rule === null) continue;
    for (const id of new Set(rule.lenientMappings)) {
      set.lenientMappings[id] = (set.lenientMappings[id] ?? 0) + 1;
    }
    const earlier = rule.ruleId === null ? undefined : byRuleId.get(rule.ruleId);
    if (earlier !== undefined) {
      set.findings.push({
        code: 'RULE_ID_DUPLICATE',
        severity: 'error',
        path: `${rule.path}#/rule_id`,
        message: `rule_id ${JSON.stringify(rule.ruleId)} is also used by ${earlier}; rule ids must be unique.`,
      });
      rule.valid = false;
    } else if (rule.ruleId !== null) byRuleId.set(rule.ruleId, rule.path);
    set.rules.push(rule);
  }
  return set;
}
