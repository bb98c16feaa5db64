/**
 * The one XMPP adapter of the app (notifier and listener): an xmpp.js 0.14 client composed
 * from its parts, because its ready-made `client()` negotiates STARTTLS without a way to
 * pass a CA (`--ca FILE`) and brings SASL2, FAST and WebSocket we do not use.
 *
 * Threats it stands against: a network attacker (TLS is required, verified against the
 * system CAs or the given CA for the JID's domain, unless the service is on loopback; PLAIN
 * is offered only inside TLS), a server that sends endless data (a stanza larger than
 * {@link MAX_INBOUND_STANZA_BYTES} closes the stream), and lost connections (stream
 * management, XEP-0198, acknowledges every stanza; reconnection with backoff and jitter).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

import { Client, jid as parseJidText, xml, type Element } from '@xmpp/client-core';
import iqCallerFactory, { type IqCaller } from '@xmpp/iq/caller.js';
import iqCalleeFactory from '@xmpp/iq/callee.js';
import middlewareFactory from '@xmpp/middleware';
import resourceBindingFactory from '@xmpp/resource-binding';
import saslFactory from '@xmpp/sasl';
import plain from '@xmpp/sasl-plain';
import scramSha1 from '@xmpp/sasl-scram-sha-1';
import { canUpgrade, upgrade } from '@xmpp/starttls/starttls.js';
import streamFeaturesFactory from '@xmpp/stream-features';
import streamManagementFactory, { type StreamManagement } from '@xmpp/stream-management';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import { Parser } from '@xmpp/xml';
import SASLFactory from 'saslmechanisms';

import { AppError } from '../../../../shared/errors';
import { backoffDelay } from '../../client/httpClient';
import {
  describeXmppError,
  isPermanent,
  type XmppAccountOptions,
  type XmppConnection,
  type XmppEvents,
  type XmppState,
} from './xmppSession';

export { xml, type Element };

/** Inbound data of one stanza at most (Prosody's own c2s default is 256 KiB). */
export const MAX_INBOUND_STANZA_BYTES = 1024 * 1024;

/** Reconnection: full jitter over 1 s doubling to 60 s, reset once online. */
const RECONNECT_BACKOFF = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SM = 'urn:xmpp:sm:3';

/** The service to connect to and whether TLS may be skipped (loopback only). */
export function resolveService(account: Pick<XmppAccountOptions, 'jid' | 'service'>): {
  service: string;
  domain: string;
  loopback: boolean;
} {
  const domain = parseJidText(account.jid).domain;
  const service = account.service ?? `xmpp://${domain}:5222`;
  const { hostname: host } = new URL(service);
  const loopback = host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  return { service, domain, loopback };
}

