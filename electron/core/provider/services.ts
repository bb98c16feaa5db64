import type { SqlStore } from '../store/sqlStore';
import { createAccounts, type Accounts } from './accounts';
import { createAdminService, type AdminService } from './adminService';
import { createConditionEvaluator, type ConditionEvaluator } from './conditionEvaluator';
import { createProviderImporter, type ProviderImporter } from './providerImport';
import { createPublisher, type Publisher } from './publisher';
import { readsOn, type CtpRepositories } from './repositories';
import {
  createServerCountsRepository,
  type ServerCountsRepository,
} from './serverCountsRepository';
import { triggerEvaluation } from './triggerEvaluation';
import { createTriggerService, type TriggerService } from './triggerService';

/**
 * What the embedded CTP server publishes (server.db, or PostgreSQL shared by several
 * `serve` processes), for the CTP and admin APIs and the CLI.
 */
export interface ProviderServices {
  clock: () => Date;
  /** The provider store: its data version keys the response cache, its ping the health check. */
  store: SqlStore;
  repositories: CtpRepositories;
  counts: ServerCountsRepository;
  accounts: Accounts;
  publisher: Publisher;
  triggers: TriggerService;
  importer: ProviderImporter;
  admin: AdminService;
}

/**
 * Builds the provider's services over one open provider store, each given its
 * collaborators. `conditions` evaluates objectives and triggers (default: on this thread,
 * in slices).
 */
export function createProviderServices(deps: {
  store: SqlStore;
  clock: () => Date;
  conditions?: ConditionEvaluator;
}): ProviderServices {
  const { store, clock } = deps;
  const repositories = readsOn(store);
  const conditions = deps.conditions ?? createConditionEvaluator();
  const accounts = createAccounts(store, clock);
  const shared = { store, clock, conditions, repositories, evaluation: triggerEvaluation };
  return {
    clock,
    store,
    repositories,
    counts: createServerCountsRepository(store),
    accounts,
    publisher: createPublisher(shared),
    triggers: createTriggerService(shared),
    importer: createProviderImporter({ ...shared, accounts }),
    admin: createAdminService(shared),
  };
}
