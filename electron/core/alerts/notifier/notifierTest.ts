/**
 * `server notifier test JID`: one plain message from the notifier's account, so that a
 * provider can check the account, the server and the recipient before customers rely on
 * them. It succeeds when the server acknowledged the message (XEP-0198) and refused
 * nothing before answering a ping sent after it (a server handles a session's stanzas in
 * order, so a local refusal, such as an unknown user, comes back first).
 */
import { randomBytes } from 'node:crypto';

import type { NotifierTestOutcome } from '../../../../shared/alertsApi';
import { parseJid, parseXmppUri } from '../../../../shared/ctp/xmppUri';
import { AppError } from '../../../../shared/errors';
import type { SecretStore } from '../../client/secretStore';
import { xml } from '../xmpp/xmppConnection';
import {
  describeXmppError,
  type Connect,
  type Element,
  type XmppConnection,
} from '../xmpp/xmppSession';
import { readRefusal } from './notificationStanzas';
import {
  connectionOptions,
  NOTIFIER_PASSWORD_KEY,
  type AccountSettingsRepository,
} from '../xmpp/accountSettings';

export async function sendTestNotification(
  deps: {
    settings: AccountSettingsRepository;
    secrets: SecretStore;
    clock: () => Date;
    connect: Connect;
  },
  recipient: string,
): Promise<NotifierTestOutcome> {
  const target = /^xmpp:/i.test(recipient) ? parseXmppUri(recipient) : parseJid(recipient);
  if (!target.ok) throw new AppError('ALERTS_ACCOUNT_INVALID', `${target.reason}.`);
  const settings = await deps.settings.get();
  const account =
    settings === null ? null : connectionOptions(settings, deps.secrets, NOTIFIER_PASSWORD_KEY);
  if (settings === null || account === null) {
    throw new AppError(
      'ALERTS_NOT_CONFIGURED',
      'No notifier account is set: run `server notifier set JID --password-file F` first.',
    );
  }
  const connection = await deps.connect(account);
  try {
    await connection.start().catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'ALERTS_XMPP_FAILED',
        `Cannot log in as ${settings.jid}: ${describeXmppError(error)}.`,
      );
    });
    const id = `ta-test-${randomBytes(6).toString('hex')}`;
    const watched = watch(connection, id);
    await connection.send(
      xml(
        'message',
        { to: target.address.jid, type: 'chat', id },
        xml(
          'body',
          {},
          `Trust Auditor notifier test from ${settings.jid} at ${deps.clock().toISOString()}.`,
        ),
      ),
    );
    // XEP-0199 to our own server: its answer comes after anything it did with the message.
    await connection.iq(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    const refusal = watched.refusal();
    if (refusal !== null) {
      throw new AppError(
        'ALERTS_NOTIFICATION_REFUSED',
        `The message to ${target.address.jid} was refused: ${refusal}.`,
      );
    }
    const acknowledged = await watched.acknowledged(5_000);
    return { from: settings.jid, to: target.address.jid, acknowledged };
  } finally {
    await connection.stop();
  }
}

/** Follows the acknowledgement and any refusal of one stanza. */
function watch(connection: XmppConnection, id: string) {
  let refused: string | null = null;
  let acked = false;
  let onAck: (() => void) | null = null;
  connection.on('stanza', (stanza: Element) => {
    if (stanza.attrs.id !== id) return;
    const refusal = readRefusal(stanza);
    if (refusal !== null) refused = refusal.reason;
  });
  connection.on('ack', (stanza: Element) => {
    if (stanza.attrs.id !== id) return;
    acked = true;
    onAck?.();
  });
  return {
    refusal: () => refused,
    acknowledged(timeoutMs: number): Promise<boolean> {
      if (acked) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        onAck = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
  };
}