/** A resource unique to this process and session, so that parallel sessions never collide. */
function defaultResource(): string {
  return `trust-auditor-${hostname()
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 32)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function createXmppConnection(options: XmppAccountOptions): XmppConnection {
  const { service, domain, loopback } = resolveService(options);
  const address = parseJidText(options.jid);
  const entity = new Client({ service, domain, timeout: 10_000 });
  entity.jid = address.bare();
  entity.transports.push(...boundedTransports(options.caPem, domain));
  const middleware = middlewareFactory({ entity });
  const streamFeatures = streamFeaturesFactory({ middleware });
  const iqCaller: IqCaller = iqCallerFactory({ middleware, entity });
  iqCalleeFactory({ middleware, entity }).get('urn:xmpp:ping', 'ping', () => ({}));

  streamFeatures.use('starttls', NS_TLS, async ({ entity: connected }, next) => {
    if (!canUpgrade(connected.socket)) return next();
    const proceed = await sendReceive(connected, xml('starttls', { xmlns: NS_TLS }));
    if (!proceed.is('proceed', NS_TLS)) throw new Error('the server refused STARTTLS');
    const secured = await upgrade(connected.socket, tlsOptions(options.caPem, domain));
    connected._attachSocket(secured);
    await connected.restart();
  });
  const mechanisms = new SASLFactory();
  scramSha1(mechanisms);
  plain(mechanisms);
  saslFactory(
    { streamFeatures, saslFactory: mechanisms },
    async (authenticate, offered, _fast, connected) => {
      if (!connected.isSecure() && !loopback) {
        throw new AppError(
          'ALERTS_XMPP_TLS_REQUIRED',
          `${service} offers no TLS: the password would cross the network in clear. Use a server with STARTTLS, or xmpps://.`,
        );
      }
      // PLAIN only inside TLS (RFC 6120 §6.4.4); SCRAM-SHA-1 first.
      const mechanism = connected.isSecure()
        ? offered[0]
        : offered.find((name) => name !== 'PLAIN');
      if (mechanism === undefined) throw new Error('no usable SASL mechanism without TLS');
      await authenticate({ username: address.local, password: options.password }, mechanism);
    },
  );
  // Whether this stream offers XEP-0198 (its handler must run before the module's).
  let smOffered = false;
  entity.on('connect', () => {
    smOffered = false;
  });
  streamFeatures.use('sm', NS_SM, async (_context, next) => {
    smOffered = true;
    return next();
  });
  // Stream management before resource binding: a resumed session is not bound again.
  const sm: StreamManagement = streamManagementFactory({ streamFeatures, entity, middleware });
  // Ask for acknowledgements soon after a burst (default 250 ms), so rows are marked sent promptly.
  sm.requestAckDebounce = 20;
  resourceBindingFactory({ iqCaller, streamFeatures }, options.resource ?? defaultResource());

  return wireLifecycle({ entity, sm, iqCaller, service, smOffered: () => smOffered });
}

type Events = Pick<XmppConnection, 'on' | 'off'> & {
  emit<E extends keyof XmppEvents>(event: E, ...args: Parameters<XmppEvents[E]>): void;
};

/** The connection's own events (what its users subscribe to, apart from the library's). */
function createEvents(): Events {
  const listeners = new Map<keyof XmppEvents, Set<(...args: never[]) => void>>();
  return {
    emit(event, ...args) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        (listener as unknown as (...values: typeof args) => void)(...args);
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      set.add(listener as (...args: never[]) => void);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener as (...args: never[]) => void);
    },
  };
}

/** Resolves once online; a server that never answers `<enable/>` gets 10 s. */
function settled(events: Events, awaitingSm: () => boolean, goOnline: () => void): Promise<void> {
  return new Promise((resolve) => {
    const timeout = setTimeout(() => {
      if (awaitingSm()) goOnline();
    }, 10_000);
    const done = (): void => {
      clearTimeout(timeout);
      events.off('online', done);
      resolve();
    };
    events.on('online', done);
  });
}

