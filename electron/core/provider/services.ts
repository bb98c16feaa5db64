import type { SqliteDatabase } from '../store/database';
import { createAccounts, type Accounts } from './accounts';
import { createAdminService, type AdminService } from './adminService';
import { createConditionEvaluator, type ConditionEvaluator } from './conditionEvaluator';
import { createProviderImporter, type ProviderImporter } from './providerImport';
import { createPublisher, type Publisher } from './publisher';
import { createCtpRepositories, type CtpRepositories } from './repositories';
import {
  createServerCountsRepository,
  type ServerCountsRepository,
} from './serverCountsRepository';
import { createTriggerEvaluation } from './triggerEvaluation';
import { createTriggerService, type TriggerService } from './triggerService';

/** What the embedded CTP server publishes (server.db), for the CTP and admin APIs and the CLI. */
export interface ProviderServices {
  clock: () => Date;
  repositories: CtpRepositories;
  counts: ServerCountsRepository;
  accounts: Accounts;
  publisher: Publisher;
  triggers: TriggerService;
  importer: ProviderImporter;
  admin: AdminService;
}

/**
 * Builds the provider's services over one open server.db, each given its collaborators.
 * `conditions` evaluates objectives and triggers (default: on this thread, in slices).
 */
export function createProviderServices(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  conditions?: ConditionEvaluator;
}): ProviderServices {
  const { db, clock } = deps;
  const repositories = createCtpRepositories(db);
  const conditions = deps.conditions ?? createConditionEvaluator();
  const accounts = createAccounts(db, clock);
  const evaluation = createTriggerEvaluation(db);
  const shared = { db, clock, conditions, repositories, evaluation };
  return {
    clock,
    repositories,
    counts: createServerCountsRepository(db),
    accounts,
    publisher: createPublisher(shared),
    triggers: createTriggerService(shared),
    importer: createProviderImporter({ ...shared, accounts }),
    admin: createAdminService(shared),
  };
}
