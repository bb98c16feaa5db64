import { describe, expectTypeOf, it } from 'vitest';

import type {
  API_DESCRIPTION,
  AppInfo,
  AuditorApi,
  buildApi,
  CallArgument,
  CallName,
  CallResult,
  EventName,
  EventPayload,
  ServerStatus,
} from '../../shared/api';
import type { ApiHandlers } from '../../electron/core/dispatcher';

describe('the contract and its runtime description agree', () => {
  it('names the same calls and events', () => {
    type Described = {
      [S in keyof typeof API_DESCRIPTION]:
        | `${S}.${keyof (typeof API_DESCRIPTION)[S]['calls'] & string}`
        | `${S}.${(typeof API_DESCRIPTION)[S]['events'][number]}`;
    }[keyof typeof API_DESCRIPTION];
    expectTypeOf<Described>().toEqualTypeOf<CallName | EventName>();
    expectTypeOf<keyof typeof API_DESCRIPTION>().toEqualTypeOf<keyof AuditorApi>();
  });

  it('derives argument, result and payload types from the interfaces', () => {
    expectTypeOf<CallResult<'app.info'>>().toEqualTypeOf<AppInfo>();
    expectTypeOf<CallResult<'server.status'>>().toEqualTypeOf<ServerStatus>();
    expectTypeOf<CallArgument<'server.status'>>().toEqualTypeOf<undefined>();
    expectTypeOf<EventPayload<'server.onDidChangeStatus'>>().toEqualTypeOf<ServerStatus>();
  });

  it('both transports (preload and HTTP RPC) produce the contract through buildApi', () => {
    expectTypeOf<ReturnType<typeof buildApi>>().toEqualTypeOf<AuditorApi>();
  });

  it('core implements every call', () => {
    expectTypeOf<keyof ApiHandlers>().toEqualTypeOf<CallName>();
    expectTypeOf<ReturnType<ApiHandlers['server.status']>>().toEqualTypeOf<Promise<ServerStatus>>();
  });
});
