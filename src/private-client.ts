/**
 * The authenticated side of an exchange, through its {@link PrivateExchangeAdapter}: balances and open
 * orders over signed REST, and the account's order and balance streams over the private WebSocket.
 * Names no exchange. Reuses the transport: {@link RestClient} (signed per attempt) and the socket
 * session and backoff that {@link WsConnection} is built from (its router carries public market
 * events only, so the private streams keep a small router of their own).
 */
import { asyncScheduler, defer, EMPTY, Observable, Subject, switchMap, throwError, type SchedulerLike, type Subscriber, Subscription as RxSubscription } from 'rxjs';
import { retryBackoff, type RetryBackoffConfig, type RetryEvent } from '../operators/retryBackoff.js';
import { isRetryableError, MarketDataError } from './errors.js';
import {
  AuthenticationError,
  PrivateStreamUnsupportedError,
  resolveApiCredentials,
  type ApiCredentials,
  type CredentialSources,
  type PrivateExchangeAdapter,
  type PrivateWebSocketFactory,
  type PrivateSubscription,
  type PrivateWsAdapter,
  type PrivateWsMessage,
} from './exchanges/private-adapter.js';

export type { PrivateWebSocketFactory } from './exchanges/private-adapter.js';
export type { PrivateStreamEvent } from './model/account.js';
import type { Balance, MyAssetEvent, MyOrderEvent, Order, PrivateStreamEvent } from './model/account.js';
import type { StatusEvent } from './model/market-event.js';
import { parseUnifiedSymbol } from './model/symbol.js';
import type { BackoffOptions } from './transport/backoff.js';
import { RateLimiter } from './transport/rate-limiter.js';
import { RestClient, type FetchLike } from './transport/rest-client.js';
import { frameText, nodeWebSocketFactory, type WebSocketFactory } from './transport/websocket-factory.js';
import { openWsSession, type WsSessionLink } from './transport/ws-session.js';
import { createSendPermit, toFrameError, toMarketDataError } from './transport/ws-support.js';

/**
 * Options of a {@link PrivateClient}. Keys come from `credentials`, else `accessKey` + `secretKey`,
 * else the adapter's environment variables (see {@link resolveApiCredentials}); the secret is kept
 * out of every message, log and serialisation.
 */
export interface PrivateClientOptions extends CredentialSources {
  /** REST base URL (a simulator). @default adapter.rest.baseUrl */
  readonly restUrl?: string | undefined;
  /** Private WebSocket URL. @default adapter.ws.url */
  readonly wsUrl?: string | undefined;
  /** Fetch implementation. @default cross-fetch */
  readonly fetch?: FetchLike | undefined;
  /** Socket factory. @default the `ws` package with the signed `Authorization` header (Node only) */
  readonly webSocketFactory?: PrivateWebSocketFactory | undefined;
  /** REST timeout. @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /** REST retries of retryable failures, or `false`. @default { maxRetries: 4 } */
  readonly retry?: RetryBackoffConfig | false | undefined;
  /** Reconnect backoff of the private socket. @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffOptions | undefined;
  /** Timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

interface Entry {
  readonly subscription: PrivateSubscription;
  readonly subscriber: Subscriber<PrivateStreamEvent>;
}

const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/** What the private streams need from their client. */
interface StreamsConfig {
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
 */
class PrivateStreams {
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

/**
 * Signed account access for one exchange.
 *
 * REST calls sign every attempt afresh (new nonce). Streams share one private socket that opens with
 * the first stream and closes with the last; each (re)connect signs a new token. An authentication
 * failure errors every stream with an {@link AuthenticationError}; other drops reconnect with backoff
 * and show as `disconnect`/`reconnect` status events. Where the WebSocket cannot send headers
 * (browsers) streams error with {@link PrivateStreamUnsupportedError} unless a `webSocketFactory` is given.
 *
 * @example
 * ```ts
 * import { PrivateClient, upbitPrivate } from 'market-data-backbone';
 * const client = new PrivateClient(upbitPrivate, { accessKey, secretKey });
 * const balances = await client.getAccounts();
 * client.streamMyOrders('BTC/KRW').subscribe((event) => event.type === 'myOrder' && console.log(event.state));
 * ```
 */
export class PrivateClient {
  readonly #adapter: PrivateExchangeAdapter;
  readonly #credentials: ApiCredentials;
  readonly #rest: RestClient;
  readonly #streams: PrivateStreams | undefined;

