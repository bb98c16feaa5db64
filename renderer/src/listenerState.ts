/** How the alerts listener's connection reads on a badge (the Alerts and Settings pages). */
import type { ListenerStatus } from '../../shared/alerts';

export interface ListenerBadge {
  tone: 'success' | 'danger' | 'neutral';
  label: string;
}

/** The badge of a listener with an account, or null without one. */
export function listenerBadge(status: ListenerStatus | null): ListenerBadge | null {
  if (status === null || status.account === null) return null;
  const { jid } = status.account;
  switch (status.state) {
    case 'online':
      return { tone: 'success', label: `Listening as ${jid}` };
    case 'failed':
      return { tone: 'danger', label: `Cannot log in as ${jid}` };
    case 'connecting':
      return { tone: 'neutral', label: `Connecting as ${jid}…` };
    default:
      return { tone: 'neutral', label: `${jid} (not listening here)` };
  }
}
