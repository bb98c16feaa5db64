import { AppError } from '../../../shared/errors';
import type { ImportedResource, ImportPhase } from '../../../shared/serverConsole';
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

/** How the console runs an import: for real or as a dry run, told each step. */
export interface ImportRunOptions {
  /** Runs every step, the writes included, then rolls them back. */
  dryRun: boolean;
  /** Called as each step begins (`read` is the caller's). */
  onPhase?: ((phase: Exclude<ImportPhase, 'read'>) => void) | undefined;
}

/** An import's outcome, resource by resource, in document order. */
export interface ImportRun {
  summary: ImportSummary;
  resources: ImportedResource[];
}

export interface ProviderImporter {
  /** Validates, then imports in one transaction (all or nothing). */
  importDocument(input: unknown): Promise<ImportSummary>;
  /**
   * The same import, or its dry run: the very same validation, evaluations and writes, in
   * a transaction rolled back at the end, so it says exactly what the import would do.
   */
  runImport(input: unknown, options: ImportRunOptions): Promise<ImportRun>;
}

/** Carries a dry run's outcome out of its transaction, which rolls it back. */
class DryRunRollback extends Error {
  constructor(readonly outcome: ImportRun) {
    super('dry run');
  }
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

  const runImport = async (input: unknown, options: ImportRunOptions): Promise<ImportRun> => {
    options.onPhase?.('validate');
    const doc = validateProvider(input);
    options.onPhase?.('results');
    const results = await prepareImportResults(doc, {
      nowMs: clock().getTime(),
      serverFormat: async (id) => (await repositories.metric(id))?.resultFormat,
      serverKey: authorityKey,
    });
    options.onPhase?.('evaluate');
    try {
      return await writeAfterEvaluating(deps, {
        predict: (nowMs) => predictImportEvaluations(doc, results, { rows, repositories }, nowMs),
        write: async (tx, outcomeOf, nowMs) => {
          options.onPhase?.('write');
          const resources: ImportedResource[] = [];
          const onResource = (resource: ImportedResource) => resources.push(resource);
          const summary = await write({ tx, doc, results, outcomeOf, nowMs, onResource });
          if (options.dryRun) throw new DryRunRollback({ summary, resources });
          return { summary, resources };
        },
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.outcome;
      throw conflictOf(error);
    }
  };

  return {
    runImport,
    async importDocument(input) {
      return (await runImport(input, { dryRun: false })).summary;
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
