import { describe, expect, it } from 'vitest';

import { AppError } from '../../../shared/errors';
import { checkBareJid, checkService } from '../../../shared/xmppAccount';

function refusal(check: () => unknown): AppError {
  try {
    check();
  } catch (error) {
    if (error instanceof AppError) return error;
  }
  throw new Error('expected an ALERTS_ACCOUNT_INVALID refusal');
}

describe('the XMPP account checks core and the form share', () => {
  it('keeps a bare JID and refuses one with a resource, naming the bare one', () => {
    expect(checkBareJid('auditor@xmpp.example')).toBe('auditor@xmpp.example');
    const error = refusal(() => checkBareJid('auditor@xmpp.example/laptop'));
    expect(error.code).toBe('ALERTS_ACCOUNT_INVALID');
    expect(error.message).toBe(
      'Give the account\'s bare JID (auditor@xmpp.example), without "/resource".',
    );
  });

  it('keeps a server as scheme, host and port, and names the field for app and CLI alike', () => {
    expect(checkService('xmpps://xmpp.example:5223/')).toBe('xmpps://xmpp.example:5223');
    expect(refusal(() => checkService('https://xmpp.example')).message).toBe(
      'The XMPP server (--service) must start with xmpp:// (STARTTLS) or xmpps:// (direct TLS); got https:.',
    );
    expect(refusal(() => checkService('xmpp://xmpp.example/path', 'The server')).message).toBe(
      'The server is only a scheme, a host and a port (xmpp://HOST:PORT).',
    );
  });
});
