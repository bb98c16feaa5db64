import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import { buildApi, isEventName, type EventMessage } from '../../shared/api';
import { CALL_CHANNEL, EVENT_CHANNEL, type CallEnvelope } from '../../shared/ipc';

// window.auditor exposes exactly the contract's named functions: no ipcRenderer, no
// generic invoke(channel), so a compromised page can reach nothing else.
contextBridge.exposeInMainWorld(
  'auditor',
  buildApi({
    async call(name, argument) {
      const envelope = (await ipcRenderer.invoke(CALL_CHANNEL, name, argument)) as CallEnvelope;
      if (envelope.ok) return envelope.result;
      // Reject with the plain serialized error: the context bridge would strip an Error
      // down to its message. The renderer rebuilds it (deserializeError).
      throw envelope.error;
    },
    subscribe(name, listener) {
      const handler = (_event: IpcRendererEvent, message: EventMessage): void => {
        if (isEventName(message?.name) && message.name === name) listener(message.payload);
      };
      ipcRenderer.on(EVENT_CHANNEL, handler);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, handler);
      };
    },
  }),
);
