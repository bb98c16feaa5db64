/**
 * Independent checks over a vendor's offline workspace: every objective
 * re-evaluated and compared with the vendor's claim, every kept result's signature
 * verified. Reads only the workspace: works with no network.
 */
import type { ObjectiveCheck, SignatureStatus } from '../../../shared/client';
import type { HistoryRepository } from './historyRepository';
import { verifyResultSignature } from './jwsVerify';
import type { AuthorityKeys, SignatureCheck } from './jwsVerify';
import { checkObjective } from './objectiveCheck';
import { withoutMember } from '../../../shared/ctp/jsonText';
import { compileCondition, type CompileResult } from '../../../shared/ctpscript';
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

/** The JWS `alg` of a compact signature's protected header, when it can be read. */
function signatureAlgorithm(signature: string): string | null {
  try {
    const header = JSON.parse(
      Buffer.from(signature.split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg.slice(0, 20) : null;
  } catch {
    return null;
  }
}

/** Verifies one kept result's signature over its text as received (CTP 4.2.6.2). */
export async function checkResultSignature(
  entry: { resultText: string; authorityId: string | null },
  authorities: AuthorityKeys,
  clock: () => Date,
): Promise<SignatureCheck & { algorithm: string | null }> {
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
  return { ...verdict, algorithm: signature === null ? null : signatureAlgorithm(signature) };
}

/** Every measurement's objective evaluated again and compared with the vendor's claim. */
export function checkObjectives(store: HistoryRepository, clock: () => Date): ObjectiveCheck[] {
  const objectives: ObjectiveCheck[] = [];
  // Each distinct condition is compiled once (a vendor's measurements repeat a few).
  const compiled = new Map<string, CompileResult>();
  const compile = (source: string): CompileResult => {
    let result = compiled.get(source);
    if (result === undefined) {
      result = compileCondition(source);
      compiled.set(source, result);
    }
    return result;
  };
  for (const resource of store.resources('measurement')) {
    const parsed = parseMeasurement(resource.body);
    if (!parsed.ok) continue;
    const check = checkObjective({ ...parsed.value, self: resource.url }, clock, compile);
    if (check !== null) objectives.push(check);
  }
  return objectives;
}

export async function checkWorkspace(
  store: HistoryRepository,
  authorities: AuthorityKeys,
  clock: () => Date,
): Promise<WorkspaceChecks> {
  const objectives = checkObjectives(store, clock);
  const signatures: ResultSignatureCheck[] = [];
  for (const resource of store.resources('measurement')) {
    for (const entry of store.history(resource.url)) {
      const { algorithm: _algorithm, ...verdict } = await checkResultSignature(
        entry,
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
