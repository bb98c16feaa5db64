import { AppError } from '../../../shared/errors';
import { SqlConstraintError, type SqlStore } from '../store/sqlStore';
import type { Accounts } from './accounts';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { predictImportEvaluations } from './importPrediction';
import { prepareImportResults } from './importResults';
import { importRowsOn } from './importRows';
import { createImportWriter, type ImportSummary } from './importWriter';
import { validateProvider } from './providerValidation';
import type { CtpRepositories } from './repositories';
import type { TriggerEvaluation } from './triggerEvaluation';

export type { ImportSummary } from './importWriter';

export interface ProviderImporter {
  /** Validates, then imports in one transaction (all or nothing). */
  importDocument(input: unknown): Promise<ImportSummary>;
}

/**
 * `server import` (DESIGN.md "Provider data"): create or update by `id`; anything not
 * named is left alone. A resource without an id is matched by name under the same parent
 * (so importing the same file twice changes nothing), else created with a random id.
 * Steps: validate the document (pure), check its results and signatures, evaluate the
 * conditions the import will need without the lock, then write it all in one transaction
 * (evaluatedWrite.ts).
 */
export function createProviderImporter(deps: {
  store: SqlStore;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  accounts: Accounts;
  evaluation: TriggerEvaluation;
}): ProviderImporter {
  const { store, clock, repositories } = deps;
  const rows = importRowsOn(store);
  const write = createImportWriter(deps);
  const authorityKey = async (id: string) =>
    (
      await store.get<{ public_key: string }>('SELECT public_key FROM authorities WHERE id = $1', [
        id,
      ])
    )?.public_key;

  return {
    async importDocument(input) {
      const doc = validateProvider(input);
      const results = await prepareImportResults(doc, {
        nowMs: clock().getTime(),
        serverFormat: async (id) => (await repositories.metric(id))?.resultFormat,
        serverKey: authorityKey,
      });
      try {
        return await writeAfterEvaluating(deps, {
          predict: (nowMs) => predictImportEvaluations(doc, results, { rows, repositories }, nowMs),
          write: (tx, outcomeOf, nowMs) => write({ tx, doc, results, outcomeOf, nowMs }),
        });
      } catch (error) {
        throw conflictOf(error);
      }
    },
  };
}

/** A constraint the document breaks is the document's problem: nothing was imported. */
function conflictOf(error: unknown): unknown {
  if (error instanceof SqlConstraintError) {
    const message = error.message;
    return new AppError(
      'CTP_PROVIDER_INVALID',
      `The provider data conflicts with the server's data (${message}); nothing was imported.`,
    );
  }
  return error;
}
