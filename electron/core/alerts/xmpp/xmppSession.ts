/**
 * What the rest of alerts knows of an XMPP connection: its options, its events and calls,
 * and how its errors read. No runtime import of xmpp.js here: the adapter
 * (xmppConnection.ts) is loaded only by the code that connects.
 */
import type { Element } from '@xmpp/client-core';

import { AppError } from '../../../../shared/errors';

export type { Element };

export interface XmppAccountOptions {
  /** The account's JID (`name@server`). */
  jid: string;
  password: string;
  /** `xmpp://HOST:PORT` (STARTTLS) or `xmpps://HOST:PORT` (direct TLS); null: the JID's domain, port 5222. */
  service: string | null;
  /** PEM CA bundle for the server's certificate; null: the system CAs. */
  caPem: string | null;
  /** The resource to bind (a random one by default: two processes never collide). */
  resource?: string;
}

export type XmppState = 'connecting' | 'online' | 'offline' | 'failed';

export interface XmppEvents {
  /** Online: a new session (`resumed` false) or a resumed one (XEP-0198). */
  online(resumed: boolean): void;
  /** The stream went away; a reconnection is scheduled unless stopped or failed. */
  offline(reason: string | null): void;
  /** Every inbound message, presence or iq not answered by the adapter itself. */
  stanza(stanza: Element): void;
  /** The server acknowledged an outbound stanza (XEP-0198 `<a h/>`). */
  ack(stanza: Element): void;
  /** An outbound stanza will never be acknowledged on this stream (it closed). */
  fail(stanza: Element): void;
  /** A problem worth logging (the connection goes on or reconnects). */
  problem(error: Error): void;
}

export interface XmppConnection {
  readonly state: XmppState;
  /** Why the last connection attempt failed, or null. */
  readonly lastError: string | null;
  /** The bound full JID while online. */
  readonly boundJid: string | null;
  /** Connects; resolves once online, rejects if the first attempt fails (then keeps trying unless it cannot work). */
  start(): Promise<void>;
  /** Closes the stream and stops reconnecting; idempotent. */
  stop(): Promise<void>;
  send(stanza: Element): Promise<void>;
  /** Sends several stanzas in one write. */
  sendMany(stanzas: Element[]): Promise<void>;
  /** An iq request with its answer (rejects on an `error` answer or after the timeout). */
  iq(stanza: Element, timeoutMs?: number): Promise<Element>;
  on<E extends keyof XmppEvents>(event: E, listener: XmppEvents[E]): void;
  off<E extends keyof XmppEvents>(event: E, listener: XmppEvents[E]): void;
}

/** Opens a connection (the adapter is loaded on first use). */
export type Connect = (options: XmppAccountOptions) => Promise<XmppConnection>;

/** Authentication refused or TLS impossible: retrying cannot help. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof AppError) return true;
  const condition = (error as { condition?: unknown } | null)?.condition;
  return (
    condition === 'not-authorized' ||
    condition === 'account-disabled' ||
    condition === 'credentials-expired' ||
    condition === 'invalid-mechanism' ||
    /certificate|self[- ]signed|CERT_|unable to verify/i.test(String((error as Error)?.message))
  );
}

/** A short, single-line reason for the UI and the CLI (never a stack). */
export function describeXmppError(error: unknown): string {
  const condition = (error as { condition?: unknown } | null)?.condition;
  const text = (error as { text?: unknown } | null)?.text;
  const message = error instanceof Error ? error.message : String(error);
  const parts = [
    typeof condition === 'string' ? condition : null,
    typeof text === 'string' && text !== '' ? text : null,
  ];
  const described = parts.filter((part): part is string => part !== null).join(': ') || message;
  return described.replace(/\s+/g, ' ').slice(0, 300);
}
