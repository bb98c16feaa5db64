import type { OutcomeRequest } from './evaluatedWrite';
import type { ImportedResults } from './importResults';
import { rowOf, type ImportRows } from './importRows';
import { walkTree } from './importTree';
import type { MeasurementInput, ProviderDocument } from './providerValidation';
import type { CtpRepositories } from './repositories';
import { triggerRequests } from './triggerEvaluation';

/**
 * The evaluations an import will ask for (evaluatedWrite.ts), read without the lock: the
 * objective of each measurement created, changed or given a new result, and the triggers
 * CTP 5.3.2 evaluates on an existing measurement's new result. `undefined` ids stand for
 * resources the import will create.
 */
export async function predictImportEvaluations(
  doc: ProviderDocument,
  results: ReadonlyMap<MeasurementInput, ImportedResults>,
  deps: { rows: ImportRows; repositories: CtpRepositories },
  nowMs: number,
): Promise<OutcomeRequest[]> {
  const { rows, repositories } = deps;
  const requests: OutcomeRequest[] = [];
  const measurement = async (m: MeasurementInput, attributeId: string | undefined) => {
    const row = attributeId === undefined ? undefined : rowOf.measurement(m, attributeId);
    const id = row === undefined ? undefined : await rows.existing(row);
    const stored = id === undefined ? undefined : await repositories.measurement(id);
    const current = results.get(m)?.current ?? null;
    const newResult = current !== null && stored?.resultText !== current.text;
    const changed = row === undefined || id === undefined || !(await rows.unchanged(row, id));
    const resultText = newResult ? current.text : (stored?.resultText ?? null);
    if ((changed || newResult) && m.objective !== null && resultText !== null)
      requests.push({ source: m.objective, resultText });
    if (newResult && id !== undefined) {
      const after = { state: m.state, resultText: current.text };
      const triggers = await repositories.triggerStatesOfMeasurement(id);
      requests.push(...triggerRequests(after, triggers, nowMs));
    }
  };
  await walkTree<string | undefined>(doc.serviceViews, {
    view: (view, parentId) =>
      parentId === undefined ? undefined : rows.existing(rowOf.view(view, parentId)),
    asset: (asset, viewId) =>
      viewId === undefined ? undefined : rows.existing(rowOf.asset(asset, viewId)),
    attribute: (attribute, assetId) =>
      assetId === undefined ? undefined : rows.existing(rowOf.attribute(attribute, assetId)),
    measurement,
  });
  return requests;
}
