import type { SqliteDatabase } from '../store/database';
import { createAccounts, type Accounts } from './accounts';
import { createAdminService, type AdminService } from './adminService';
import { createConditionCache } from './evaluation';
import { createProviderImporter, type ProviderImporter } from './providerImport';
import { createPublisher, type Publisher } from './publisher';
import { createCtpRepositories, type CtpRepositories } from './repositories';
import { createTriggerService, type TriggerService } from './triggerService';

/** Everything the CTP and admin APIs need, over one server.db. */
export interface CtpServices {
  db: SqliteDatabase;
  clock: () => Date;
  repositories: CtpRepositories;
  accounts: Accounts;
  publisher: Publisher;
  triggers: TriggerService;
  importer: ProviderImporter;
  admin: AdminService;
}

export function createCtpServices(deps: { db: SqliteDatabase; clock: () => Date }): CtpServices {
  const { db, clock } = deps;
  const repositories = createCtpRepositories(db);
  const conditions = createConditionCache();
  const publisher = createPublisher({ db, clock, conditions, repositories });
  return {
    db,
    clock,
    repositories,
    accounts: createAccounts(db, clock),
    publisher,
    triggers: createTriggerService({ db, clock, repositories, publisher }),
    importer: createProviderImporter({ db, clock, publisher }),
    admin: createAdminService({ db, clock, repositories, publisher }),
  };
}
