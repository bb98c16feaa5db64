import {
  argumentValidator,
  isCallName,
  type CallArgument,
  type CallName,
  type CallResult,
} from '../../shared/api';
import { AppError } from '../../shared/errors';

/** Core's implementation of every call of the contract. */
export type ApiHandlers = {
  [N in CallName]: (argument: CallArgument<N>) => Promise<CallResult<N>>;
};

/** One entry point for both transports (Electron IPC and HTTP RPC). */
export interface Dispatcher {
  /**
   * Runs a call by its wire name with an untrusted argument: unknown names are
   * APP_UNKNOWN_CALL, arguments are validated by the contract's validator before any
   * handler sees them.
   */
  dispatch(name: unknown, argument: unknown): Promise<unknown>;
}

export function createDispatcher(handlers: ApiHandlers, isDisposed: () => boolean): Dispatcher {
  return {
    async dispatch(name, argument) {
      if (!isCallName(name)) {
        throw new AppError(
          'APP_UNKNOWN_CALL',
          `There is no call named ${JSON.stringify(String(name)).slice(0, 120)}.`,
        );
      }
      if (isDisposed()) throw new AppError('APP_DISPOSED', 'Trust Auditor is shutting down.');
      const validated = argumentValidator(name)(argument);
      const handler = handlers[name] as (argument: unknown) => Promise<unknown>;
      return handler(validated);
    },
  };
}
