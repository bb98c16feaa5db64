import type { CallName } from '../../shared/api';
import type { ApiHandlers } from './dispatcher';

/**
 * What every area's factory returns (DESIGN "Modules"): its services, for other modules
 * and the CLI; the contract calls it answers, merged by the composition root; and how to
 * release what it holds. Databases are opened and closed by whoever builds the module.
 */
export interface CoreModule<Services, Calls extends CallName = never> {
  readonly services: Services;
  readonly handlers: Pick<ApiHandlers, Calls>;
  dispose(): void | Promise<void>;
}
