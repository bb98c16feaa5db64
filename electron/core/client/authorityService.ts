/**
 * Result-signing authorities in the app and `vendor authority`: the trusted keys and CAs
 * (authorities.ts), and after each change every kept result of every vendor verified
 * again, so that signature statuses follow what the auditor trusts now.
 */
import type {
  AuthoritiesChange,
  AuthorityAddRequest,
  AuthorityEntry,
} from '../../../shared/client';
import { addAuthority, authoritiesPath, listAuthorities, removeAuthority } from './authorities';
import type { SyncRunner } from './syncRunner';
import type { VendorsRepository } from './vendorsRepository';

export interface AuthorityService {
  list(): AuthorityEntry[];
  add(request: AuthorityAddRequest): Promise<AuthoritiesChange>;
  remove(request: { kind: 'key' | 'ca'; id: string }): Promise<AuthoritiesChange>;
}

export function createAuthorityService(deps: {
  dataDir: string;
  repository: VendorsRepository;
  runner: SyncRunner;
}): AuthorityService {
  const path = authoritiesPath(deps.dataDir);
  const recheckAll = async (): Promise<AuthoritiesChange> => {
    let rechecked = 0;
    for (const vendor of deps.repository.list()) {
      rechecked += (await deps.runner.recheck(vendor, true)).signatures;
    }
    return { authorities: listAuthorities(path), rechecked };
  };
  return {
    list: () => listAuthorities(path),
    add(request) {
      addAuthority(path, request);
      return recheckAll();
    },
    remove(request) {
      removeAuthority(path, request);
      return recheckAll();
    },
  };
}
