/**
 * The stanzas of the catch-up from the server's message archive (XEP-0313 Message Archive
 * Management, `urn:xmpp:mam:2`, paged with XEP-0059 RSM), and how an incoming message's
 * body, sender and stable id are read (pure).
 */
import type { Element } from '../xmpp/xmppSession';

import { xml } from '../xmpp/xmppConnection';

export const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';
const NS_STANZA_ID = 'urn:xmpp:sid:0';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** One page of the archive after `after` (an archive id), or from `start` the first time. */
export function archiveQuery(options: {
  queryId: string;
  after: string | null;
  start: string | null;
  max: number;
}): Element {
  const fields = [
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
    options.after === null && options.start !== null
      ? xml('field', { var: 'start' }, xml('value', {}, options.start))
      : null,
  ];
  return xml(
    'iq',
    { type: 'set' },
    xml(
      'query',
      { xmlns: NS_MAM, queryid: options.queryId },
      xml('x', { xmlns: NS_DATA, type: 'submit' }, ...fields),
      xml(
        'set',
        { xmlns: NS_RSM },
        xml('max', {}, String(options.max)),
        options.after === null ? null : xml('after', {}, options.after),
      ),
    ),
  );
}

/** The end of a page (`<fin complete last>`). */
export function readFin(answer: Element): { complete: boolean; last: string | null } {
  const fin = answer.getChild('fin', NS_MAM);
  return {
    complete: fin?.attrs.complete === 'true',
    last: fin?.getChild('set', NS_RSM)?.getChildText('last') ?? null,
  };
}

/**
 * An archived message of our query: only from our own account's archive (no `from`, or our
 * bare JID: XEP-0313 §5.1.1, anyone else could forge results), with its archive id and time.
 */
export function readArchiveResult(
  stanza: Element,
  queryId: string,
  ownBareJid: string,
): { archiveId: string; message: Element; stamp: string | null } | null {
  const result = stanza.getChild('result', NS_MAM);
  if (result === undefined || result.attrs.queryid !== queryId) return null;
  const from = stanza.attrs.from;
  if (from !== undefined && bareOf(from) !== ownBareJid) return null;
  const forwarded = result.getChild('forwarded', NS_FORWARD);
  const message = forwarded?.getChild('message');
  const archiveId = result.attrs.id;
  if (message === undefined || archiveId === undefined) return null;
  return { archiveId, message, stamp: forwarded?.getChild('delay', NS_DELAY)?.attrs.stamp ?? null };
}

/** True for an archive result stanza (handled by the catch-up, not as a live message). */
export function isArchiveResult(stanza: Element): boolean {
  return stanza.getChild('result', NS_MAM) !== undefined;
}

/** A message that may carry an alert: chat or normal, with a body, not from ourselves. */
export function readIncoming(
  message: Element,
  ownBareJid: string,
): { body: string; sender: string | null; messageId: string | null } | null {
  if (message.name !== 'message') return null;
  const type = message.attrs.type ?? 'normal';
  if (type !== 'chat' && type !== 'normal') return null;
  const body = message.getChildText('body');
  if (body === null) return null;
  const sender = message.attrs.from === undefined ? null : bareOf(message.attrs.from);
  if (sender === ownBareJid) return null;
  // XEP-0359: only our own server's stanza-id is trusted to be unique.
  const stanzaId = message
    .getChildren('stanza-id', NS_STANZA_ID)
    .find((child) => child.attrs.by !== undefined && bareOf(child.attrs.by) === ownBareJid)
    ?.attrs.id;
  return { body, sender, messageId: bounded(stanzaId ?? message.attrs.id ?? null) };
}

function bounded(id: string | null): string | null {
  return id === null || id.length > 256 ? null : id;
}

function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return (slash < 0 ? jid : jid.slice(0, slash)).toLowerCase().slice(0, 3072);
}
