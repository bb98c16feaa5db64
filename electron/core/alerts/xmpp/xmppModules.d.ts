/**
 * Types of the parts of xmpp.js 0.14 (installed with @xmpp/client, which ships no types)
 * that xmppConnection.ts composes: only what it uses.
 */
declare module '@xmpp/client-core' {
  import type { EventEmitter } from 'node:events';

  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getChildElements(): Element[];
    text(): string;
    is(name: string, xmlns?: string): boolean;
    append(...children: Array<Element | string>): Element;
    toString(): string;
  }

  export type XmlChild = Element | string | null | undefined | false;
  export function xml(
    name: string,
    attrs?: Record<string, string | number | null | undefined>,
    ...children: XmlChild[]
  ): Element;

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }
  export function jid(text: string): Jid;

  export class Client extends EventEmitter {
    constructor(options: { service: string; domain: string; timeout?: number });
    jid: Jid | null;
    status: string;
    socket: unknown;
    options: { service: string; domain: string; lang?: string };
    transports: unknown[];
    timeout: number;
    isSecure(): boolean;
    start(): Promise<Jid>;
    stop(): Promise<unknown>;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    disconnect(): Promise<unknown>;
    restart(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    _attachSocket(socket: unknown): void;
  }
}

declare module '@xmpp/middleware' {
  import type { Client, Element } from '@xmpp/client-core';
  export interface MiddlewareContext {
    stanza: Element;
    entity: Client;
  }
  export interface Middleware {
    use(handler: (context: MiddlewareContext, next: () => Promise<unknown>) => unknown): void;
    filter(handler: (context: MiddlewareContext, next: () => Promise<unknown>) => unknown): void;
  }
  export default function middleware(options: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Client, Element } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  export interface StreamFeatures {
    use(
      name: string,
      xmlns: string,
      handler: (
        context: { entity: Client },
        next: () => Promise<unknown>,
        feature: Element,
      ) => Promise<unknown>,
    ): void;
  }
  export default function streamFeatures(options: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Client, Element } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  export interface IqCaller {
    request(stanza: Element, timeoutMs?: number): Promise<Element>;
    get(element: Element, to?: string, timeoutMs?: number): Promise<Element | undefined>;
    set(element: Element, to?: string, timeoutMs?: number): Promise<Element | undefined>;
  }
  export default function iqCaller(options: { middleware: Middleware; entity: Client }): IqCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  export interface IqCallee {
    get(xmlns: string, name: string, handler: () => unknown): void;
  }
  export default function iqCallee(options: { middleware: Middleware; entity: Client }): IqCallee;
}

declare module '@xmpp/tcp/lib/Connection.js' {
  export default class ConnectionTCP {
    Parser: unknown;
    socketParameters(service: string): Record<string, unknown> | undefined;
  }
}

declare module '@xmpp/tls/lib/Connection.js' {
  export default class ConnectionTLS {
    Parser: unknown;
    socketParameters(service: string): Record<string, unknown> | undefined;
  }
}

declare module '@xmpp/xml' {
  import type { EventEmitter } from 'node:events';
  export class Parser extends EventEmitter {
    write(data: string): void;
  }
}

declare module '@xmpp/starttls/starttls.js' {
  export function canUpgrade(socket: unknown): boolean;
  export function upgrade(socket: unknown, options: Record<string, unknown>): Promise<unknown>;
}

declare module '@xmpp/sasl' {
  import type { Client } from '@xmpp/client-core';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export default function sasl(
    options: { streamFeatures: StreamFeatures; saslFactory: unknown },
    onAuthenticate: (
      authenticate: (
        credentials: { username: string; password: string },
        mechanism: string,
      ) => Promise<void>,
      mechanisms: string[],
      fast: null,
      entity: Client,
    ) => Promise<void>,
  ): void;
}

declare module 'saslmechanisms' {
  export default class SASLFactory {}
}

declare module '@xmpp/sasl-scram-sha-1' {
  export default function scramSha1(factory: unknown): void;
}

declare module '@xmpp/sasl-plain' {
  export default function plain(factory: unknown): void;
}

declare module '@xmpp/resource-binding' {
  import type { StreamFeatures } from '@xmpp/stream-features';
  import type { IqCaller } from '@xmpp/iq/caller.js';
  export default function resourceBinding(
    options: { streamFeatures: StreamFeatures; iqCaller: IqCaller },
    resource: string,
  ): void;
}

declare module '@xmpp/stream-management' {
  import type { EventEmitter } from 'node:events';
  import type { Client, Element } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    id: string;
    requestAckDebounce: number;
    requestAckInterval: number;
    timeout: number;
    outbound_q: Array<{ stanza: Element }>;
    on(event: 'ack' | 'fail', listener: (stanza: Element) => void): this;
    on(event: 'resumed', listener: () => void): this;
  }
  export default function streamManagement(options: {
    streamFeatures: StreamFeatures;
    entity: Client;
    middleware: Middleware;
  }): StreamManagement;
}

/** The ready-made client (the benchmark's baseline only). */
declare module '@xmpp/client' {
  import type { Client, Element } from '@xmpp/client-core';
  export { xml } from '@xmpp/client-core';
  export function client(options: {
    service: string;
    domain: string;
    username: string;
    password: string;
    resource?: string;
  }): Client & { on(event: 'stanza', listener: (stanza: Element) => void): unknown };
}
