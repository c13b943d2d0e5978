/**
 * The authenticated side of an exchange, through its {@link PrivateExchangeAdapter}: balances and open
 * orders over signed REST, and the account's order and balance streams over the private WebSocket.
 * Names no exchange. Reuses the transport: {@link RestClient} (signed per attempt) and the socket
 * session and backoff that {@link WsConnection} is built from (its router carries public market
 * events only, so the private streams keep a small router of their own).
 */
import { asyncScheduler, defer, EMPTY, Observable, throwError, type SchedulerLike } from 'rxjs';
import { AuthenticationError, MarketDataError, PrivateStreamUnsupportedError } from '../errors/index.js';
import {
  resolveApiCredentials,
  type ApiCredentials,
  type CredentialSources,
  type PrivateExchangeAdapter,
  type PrivateWebSocketFactory,
  type PrivateSubscription,
} from '../core/private-adapter.js';
import { PrivateStreams } from './private-streams.js';
import { checkSymbol } from '../client/arguments.js';
import type { RestAccessOptions } from '../client/client-options.js';

export type { PrivateWebSocketFactory } from '../core/private-adapter.js';
export type { PrivateStreamEvent } from '../model/account.js';

/** Upper bound of open-order pages read in one call (10,000 orders at Upbit's 100 a page). */
const MAX_ORDER_PAGES = 100;
import type { Balance, MyAssetEvent, MyOrderEvent, Order, PrivateStreamEvent } from '../model/account.js';
import type { StatusEvent } from '../model/market-event.js';
import { parseUnifiedSymbol } from '../model/symbol.js';
import type { BackoffOptions } from '../core/backoff.js';
import { RateLimiter } from '../core/rate-limit/rate-limiter.js';
import { RestClient } from '../transport/http/rest-client.js';

/**
 * Options of a {@link PrivateClient}. Keys come from `credentials`, else `accessKey` + `secretKey`,
 * else the adapter's environment variables (see {@link resolveApiCredentials}); the secret is kept
 * out of every message, log and serialisation.
 */
export interface PrivateClientOptions extends CredentialSources, RestAccessOptions {
  /** Private WebSocket URL. @default adapter.ws.url */
  readonly wsUrl?: string | undefined;
  /** Socket factory. @default the `ws` package with the signed `Authorization` header (Node only) */
  readonly webSocketFactory?: PrivateWebSocketFactory | undefined;
  /** Reconnect backoff of the private socket. @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffOptions | undefined;
  /** Timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
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
  /** Clock of reply timestamps (and the timers of the rate limiter and socket). */
  readonly #scheduler: SchedulerLike;
  readonly #rest: RestClient;
  readonly #streams: PrivateStreams | undefined;

  /** Non-fatal stream problems: undecodable frames, refused requests, drops before their reconnect. */
  readonly errors$: Observable<MarketDataError>;

  constructor(adapter: PrivateExchangeAdapter, options: PrivateClientOptions = {}) {
    this.#adapter = adapter;
    const credentials = resolveApiCredentials(adapter, options);
    this.#credentials = credentials;
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#scheduler = scheduler;
    this.#rest = new RestClient({
      adapter: adapter.rest,
      exchange: adapter.id,
      limiter: new RateLimiter(adapter.rest.rateLimits, { scheduler }),
      baseUrl: options.restUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      scheduler,
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
    return this.#adapter.rest.parseAccounts(reply.body, { receivedAt: this.#scheduler.now() });
  }

  /**
   * Open orders, of one market (unified `BTC/KRW` or native `KRW-BTC`) or all, newest first: every
   * page (Upbit serves 100 a page), each once. An order that fills or is cancelled while the pages are
   * read moves the rest up one place, so one order may then be missed: read again when that matters.
   *
   * @example
   * ```ts
   * const orders = await client.getOpenOrders('BTC/KRW');
   * ```
   */
  async getOpenOrders(symbol?: string): Promise<Order[]> {
    const market = symbol === undefined ? undefined : this.#toMarket(symbol);
    const { openOrders, openOrdersPageSize: pageSize, parseOrders } = this.#adapter.rest;
    const orders: Order[] = [];
    const seen = new Set<string>();
    for (let page = 1; page <= MAX_ORDER_PAGES; page++) {
      const reply = await this.#rest.fetch(openOrders(market, page));
      const batch = parseOrders(reply.body, { receivedAt: this.#scheduler.now() });
      // An order placed while the pages are read pushes the others one place down: skip the repeat.
      for (const order of batch) if (!seen.has(order.id) && seen.add(order.id)) orders.push(order);
      if (pageSize === undefined || batch.length < pageSize) break;
    }
    return orders;
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
    checkSymbol(symbol);
    if (!symbol.includes('/')) return symbol;
    const parts = parseUnifiedSymbol(symbol);
    if (parts === undefined) throw new MarketDataError(`Symbol is not valid: ${symbol}`, { exchange: this.#adapter.id });
    return this.#adapter.formatMarket(parts);
  }
}
