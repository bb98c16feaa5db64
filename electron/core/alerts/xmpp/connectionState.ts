import type { ConnectionState } from '../../../../shared/alerts';
import type { XmppConnection } from './xmppSession';

/** The state the app shows for a connection: none is stopped, an offline one is reconnecting. */
export function shownConnectionState(connection: XmppConnection | null): ConnectionState {
  if (connection === null) return 'stopped';
  return connection.state === 'offline' ? 'connecting' : connection.state;
}
