import { describe, expect, it } from 'vitest';

import { xml } from '@xmpp/client-core';

import {
  archiveQuery,
  readArchiveResult,
  readFin,
  readIncoming,
} from '../../../../../electron/core/alerts/listener/archiveStanzas';
import {
  logIdOfStanzaId,
  notificationStanzaId,
  readRefusal,
} from '../../../../../electron/core/alerts/notifier/notificationStanzas';
import { ownerIsGone } from '../../../../../electron/core/alerts/notifier/notifier';
import { hostname } from 'node:os';

const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const bounce = (type: string | undefined, condition: string, text?: string) =>
  xml(
    'message',
    { type: 'error', id: 'ctp-log-abc' },
    xml(
      'error',
      type === undefined ? {} : { type },
      xml(condition, { xmlns: STANZAS }),
      text ? xml('text', { xmlns: STANZAS }, text) : null,
    ),
  );

describe('notification stanzas (pure)', () => {
  it('names a log entry in a stable stanza id', () => {
    expect(notificationStanzaId('abc')).toBe('ctp-log-abc');
    expect(logIdOfStanzaId('ctp-log-abc')).toBe('abc');
    expect(logIdOfStanzaId('other')).toBeNull();
    expect(logIdOfStanzaId(undefined)).toBeNull();
  });

  it.each([
    ['cancel', 'service-unavailable', false],
    ['auth', 'forbidden', false],
    ['modify', 'policy-violation', false],
    ['wait', 'resource-constraint', true],
    [undefined, 'item-not-found', false],
  ])('reads a %s refusal (%s): retry %s', (type, condition, retry) => {
    expect(readRefusal(bounce(type, condition, 'why'))).toEqual({
      retry,
      reason: `the XMPP server refused the message: ${condition} (why)`,
    });
  });

  it('ignores what is not a refusal', () => {
    expect(readRefusal(bounce('continue', 'undefined-condition'))).toBeNull();
    expect(readRefusal(xml('message', { type: 'chat' }))).toBeNull();
    expect(readRefusal(xml('iq', { type: 'error' }))).toBeNull();
  });

  it('takes over only the claims of a process gone from this host', () => {
    const alive = (pid: number) => pid === 42;
    expect(ownerIsGone(`${hostname()}:41:aa`, 'me', alive)).toBe(true);
    expect(ownerIsGone(`${hostname()}:42:aa`, 'me', alive)).toBe(false);
    expect(ownerIsGone(`${hostname()}:${process.pid}:old`, 'me', alive)).toBe(true);
    expect(ownerIsGone('other-host:41:aa', 'me', alive)).toBe(false);
    expect(ownerIsGone('me', 'me', alive)).toBe(false);
  });
});

describe('archive and incoming stanzas (XEP-0313, XEP-0359)', () => {
  const own = 'me@example.com';
  const chat = (attrs: Record<string, string>, ...children: ReturnType<typeof xml>[]) =>
    xml('message', { type: 'chat', ...attrs }, xml('body', {}, 'hello'), ...children);

  it('asks for a page after an archive id, or from a time the first time', () => {
    expect(
      archiveQuery({
        queryId: 'q',
        after: 'id9',
        start: '2026-01-01T00:00:00Z',
        max: 50,
      }).toString(),
    ).toContain('<after>id9</after>');
    const first = archiveQuery({
      queryId: 'q',
      after: null,
      start: '2026-01-01T00:00:00Z',
      max: 50,
    }).toString();
    expect(first).toContain('<field var="start"><value>2026-01-01T00:00:00Z</value></field>');
    expect(first).toContain('<max>50</max>');
    const fin = xml(
      'iq',
      { type: 'result' },
      xml(
        'fin',
        { xmlns: 'urn:xmpp:mam:2', complete: 'true' },
        xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('last', {}, 'id12')),
      ),
    );
    expect(readFin(fin)).toEqual({ complete: true, last: 'id12' });
  });

  it('accepts archive results of our query from our own archive only', () => {
    const result = (from: string | undefined, queryId = 'q') =>
      xml(
        'message',
        from === undefined ? {} : { from },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', queryid: queryId, id: 'a1' },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-01-01T00:00:00Z' }),
            chat({ from: 'v@x/r' }),
          ),
        ),
      );
    expect(readArchiveResult(result(undefined), 'q', own)).toMatchObject({
      archiveId: 'a1',
      stamp: '2026-01-01T00:00:00Z',
    });
    expect(readArchiveResult(result('me@example.com'), 'q', own)).not.toBeNull();
    expect(readArchiveResult(result('mallory@evil.example'), 'q', own)).toBeNull();
    expect(readArchiveResult(result(undefined, 'other'), 'q', own)).toBeNull();
  });

  it('reads a chat or normal message with a body, trusting only our server’s stanza-id', () => {
    const sid = (by: string, id: string) => xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by, id });
    expect(readIncoming(chat({ from: 'V@X.example/res', id: 'm1' }), own)).toEqual({
      body: 'hello',
      sender: 'v@x.example',
      messageId: 'm1',
    });
    expect(
      readIncoming(
        chat({ from: 'v@x/r', id: 'm1' }, sid('evil@x', 'forged'), sid(own, 'real')),
        own,
      )?.messageId,
    ).toBe('real');
    expect(readIncoming(chat({ from: `${own}/other` }), own)).toBeNull();
    expect(
      readIncoming(xml('message', { type: 'groupchat' }, xml('body', {}, 'x')), own),
    ).toBeNull();
    expect(readIncoming(xml('message', { type: 'error' }, xml('body', {}, 'x')), own)).toBeNull();
    expect(readIncoming(xml('message', { type: 'chat' }), own)).toBeNull();
    expect(readIncoming(chat({ id: 'x'.repeat(300) }), own)?.messageId).toBeNull();
  });
});
