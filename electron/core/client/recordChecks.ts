/**
 * Keeps a vendor's independent checks current in auditor.db (checksRepository.ts): after a
 * sync every objective is evaluated again (cheap, and the vendor's claims may have
 * changed) and only the results not verified yet have their signature checked; when the
 * trusted authorities change, every kept result is verified again. The portfolio, the
 * tree and the measurement page then read the checks instead of redoing them.
 */
import type { ChecksRepository } from './checksRepository';
import type { HistoryRepository } from './historyRepository';
import type { AuthorityKeys } from './jwsVerify';
import { checkObjectives, checkResultSignature } from './workspaceChecks';

export interface RecordedChecks {
  objectives: number;
  /** Results whose signature was verified in this run. */
  signatures: number;
}

export async function recordChecks(
  deps: {
    store: HistoryRepository;
    checks: ChecksRepository;
    vendorId: number;
    authorities: AuthorityKeys;
    clock: () => Date;
  },
  options: { allSignatures: boolean },
): Promise<RecordedChecks> {
  const { store, checks, vendorId, authorities, clock } = deps;
  const objectives = checkObjectives(store, clock);
  checks.replaceObjectiveChecks(vendorId, objectives, clock().toISOString());
  const pending = checks.resultsToVerify(vendorId, options.allSignatures);
  const verdicts = [];
  for (const result of pending) {
    const verdict = await checkResultSignature(result, authorities, clock);
    verdicts.push({ resultId: result.id, ...verdict });
  }
  checks.putSignatures(vendorId, verdicts, clock().toISOString());
  return { objectives: objectives.length, signatures: verdicts.length };
}