function wireLifecycle(parts: {
  entity: Client;
  sm: StreamManagement;
  iqCaller: IqCaller;
  service: string;
  smOffered: () => boolean;
}): XmppConnection {
  const { entity, sm, iqCaller } = parts;
  const events = createEvents();
  const { emit } = events;
  let state: XmppState = 'offline';
  let lastError: string | null = null;
  let stopping = false;
  let attempts = 0;
  let timer: NodeJS.Timeout | null = null;

  entity.on('error', (error: Error) => {
    lastError = describeXmppError(error);
    emit('problem', error);
  });
  // Binding says "online" before XEP-0198 is enabled: a stanza sent in between would never
  // be acknowledged. So a new session is online once stream management is settled.
  let awaitingSm = false;
  const goOnline = (): void => {
    awaitingSm = false;
    state = 'online';
    attempts = 0;
    lastError = null;
    emit('online', false);
  };
  entity.on('online', () => {
    if (parts.smOffered() && !sm.enabled) awaitingSm = true;
    else goOnline();
  });
  entity.on('nonza', (element: Element) => {
    if (awaitingSm && (element.is('enabled', NS_SM) || element.is('failed', NS_SM))) goOnline();
  });
  sm.on('resumed', () => {
    state = 'online';
    attempts = 0;
    emit('online', true);
  });
  entity.on('stanza', (stanza: Element) => emit('stanza', stanza));
  sm.on('ack', (stanza) => emit('ack', stanza));
  sm.on('fail', (stanza) => emit('fail', stanza));
  entity.on('disconnect', () => {
    if (state === 'online') emit('offline', lastError);
    if (stopping || state === 'failed') return;
    state = 'connecting';
    scheduleReconnect();
  });

  const scheduleReconnect = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = null;
        void reconnect();
      },
      backoffDelay(attempts++, RECONNECT_BACKOFF, Math.random),
    );
    timer.unref();
  };
  const reconnect = async (): Promise<void> => {
    if (stopping || entity.status !== 'disconnect') return;
    try {
      await entity.connect(parts.service);
      await entity.open({ domain: entity.options.domain });
    } catch (error) {
      lastError = describeXmppError(error);
      if (isPermanent(error)) {
        state = 'failed';
        return;
      }
      if (entity.status === 'disconnect' || entity.status === 'offline') scheduleReconnect();
    }
  };

  return {
    get state() {
      return state;
    },
    get lastError() {
      return lastError;
    },
    get boundJid() {
      return state === 'online' ? (entity.jid?.toString() ?? null) : null;
    },
    async start() {
      stopping = false;
      state = 'connecting';
      try {
        await entity.start();
        if (awaitingSm) await settled(events, () => awaitingSm, goOnline);
      } catch (error) {
        lastError = describeXmppError(error);
        if (isPermanent(error)) state = 'failed';
        else if (entity.status === 'disconnect' || entity.status === 'offline') {
          // Keep trying in the background; the caller learns why the first attempt failed.
          entity.status = 'disconnect';
          scheduleReconnect();
        }
        throw error;
      }
    },
    async stop() {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const wasOnline = state === 'online';
      state = 'offline';
      if (entity.status !== 'offline') {
        await entity.stop().catch(() => undefined);
        if (entity.status !== 'offline') entity.status = 'offline';
      }
      if (wasOnline) emit('offline', null);
    },
    send: (stanza) => entity.send(stanza),
    sendMany: (stanzas) => entity.sendMany(stanzas),
    iq: (stanza, timeoutMs = 15_000) => iqCaller.request(stanza, timeoutMs),
    on: events.on,
    off: events.off,
  };
}

/** TLS options for the XMPP domain (RFC 6120 §13.7.2.1: the certificate names the domain). */
function tlsOptions(caPem: string | null, domain: string): Record<string, unknown> {
  return { host: domain, servername: domain, ...(caPem === null ? {} : { ca: caPem }) };
}

/**
 * Reads at most {@link MAX_INBOUND_STANZA_BYTES} of one stanza: past that the parser fails,
 * which ends the stream (`bad-format`), instead of holding whatever a peer sends in memory.
 */
class BoundedParser extends Parser {
  private pending = 0;
  constructor() {
    super();
    this.on('element', () => {
      this.pending = 0;
    });
  }
  override write(data: string): void {
    this.pending += data.length;
    if (this.pending > MAX_INBOUND_STANZA_BYTES) {
      this.emit('error', new Error(`a stanza is larger than ${MAX_INBOUND_STANZA_BYTES} bytes`));
      return;
    }
    super.write(data);
  }
}

/** Plain TCP (STARTTLS) and direct TLS (`xmpps://`, with our CA and identity), both bounded. */
function boundedTransports(caPem: string | null, domain: string): unknown[] {
  class BoundedTcp extends ConnectionTCP {}
  class BoundedTls extends ConnectionTLS {
    override socketParameters(service: string): Record<string, unknown> | undefined {
      const parameters = super.socketParameters(service);
      return parameters === undefined ? undefined : { ...parameters, ...tlsOptions(caPem, domain) };
    }
  }
  BoundedTcp.prototype.Parser = BoundedParser;
  BoundedTls.prototype.Parser = BoundedParser;
  return [BoundedTcp, BoundedTls];
}

function sendReceive(entity: Client, stanza: Element): Promise<Element> {
  return new Promise((resolve, reject) => {
    const onElement = (element: Element): void => {
      entity.off('element', onElement);
      resolve(element);
    };
    entity.on('element', onElement);
    entity.send(stanza).catch((error: unknown) => {
      entity.off('element', onElement);
      reject(error as Error);
    });
  });
}
