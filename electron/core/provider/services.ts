import type { SqliteDatabase } from '../store/database';
import { createAccounts, type Accounts } from './accounts';
import { createAdminService, type AdminService } from './adminService';
import { createConditionCache } from './evaluation';
import { createProviderImporter, type ProviderImporter } from './providerImport';
import { createPublisher, type Publisher } from './publisher';
import { createCtpRepositories, type CtpRepositories } from './repositories';
import {
  createServerCountsRepository,
  type ServerCountsRepository,
} from './serverCountsRepository';
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

/** Builds the provider's services over one open server.db, each given its collaborators. */
export function createProviderServices(deps: {
  db: SqliteDatabase;
  clock: () => Date;
}): ProviderServices {
  const { db, clock } = deps;
  const repositories = createCtpRepositories(db);
  const conditions = createConditionCache();
  const accounts = createAccounts(db, clock);
  const publisher = createPublisher({ db, clock, conditions, repositories });
  return {
    clock,
    repositories,
    counts: createServerCountsRepository(db),
    accounts,
    publisher,
    triggers: createTriggerService({ db, clock, repositories, publisher }),
    importer: createProviderImporter({ db, clock, publisher, repositories, accounts }),
    admin: createAdminService({ db, clock, repositories, publisher }),
  };
}
