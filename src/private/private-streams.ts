/**
 * The account's private socket, shared by every private stream of one {@link PrivateClient}: built from
 * the same socket session, send permit and backoff as the public connection, with a small router of its
 * own (the public one carries market events only).
 */
import { defer, Observable, Subject, switchMap, type SchedulerLike, type Subscriber, Subscription as RxSubscription } from 'rxjs';
import { retryBackoff, type RetryEvent } from '../../operators/retryBackoff.js';
import { AuthenticationError, isRetryableError, MarketDataError, PrivateStreamUnsupportedError } from '../errors/index.js';
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
import { openWsSession, type WsSessionLink } from '../transport/ws/ws-session.js';
import { createSendPermit, toFrameError, toMarketDataError } from '../transport/ws/ws-support.js';

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
}

/**
 * The shared private socket: ref-counted subscriptions (one request carries them all), a fresh token
 * per (re)connect, backoff, routing of events to the streams that asked for them.
 *
 * @example
 * ```ts
 * const streams = new PrivateStreams({ exchange: 'upbit', ws, url: ws.url, credentials, factory: undefined, backoff: undefined, scheduler: asyncScheduler });
 * streams.stream({ channel: 'myOrders', market: 'KRW-BTC' }).subscribe(console.log);
 * ```
 */
export class PrivateStreams {
  readonly #config: StreamsConfig;
  readonly #permit: () => Observable<void>;
  readonly #entries = new Set<Entry>();
  readonly errors$ = new Subject<MarketDataError>();
  #loop: RxSubscription | undefined;
  #link: WsSessionLink | undefined;
  #flush: RxSubscription | undefined;
  #attempt = 0;
  #closed = false;

  constructor(config: StreamsConfig) {
    this.#config = config;
    this.#permit = createSendPermit(config.ws.sendLimits, config.scheduler);
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
    this.#stop();
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
      if (this.#loop === undefined) return;
      this.#stop();
      this.#emit('closed');
    } else if (this.#loop === undefined) {
      this.#start();
    } else {
      this.#link?.send(this.#frames());
    }
  }

  #start(): void {
    const { ws, scheduler, exchange } = this.#config;
    this.#attempt = 0;
    this.#emit('connecting');
    const loop = new RxSubscription();
    this.#loop = loop;
    const session$ = defer(() => this.#openFactory()).pipe(
      switchMap((makeWebSocket) =>
        openWsSession({
          url: this.#config.url,
          protocols: [],
          makeWebSocket,
          exchange,
          scheduler,
          keepalive: ws.keepalive,
          staleAfterMs: 2 * ws.keepalive.intervalMs,
          maxConnectionAgeMs: undefined,
          permit: this.#permit,
          onOpen: (link) => this.#onOpen(link),
          onClose: () => (this.#link = undefined),
          onFrame: (data) => this.#onFrame(data),
          onSent: () => undefined,
        }),
      ),
      retryBackoff({ ...this.#config.backoff, scheduler, shouldRetry: isRetryableError, onRetry: (event) => this.#onRetry(event) }),
    );
    loop.add(session$.subscribe({ error: (error: unknown) => this.#fail(error) }));
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
      const attempt = this.#attempt;
      this.#attempt = 0;
      this.#emit(attempt === 0 ? 'connected' : 'reconnect', attempt === 0 ? {} : { attempt });
    });
  }

  #onFrame(data: unknown): void {
    let message: PrivateWsMessage;
    try {
      message = this.#config.ws.decode(frameText(data), Date.now());
    } catch (error) {
      this.errors$.next(toFrameError(error, data, this.#config.exchange));
      return;
    }
    if (message.kind === 'error') {
      // Bad credentials do not get better by reconnecting.
      if (message.error instanceof AuthenticationError) this.#fail(message.error);
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

  #onRetry({ error, attempt, delayMs }: RetryEvent): void {
    const failure = toMarketDataError(error, this.#config.exchange);
    this.errors$.next(failure);
    this.#attempt = attempt;
    this.#emit('disconnect', { reason: failure.message, attempt, retryInMs: delayMs });
  }

  #fail(error: unknown): void {
    const failure = toMarketDataError(error, this.#config.exchange);
    this.#stop();
    this.#emit('closed', { reason: failure.message });
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const { subscriber } of entries) subscriber.error(failure);
  }

  #stop(): void {
    const loop = this.#loop;
    this.#loop = undefined;
    this.#link = undefined;
    loop?.unsubscribe();
  }

  #emit(status: StatusEvent['status'], detail: Pick<StatusEvent, 'reason' | 'attempt' | 'retryInMs'> = {}): void {
    const event: StatusEvent = { type: 'status', exchange: this.#config.exchange, status, ...detail, timestamp: this.#config.scheduler.now() };
    for (const { subscriber } of [...this.#entries]) subscriber.next(event);
  }
}
