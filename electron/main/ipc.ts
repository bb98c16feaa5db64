import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';

import { EVENT_NAMES } from '../../shared/api';
import { AppError, serializeError } from '../../shared/errors';
import { CALL_CHANNEL, EVENT_CHANNEL, type CallEnvelope } from '../../shared/ipc';
import type { Dispatcher } from '../core/dispatcher';
import type { EventBus } from '../core/events';
import { isAppUrl } from './hardening';

export interface IpcDependencies {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatcher: Dispatcher;
  events: EventBus;
  /** The URL of the app's page; calls from any other frame are refused. */
  appUrl: string;
  /** The windows that receive events. */
  targets: () => WebContents[];
  onError: (error: unknown) => void;
}

/**
 * The only place that touches ipcMain. Every call is checked twice before it reaches
 * core: the sender must be the top frame of the app's own page (not an iframe, not a page
 * it navigated to), and the dispatcher validates the call name and argument against the
 * contract. Returns a function that removes the handler and the event forwarding.
 */
export function registerIpc(deps: IpcDependencies): () => void {
  deps.ipcMain.handle(
    CALL_CHANNEL,
    async (event: IpcMainInvokeEvent, name: unknown, argument: unknown) => {
      try {
        if (!isTrustedSender(event, deps.appUrl)) {
          throw new AppError(
            'APP_FORBIDDEN_SENDER',
            'This call came from a frame that is not the app.',
          );
        }
        const result = await deps.dispatcher.dispatch(name, argument);
        return { ok: true, result } satisfies CallEnvelope;
      } catch (error) {
        if (!(error instanceof AppError) || !error.expected) deps.onError(error);
        return { ok: false, error: serializeError(error) } satisfies CallEnvelope;
      }
    },
  );
  const unsubscribe = deps.events.subscribe((message) => {
    if (!EVENT_NAMES.includes(message.name)) return;
    for (const contents of deps.targets()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, message);
    }
  });
  return () => {
    deps.ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribe();
  };
}

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  appUrl: string,
): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false;
  return frame.parent === null && isAppUrl(frame.url, appUrl);
}
