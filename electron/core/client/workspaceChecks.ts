/**
 * Independent checks over a vendor's offline workspace (issue 6 §5): every objective
 * re-evaluated and compared with the vendor's claim, every kept result's signature
 * verified. Reads only the workspace: works with no network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ObjectiveCheck, SignatureStatus } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { HistoryRepository } from './historyRepository';
import { createAuthorityKeys, verifyResultSignature } from './jwsVerify';
import type { AuthorityKeys } from './jwsVerify';
import { checkObjective } from './objectiveCheck';
import { withoutMember } from '../../../shared/ctp/jsonText';
import { parseMeasurement } from './responseShapes';

export interface ResultSignatureCheck {
  measurementUrl: string;
  updateTime: string | null;
  authorityId: string | null;
  status: SignatureStatus;
  message: string | null;
}

export interface WorkspaceChecks {
  objectives: ObjectiveCheck[];
  disagreements: number;
  signatures: ResultSignatureCheck[];
  summary: Record<SignatureStatus, number>;
}

/**
 * The authority keys the auditor trusts: `<data-dir>/authorities.json`, shaped
 * `{"keys": {"<authorityId>": "<PEM>" | {JWK}}, "cas": ["<PEM>", …]}`; none when absent.
 */
export function loadAuthorityKeys(dataDir: string): AuthorityKeys {
  const path = join(dataDir, 'authorities.json');
  if (!existsSync(path)) return createAuthorityKeys({});
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as {
      keys?: Record<string, string | Record<string, unknown>>;
      cas?: string[];
    };
    return createAuthorityKeys({ keys: parsed.keys ?? {}, cas: parsed.cas ?? [] });
  } catch (error) {
    throw new AppError(
      'VENDOR_INVALID',
      `${path} is not a valid authority key file ({"keys": {ID: PEM or JWK}, "cas": [PEM]}): ${(error as Error).message}.`,
    );
  }
}

export async function checkWorkspace(
  store: HistoryRepository,
  authorities: AuthorityKeys,
  clock: () => Date,
): Promise<WorkspaceChecks> {
  const objectives: ObjectiveCheck[] = [];
  const signatures: ResultSignatureCheck[] = [];
  for (const resource of store.resources('measurement')) {
    const parsed = parseMeasurement(resource.body);
    if (!parsed.ok) continue;
    const check = checkObjective({ ...parsed.value, self: resource.url }, clock);
    if (check !== null) objectives.push(check);
    for (const entry of store.history(resource.url)) {
      let signature: string | null = null;
      let payloadText = entry.resultText;
      try {
        const result = JSON.parse(entry.resultText) as { signature?: unknown };
        signature = typeof result.signature === 'string' ? result.signature : null;
        payloadText = withoutMember(entry.resultText, 'signature');
      } catch {
        signature = null;
      }
      const verdict = await verifyResultSignature(
        { payloadText, signature, authorityId: entry.authorityId },
        authorities,
        clock,
      );
      signatures.push({
        measurementUrl: resource.url,
        updateTime: entry.updateTime,
        authorityId: entry.authorityId,
        ...verdict,
      });
    }
  }
  const summary: Record<SignatureStatus, number> = {
    verified: 0,
    unsigned: 0,
    invalid: 0,
    unknown_authority: 0,
  };
  for (const item of signatures) summary[item.status]++;
  return {
    objectives,
    disagreements: objectives.filter((item) => item.disagrees).length,
    signatures,
    summary,
  };
}
