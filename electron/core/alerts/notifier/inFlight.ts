/**
 * The notifier's stanzas sent and not yet acknowledged (XEP-0198): an acknowledged row is
 * marked sent, a failed one goes back to the queue, and all of them go back when the
 * stream closes (delivery is at least once, see notifier.ts).
 */
import type { Element } from '../xmpp/xmppSession';
import type { NotifierDependencies } from './notifier';

export interface InFlight {
  readonly size: number;
  track(stanzaId: string, seq: number): void;
  /** The server acknowledged the stanza: its row is marked sent. */
  acked(stanza: Element): void;
  /** The stream closed before the server acknowledged the stanza. */
  failed(stanza: Element): void;
  /** Rows sent but not acknowledged go back to the queue, to be sent again. */
  giveBack(reason: string): Promise<void>;
}

/** `onSent` runs after acknowledged rows were marked sent. */
export function createInFlight(
  deps: Pick<NotifierDependencies, 'outbox' | 'clock' | 'log'>,
  onSent: () => void,
): InFlight {
  const inFlight = new Map<string, number>();
  const take = (stanza: Element): number | undefined => {
    const seq = inFlight.get(stanza.attrs.id ?? '');
    if (seq !== undefined) inFlight.delete(stanza.attrs.id!);
    return seq;
  };

  // Acknowledgements are marked sent once per turn of the event loop, in one call.
  const pendingAcks: number[] = [];
  let flushScheduled = false;
  const flushAcks = (): void => {
    flushScheduled = false;
    const seqs = pendingAcks.splice(0);
    deps.outbox
      .markSent(seqs, deps.clock().toISOString())
      .then(onSent, (error: unknown) =>
        deps.log.warn({ err: String(error) }, 'marking outbox rows sent failed'),
      );
  };

  return {
    get size() {
      return inFlight.size;
    },
    track(stanzaId, seq) {
      inFlight.set(stanzaId, seq);
    },
    acked(stanza) {
      const seq = take(stanza);
      if (seq === undefined) return;
      pendingAcks.push(seq);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAcks);
      }
    },
    failed(stanza) {
      const seq = take(stanza);
      if (seq === undefined) return;
      void deps.outbox.release(
        [seq],
        'the connection closed before the server acknowledged the message',
      );
    },
    async giveBack(reason) {
      const seqs = [...inFlight.values()];
      inFlight.clear();
      await deps.outbox.release(seqs, reason);
    },
  };
}
