import { describe, expect, it } from 'vitest';

import { parseJid, parseXmppUri, xmppUriOf } from '../../../../shared/ctp/xmppUri';

describe('XMPP URIs of trigger notifications (RFC 5122)', () => {
  it.each([
    ['xmpp:alice@example.com', 'alice@example.com', null],
    ['XMPP:alice@Example.COM', 'alice@example.com', null],
    ['xmpp:alice@example.com/phone', 'alice@example.com/phone', 'phone'],
    ['xmpp:alice@example.com?message;body=hi', 'alice@example.com', null],
    ['xmpp:alice@example.com#frag', 'alice@example.com', null],
    ['xmpp://me@my.example/alice@example.com', 'alice@example.com', null],
    ['xmpp:d%C3%A9j%C3%A0@example.com', 'déjà@example.com', null],
    ['xmpp:alice@example.com/a%20b', 'alice@example.com/a b', 'a b'],
    ['xmpp:alice@127.0.0.1', 'alice@127.0.0.1', null],
  ])('%s → %s', (uri, jid, resource) => {
    const parsed = parseXmppUri(uri);
    expect(parsed.ok && parsed.address.jid).toBe(jid);
    expect(parsed.ok && parsed.address.resource).toBe(resource);
  });

  it.each([
    ['mailto:alice@example.com', /does not start with "xmpp:"/],
    ['xmpp:example.com', /no node/],
    ['xmpp:example.com/alice@x', /no node/],
    ['xmpp://me@my.example', /only an account/],
    ['xmpp:al ice@example.com', /characters RFC 5122 does not allow/],
    ['xmpp:a%2Fb@example.com', /not a valid XMPP localpart/],
    ['xmpp:%FF@example.com', /not a valid XMPP localpart/],
    ['xmpp:alice@exa_mple.com', /not a server name/],
    ['xmpp:alice@example.com/%00', /not a valid XMPP resourcepart/],
    [`xmpp:${'a'.repeat(1024)}@example.com`, /not a valid XMPP localpart/],
    [`xmpp:${'a'.repeat(4000)}`, /longer than 3072/],
  ])('refuses %s', (uri, reason) => {
    const parsed = parseXmppUri(uri);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('turns a JID as typed into the URI a trigger carries, and back', () => {
    expect(xmppUriOf('alice@example.com')).toBe('xmpp:alice@example.com');
    expect(xmppUriOf('déjà@example.com/my phone')).toBe(
      'xmpp:d%C3%A9j%C3%A0@example.com/my%20phone',
    );
    expect(xmppUriOf('two words@example.com')).toBeNull();
    expect(xmppUriOf('no-at-sign')).toBeNull();
    expect(parseJid('Alice@Example.com').ok).toBe(true);
    expect(parseJid('nobody').ok).toBe(false);
  });
});
