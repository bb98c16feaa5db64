/**
 * Rules and import records in auditor.db (migration 0001_bundles.sql): the importer's
 * writes (ruleWriter.ts) and the app's reads (ruleReader.ts) over one database.
 */
import type { SqliteDatabase } from '../../store/database';
import type { RuleReader } from './ruleReader';
import { createRuleReader } from './ruleReader';
import type { RuleWriter } from './ruleWriter';
import { createRuleWriter } from './ruleWriter';

export interface RulesRepository extends RuleWriter, RuleReader {
  /** Runs `work` in one transaction (nested calls join it). */
  transaction<T>(work: () => T): T;
}

export function createRulesRepository(db: SqliteDatabase): RulesRepository {
  return {
    transaction: (work) => db.transaction(work)(),
    ...createRuleWriter(db),
    ...createRuleReader(db),
  };
}
