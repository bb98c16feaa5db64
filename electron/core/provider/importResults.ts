import { withoutMember } from '../../../shared/ctp/jsonText';
import { prepareResult, ResultProblem, type PreparedResult } from '../../../shared/ctp/results';
import type { ResultColumn } from '../../../shared/ctp/types';
import { checkCondition } from './conditionCheck';
import { measurementsOf } from './importTree';
import { invalidProvider } from './providerValidation';
import { verifyResultSignature } from './jws';
import type { MeasurementInput, ProviderDocument } from './providerValidation';

/** A measurement's results from the document, checked and ready to store. */
export interface ImportedResults {
  history: PreparedResult[];
  current: PreparedResult | null;
}

export interface ImportResultsContext {
  nowMs: number;
  /** Result formats and authority keys already on the server (the document's come first). */
  serverFormat(metricId: string): Promise<ResultColumn[] | undefined>;
  serverKey(authorityId: string): Promise<string | undefined>;
}

/**
 * Checks every result of the document against its metric's format (CTP 4.4) and verifies
 * the signatures of signed ones (by the document's authorities, else the server's), before
 * anything is written. Problems name their JSON path.
 */
export async function prepareImportResults(
  doc: ProviderDocument,
  context: ImportResultsContext,
): Promise<Map<MeasurementInput, ImportedResults>> {
  const formats = new Map<string, ResultColumn[]>();
  for (const metric of doc.metrics)
    if (metric.id !== undefined) formats.set(metric.id, metric.resultFormat);
  const keys = new Map(doc.authorities.map((a) => [a.id, a.publicKey]));
  const keyOf = async (id: string) => keys.get(id) ?? context.serverKey(id);
  const results = new Map<MeasurementInput, ImportedResults>();
  for (const m of await measurementsOf(doc.serviceViews)) {
    const format = formats.get(m.metric) ?? (await context.serverFormat(m.metric));
    if (format === undefined) {
      throw invalidProvider([
        {
          path: `${m.path}.metric`,
          message: `there is no metric "${m.metric}" in the document or on the server`,
        },
      ]);
    }
    if (!formats.has(m.metric)) checkServerMetricObjective(m, format);
    const prepare = (text: string, path: string) =>
      prepareOne(text, format, path, context.nowMs, keyOf);
    const history: PreparedResult[] = [];
    for (const h of m.history) history.push(await prepare(h.text, h.path));
    const current = m.result === null ? null : await prepare(m.result.text, m.result.path);
    results.set(m, { history, current });
  }
  return results;
}

/**
 * An objective on a metric already on the server is checked against that metric's format
 * here, once it is known (validation checked it without one).
 */
function checkServerMetricObjective(m: MeasurementInput, format: ResultColumn[]): void {
  if (m.objective === null) return;
  const problem = checkCondition(m.objective, format);
  if (problem !== null) {
    throw invalidProvider([{ path: `${m.path}.objective.condition`, message: problem }]);
  }
}

async function prepareOne(
  text: string,
  format: ResultColumn[],
  path: string,
  nowMs: number,
  keyOf: (authorityId: string) => Promise<string | undefined>,
): Promise<PreparedResult> {
  let result: PreparedResult;
  try {
    result = prepareResult(text, format, nowMs);
  } catch (error) {
    if (error instanceof ResultProblem) {
      throw invalidProvider([
        {
          path: `${path}${error.path.slice('result'.length)}`,
          message: error.message.slice(error.path.length + 2),
        },
      ]);
    }
    throw error;
  }
  const key = result.authorityId === null ? undefined : await keyOf(result.authorityId);
  if (result.signature !== null && key !== undefined) {
    try {
      await verifyResultSignature(result.signature, withoutMember(result.text, 'signature'), key);
    } catch (error) {
      throw invalidProvider([{ path: `${path}.signature`, message: (error as Error).message }]);
    }
  }
  return result;
}
