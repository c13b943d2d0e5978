/**
 * The account's private socket, shared by every private stream of one {@link PrivateClient}: the same
 * socket lifecycle as the public connection (`WsLifecycle`: liveness probes, stale detection, paced
 * attempts, backoff that resets after a healthy period, status sequence), with a fresh signed token per
 * attempt and a small router of its own (the public one carries market events only).
 */
import { Observable, Subject, type SchedulerLike, type Subscriber, Subscription as RxSubscription } from 'rxjs';
import { AuthenticationError, MarketDataError, PrivateStreamUnsupportedError } from '../errors/index.js';
import {
  type ApiCredentials,
  type PrivateWebSocketFactory,
  type PrivateSubscription,
  type PrivateWsAdapter,
  type PrivateWsMessage,
} from '../core/private-adapter.js';
import type { PrivateStreamEvent } from '../model/account.js';
import type { StatusEvent } from '../model/market-event.js';
import type { BackoffOptions } from '../core/backoff.js';
import { frameText, nodeWebSocketFactory, type WebSocketFactory } from '../transport/ws/websocket-factory.js';
import type { WsSessionLink } from '../transport/ws/ws-session.js';
import { WsLifecycle } from '../transport/ws/ws-lifecycle.js';
import { toFrameError } from '../transport/ws/ws-support.js';

interface Entry {
  readonly subscription: PrivateSubscription;
  readonly subscriber: Subscriber<PrivateStreamEvent>;
}

const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/** What the private streams need from their client. */
export interface StreamsConfig {
  readonly exchange: string;
  readonly ws: PrivateWsAdapter;
  readonly url: string;
  readonly credentials: ApiCredentials;
  readonly factory: PrivateWebSocketFactory | undefined;
  readonly backoff: BackoffOptions | undefined;
  readonly scheduler: SchedulerLike;
  /** Clock of `receivedAt` and status timestamps. @default () => scheduler.now() */
  readonly now?: (() => number) | undefined;
}

/**
 * The shared private socket: ref-counted subscriptions (one request carries them all), a fresh token
 * per (re)connect, routing of events to the streams that asked for them. A private socket carries no
 * data until the account changes, so `reconnect` is reported once the new socket is subscribed (the
 * liveness probe still finds a dead one within 4.5 s).
 *
 * @example
 * ```ts
 * const streams = new PrivateStreams({ exchange: 'upbit', ws, url: ws.url, credentials, factory: undefined, backoff: undefined, scheduler: asyncScheduler });
 * streams.stream({ channel: 'myOrders', market: 'KRW-BTC' }).subscribe(console.log);
 * ```
 */
export class PrivateStreams {
  readonly #config: StreamsConfig;
  readonly #now: () => number;
  readonly #lifecycle: WsLifecycle;
  readonly #entries = new Set<Entry>();
  readonly errors$ = new Subject<MarketDataError>();
  #link: WsSessionLink | undefined;
  #flush: RxSubscription | undefined;
  #closed = false;

  constructor(config: StreamsConfig) {
    this.#config = config;
    const { ws, scheduler } = config;
    this.#now = config.now ?? (() => scheduler.now());
    this.#lifecycle = new WsLifecycle(
      {
        exchange: config.exchange,
        url: config.url,
        protocols: [],
        scheduler,
        now: this.#now,
        factory: () => this.#openFactory(),
        keepalive: ws.keepalive,
        heartbeat: ws.heartbeat,
        sendLimits: ws.sendLimits,
        connectLimits: ws.connectLimits,
        backoff: config.backoff,
      },
      {
        onOpen: (link) => this.#onOpen(link),
        onClose: () => (this.#link = undefined),
        onFrame: (data) => this.#onFrame(data),
        onStatus: (event) => this.#broadcast(event),
        onError: (error) => this.errors$.next(error),
        onFail: (error) => this.#fail(error),
      },
    );
  }

  stream(subscription: PrivateSubscription): Observable<PrivateStreamEvent> {
    return new Observable<PrivateStreamEvent>((subscriber) => {
      if (this.#closed) {
        subscriber.complete();
        return undefined;
      }
      if (this.#config.factory === undefined && !isNode()) {
        subscriber.error(new PrivateStreamUnsupportedError(this.#config.exchange));
        return undefined;
      }
      const entry: Entry = { subscription, subscriber };
      this.#entries.add(entry);
      this.#scheduleFlush();
      return () => {
        if (this.#entries.delete(entry) && !this.#closed) this.#scheduleFlush();
      };
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush?.unsubscribe();
    this.#lifecycle.stop(true);
    this.#link = undefined;
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const { subscriber } of entries) subscriber.complete();
    this.errors$.complete();
  }

  #scheduleFlush(): void {
    this.#flush ??= this.#config.scheduler.schedule(() => {
      this.#flush = undefined;
      this.#apply();
    });
  }

  #frames(): string[] {
    return this.#config.ws.subscriptionFrames([...this.#entries].map((entry) => entry.subscription));
  }

  #apply(): void {
    if (this.#entries.size === 0) {
      this.#lifecycle.stop();
    } else if (!this.#lifecycle.running) {
      this.#lifecycle.start();
    } else {
      this.#link?.send(this.#frames());
    }
  }

  /** A socket factory for one connection attempt, carrying a freshly signed token. */
  async #openFactory(): Promise<WebSocketFactory> {
    const headers = await this.#config.ws.signConnection(this.#config.credentials);
    const custom = this.#config.factory;
    if (custom !== undefined) return (url, protocols) => custom(url, protocols, headers);
    return nodeWebSocketFactory({ headers });
  }

  #onOpen(link: WsSessionLink): void {
    this.#link = link;
    link.send(this.#frames(), () => {
      this.#lifecycle.subscribed();
      this.#lifecycle.delivered();
    });
  }

  #onFrame(data: unknown): void {
    let message: PrivateWsMessage;
    try {
      message = this.#config.ws.decode(frameText(data), this.#now());
    } catch (error) {
      this.errors$.next(toFrameError(error, data, this.#config.exchange));
      return;
    }
    if (message.kind === 'error') {
      // Bad credentials do not get better by reconnecting.
      if (message.error instanceof AuthenticationError) this.#lifecycle.fail(message.error);
      else this.errors$.next(message.error);
      return;
    }
    if (message.kind !== 'events') return;
    for (const event of message.events) {
      for (const { subscription: s, subscriber } of [...this.#entries]) {
        const wanted = event.type === 'myAsset' ? s.channel === 'myAssets' : s.channel === 'myOrders' && (s.market === undefined || s.market === event.market);
        if (wanted) subscriber.next(event);
      }
    }
  }

  /** A fatal failure: the lifecycle has stopped and emitted `closed`; every stream errors. */
  #fail(failure: MarketDataError): void {
    this.#link = undefined;
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const { subscriber } of entries) subscriber.error(failure);
  }

  #broadcast(event: StatusEvent): void {
    for (const { subscriber } of [...this.#entries]) subscriber.next(event);
  }
}