  /** Non-fatal stream problems: undecodable frames, refused requests, drops before their reconnect. */
  readonly errors$: Observable<MarketDataError>;

  constructor(adapter: PrivateExchangeAdapter, options: PrivateClientOptions = {}) {
    this.#adapter = adapter;
    const credentials = resolveApiCredentials(adapter, options);
    this.#credentials = credentials;
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#rest = new RestClient({
      adapter: adapter.rest,
      exchange: adapter.id,
      limiter: new RateLimiter(adapter.rest.rateLimits, { scheduler }),
      baseUrl: options.restUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      signRequest: (request) => adapter.rest.sign(request, credentials),
    });
    const { ws } = adapter;
    const { webSocketFactory: factory, backoff } = options;
    this.#streams = ws && new PrivateStreams({ exchange: adapter.id, ws, url: options.wsUrl ?? ws.url, credentials, factory, backoff, scheduler });
    this.errors$ = this.#streams?.errors$.asObservable() ?? EMPTY;
  }

  /** Exchange id. */
  get exchange(): string {
    return this.#adapter.id;
  }

  /** The credentials in use (they print and serialise with the secret redacted). */
  get credentials(): ApiCredentials {
    return this.#credentials;
  }

  /**
   * The account's balances.
   *
   * @example
   * ```ts
   * for (const b of await client.getAccounts()) console.log(b.currency, b.balance.toString());
   * ```
   */
  async getAccounts(): Promise<Balance[]> {
    const reply = await this.#rest.fetch(this.#adapter.rest.accounts());
    return this.#adapter.rest.parseAccounts(reply.body, { receivedAt: Date.now() });
  }

  /**
   * Open orders, of one market (unified `BTC/KRW` or native `KRW-BTC`) or all.
   *
   * @example
   * ```ts
   * const orders = await client.getOpenOrders('BTC/KRW');
   * ```
   */
  async getOpenOrders(symbol?: string): Promise<Order[]> {
    const market = symbol === undefined ? undefined : this.#toMarket(symbol);
    const reply = await this.#rest.fetch(this.#adapter.rest.openOrders(market));
    return this.#adapter.rest.parseOrders(reply.body, { receivedAt: Date.now() });
  }

  /**
   * The account's order updates (all markets, or one), plus status events.
   *
   * @example
   * ```ts
   * client.streamMyOrders('KRW-BTC').subscribe((e) => e.type === 'myOrder' && console.log(e.state, e.executedVolume.toString()));
   * ```
   */
  streamMyOrders(symbol?: string): Observable<MyOrderEvent | StatusEvent> {
    return defer(() => this.#stream({ channel: 'myOrders', market: symbol === undefined ? undefined : this.#toMarket(symbol) })) as Observable<
      MyOrderEvent | StatusEvent
    >;
  }

  /**
   * The account's balance changes, plus status events.
   *
   * @example
   * ```ts
   * client.streamMyAssets().subscribe((e) => e.type === 'myAsset' && console.log(e.assets));
   * ```
   */
  streamMyAssets(): Observable<MyAssetEvent | StatusEvent> {
    return this.#stream({ channel: 'myAssets' }) as Observable<MyAssetEvent | StatusEvent>;
  }

  /**
   * Closes the private socket and completes every stream.
   *
   * @example
   * ```ts
   * process.once('SIGINT', () => client.close());
   * ```
   */
  close(): void {
    this.#streams?.close();
  }

  /** `PrivateClient(<exchange>, <access key>, [redacted])`. */
  toString(): string {
    return `PrivateClient(${this.#adapter.id}, ${this.#credentials.accessKey}, [redacted])`;
  }

  toJSON(): { readonly exchange: string; readonly credentials: ApiCredentials } {
    return { exchange: this.#adapter.id, credentials: this.#credentials };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  #stream(subscription: PrivateSubscription): Observable<PrivateStreamEvent> {
    if (this.#streams !== undefined) return this.#streams.stream(subscription);
    return throwError(() => new MarketDataError(`Private streams are not offered: ${this.#adapter.id}`, { exchange: this.#adapter.id }));
  }

  #toMarket(symbol: string): string {
    if (!symbol.includes('/')) return symbol;
    const parts = parseUnifiedSymbol(symbol);
    if (parts === undefined) throw new MarketDataError(`Symbol is not valid: ${symbol}`, { exchange: this.#adapter.id });
    return this.#adapter.formatMarket(parts);
  }
}
