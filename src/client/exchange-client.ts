/**
 * One exchange as the facade sees it: its adapter, its REST client and limiter, batching of ticker and
 * order-book requests, and the cached market list used to resolve and validate symbols.
 * Names no exchange: everything exchange-specific comes from the adapter.
 * The pieces live in focused helpers: {@link MarketDirectory} (market list and symbols),
 * {@link QuoteBatchers} (batched tickers and order books) and {@link SharedReplies} (every REST reply:
 * identical requests in flight shared, the optional reply cache).
 */
import type { Candle, CandleInterval } from '../model/candle.js';
import type { Market } from '../model/market.js';
import type { OrderBook } from '../model/order-book.js';
import type { DepthSnapshot } from '../model/order-book-state.js';
import type { PriceBand } from '../model/price-bands.js';
import type { Ticker } from '../model/ticker.js';
import type { Trade } from '../model/trade.js';
import { Big } from '../model/decimal.js';
import { firstValueFrom, Subject, type Observable } from 'rxjs';
import { MarketDataError } from '../errors/index.js';
import type { CandlesQuery, ExchangeAdapter, TradesQuery } from '../core/exchange-adapter.js';
import { QuoteBatchers } from './quote-batchers.js';
import type { ExchangeClientEvent, ExchangeClientOptions, ExchangeClientStats } from './client-options.js';
import { SharedReplies } from './shared-replies.js';
import { MarketDirectory } from './market-directory.js';
import { PromiseCache } from '../cache/promise-cache.js';
import { RateLimiter } from '../core/rate-limit/rate-limiter.js';
import { RestClient } from '../transport/http/rest-client.js';
import { sendsOriginByDefault } from '../transport/environment.js';
import { compareDecimalIds } from '../../operators/dedupeBy.js';
import { StreamHub } from '../streams/stream-hub.js';
import { checkCount, checkFlag, checkInterval, checkMaxAge, checkOptions, checkSymbol, checkTime } from './arguments.js';

export type { ExchangeClientEvent, ExchangeClientOptions, ExchangeClientStats, RestAccessOptions } from './client-options.js';

/**
 * REST access to one exchange, batched and rate-limited.
 *
 * @example
 * ```ts
 * const client = new ExchangeClient(upbitAdapter, { restUrl: simulator.url });
 * const ticker = await client.getTicker('BTC/KRW');
 * ```
 */
export class ExchangeClient {
  readonly adapter: ExchangeAdapter;
  readonly limiter: RateLimiter;
  readonly rest: RestClient;
  readonly #now: () => number;
  readonly #markets: MarketDirectory;
  readonly #quotes: QuoteBatchers;
  readonly #replies: SharedReplies;
  readonly #statuses: Record<number, number> = {};
  #requests = 0;
  readonly #options: ExchangeClientOptions;
  readonly #served = { stream: 0, rest: 0, realtime: 0 };
  #hub: StreamHub | undefined;
  #closed = false;
  /** Reported only while observed: an unobserved client builds no event objects. */
  readonly #events = new Subject<ExchangeClientEvent>();
  /** Fetched tick tables by market, kept as long as the market list (they change about as rarely). */
  readonly #bands: PromiseCache<string, readonly PriceBand[]>;

  constructor(adapter: ExchangeAdapter, options: ExchangeClientOptions = {}) {
    this.adapter = adapter;
    this.#options = options;
    const now = options.now ?? Date.now;
    this.#now = now;
    // Browsers put an Origin on every request, and some exchanges give those one small shared budget.
    const origin = (options.sendsOrigin ?? sendsOriginByDefault()) ? adapter.rest.originLimits : undefined;
    const events = this.#events;
    const budget = options.rateBudget;
    // The injected scheduler times the limiter and the deadlines too, as in the private client: a virtual
    // clock (a replay, a test) then moves every wait together with the streams' timers.
    const { scheduler } = options;
    this.limiter = new RateLimiter(options.rateLimits ?? (origin === undefined ? adapter.rest.rateLimits : [...adapter.rest.rateLimits, origin.rule]), {
      scheduler,
      onGrant: (group, waitedMs) => {
        if (events.observed) events.next({ type: 'wait', group, seconds: waitedMs / 1000 });
      },
      shared:
        budget === undefined
          ? undefined
          : { budget, scope: adapter.id, onState: (group, state, peers) => events.next({ type: 'budget', group, shared: state === 'shared', peers }) },
    });
    const groupOf = origin === undefined ? undefined : (group: string): string => (origin.groups.includes(group) ? origin.rule.group : group);
    this.rest = new RestClient({
      exchange: adapter.id,
      adapter: adapter.rest,
      limiter: this.limiter,
      baseUrl: options.restUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      retry: options.retry,
      scheduler,
      groupOf,
      onReply: (request, status) => {
        this.#requests += 1;
        this.#statuses[status] = (this.#statuses[status] ?? 0) + 1;
        if (events.observed) events.next({ type: 'reply', group: groupOf?.(request.group) ?? request.group, status });
      },
    });
    this.#replies = new SharedReplies({ exchange: adapter.id, rest: this.rest, cache: options, now });
    this.#markets = new MarketDirectory({
      adapter,
      load: () => this.#replies.load(adapter.rest.markets(), (body, receivedAt) => adapter.rest.parseMarkets(body, { receivedAt })),
      validate: options.validateSymbols,
      ttlMs: options.marketsTtlMs,
      now,
      assertOpen: () => this.#assertOpen(),
    });
    this.#bands = new PromiseCache(options.marketsTtlMs ?? 300_000, now);
    this.#quotes = new QuoteBatchers({ adapter, replies: this.#replies, batch: options.batch });
  }

  /**
   * The client's clock (the `now` option, else the wall clock): what stamps replies and clamps ranges,
   * so an injected clock moves every timestamp together.
   *
   * @example
   * ```ts
   * const to = client.now();
   * ```
   */
  now(): number {
    return this.#now();
  }

  /** What this client has sent so far. */
  get stats(): ExchangeClientStats {
    return {
      replies: { ...this.#statuses },
      requests: this.#requests,
      cacheHits: this.#replies.cacheHits,
      served: { ...this.#served },
      streamed: this.#hub?.sources ?? { ws: 0, rest: 0 },
    };
  }

  /**
   * What this client reports as it works: replies by rate-limit group and status, time waited in the
   * rate limiter, the shared budget's state (see {@link ExchangeClientEvent}). Nothing is built while
   * no one listens. Completes when the client closes.
   *
   * @example
   * ```ts
   * client.events.subscribe((e) => e.type === 'reply' && e.status === 429 && console.warn(`429 in ${e.group}`));
   * ```
   */
  get events(): Observable<ExchangeClientEvent> {
    return this.#events.asObservable();
  }

  /**
   * The hot streams of this exchange (the WebSocket opens with the first subscriber).
   *
   * @example
   * ```ts
   * client.streams.ticker('KRW-BTC').subscribe(render);
   * ```
   */
  get streams(): StreamHub {
    this.#assertOpen();
    this.#hub ??= new StreamHub(this, this.#options);
    return this.#hub;
  }

  /**
   * The exchange's markets (cached for `marketsTtlMs`; concurrent callers share one request).
   *
   * @example
   * ```ts
   * const krw = (await client.getMarkets()).filter((m) => m.quote === 'KRW');
   * ```
   */
  getMarkets(): Promise<Market[]> {
    return this.#markets.getMarkets();
  }

  /**
   * The native code of `symbol` when it is known without waiting: symbol checks are off, or the market
   * list is loaded, fresh and lists it. `undefined` means "ask {@link ExchangeClient.resolveMarket}"
   * (which also gives the error for an unknown symbol). Streams use it to skip a promise per subscriber.
   *
   * @example
   * ```ts
   * await client.getMarkets();
   * client.resolveMarketNow('BTC/KRW'); // 'KRW-BTC'
   * ```
   */
  resolveMarketNow(symbol: string): string | undefined {
    // Not a symbol: the caller's `resolveMarket` gives the error.
    if (typeof symbol !== 'string') return undefined;
    return this.#markets.resolveMarketNow(symbol);
  }

  /**
   * Resolves a native (`KRW-BTC`) or unified (`BTC/KRW`) symbol to the native market code, checking that
   * the exchange lists it. Throws {@link UnknownSymbolError} otherwise.
   *
   * @example
   * ```ts
   * await client.resolveMarket('btc/krw'); // 'KRW-BTC'
   * ```
   */
  resolveMarket(symbol: string): Promise<string> {
    try {
      checkSymbol(symbol);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#markets.resolveMarket(symbol);
  }

  /**
   * The native market code of a native or unified symbol, without asking the exchange.
   *
   * @example
   * ```ts
   * client.toNative('BTC/KRW'); // 'KRW-BTC'
   * ```
   */
  toNative(symbol: string): string {
    return this.#markets.toNative(checkSymbol(symbol));
  }

  /**
   * The ticker of one market: the latest value of a fresh live stream when one is open (no request;
   * `useStream: false` skips it), else REST, batched with concurrent calls. `realtime: true` opens the
   * stream and waits for its first value. `maxAgeMs` bounds the answer's age: it was received no earlier
   * than `maxAgeMs` before the call (a stream value is fresh enough within it instead of `streamFreshMs`;
   * a cached REST reply older than that is fetched again).
   *
   * @example
   * ```ts
   * const { last } = await client.getTicker('KRW-BTC');
   * const recent = await client.getTicker('KRW-BTC', { maxAgeMs: 500 });
   * ```
   */
  async getTicker(symbol: string, options: { readonly realtime?: boolean; readonly useStream?: boolean; readonly maxAgeMs?: number } = {}): Promise<Ticker> {
    this.#assertOpen();
    const calledAt = this.#now();
    checkSymbol(symbol);
    checkOptions(options);
    checkFlag(options.realtime, 'options.realtime');
    checkFlag(options.useStream, 'options.useStream');
    const maxAgeMs = checkMaxAge(options.maxAgeMs, 'options.maxAgeMs');
    const market = await this.resolveMarket(symbol);
    const live = options.useStream === false ? undefined : this.#hub?.latest('ticker', market, maxAgeMs ?? this.#options.streamFreshMs ?? 2_000);
    if (live?.type === 'ticker') {
      this.#served.stream += 1;
      return live;
    }
    if (options.realtime === true) {
      this.#served.realtime += 1;
      return firstValueFrom(this.streams.ticker(market));
    }
    this.#served.rest += 1;
    const ticker = await this.#quotes.ticker(market);
    if (maxAgeMs === undefined || ticker.receivedAt >= calledAt - maxAgeMs) return ticker;
    // A cached reply older than asked: ask the exchange itself.
    const reply = await this.rest.fetch(this.adapter.rest.tickers([market]));
    const [fresh] = this.adapter.rest.parseTickers(reply.body, { receivedAt: this.#now() });
    if (fresh === undefined) throw new MarketDataError(`${this.adapter.id} sent no ticker for ${market}`, { exchange: this.adapter.id });
    return fresh;
  }

  /**
   * The order book of one market, best level first, batched with concurrent calls of the same depth.
   *
   * @example
   * ```ts
   * const book = await client.getOrderBook('KRW-BTC', 5);
   * ```
   */
  async getOrderBook(symbol: string, depth?: number): Promise<OrderBook> {
    this.#assertOpen();
    checkSymbol(symbol);
    this.checkDepth(depth);
    return this.#quotes.orderBook(await this.resolveMarket(symbol), depth);
  }

  /**
   * Checks an order-book depth: a whole number from 1 to the levels the exchange serves. Throws an
   * `InvalidArgumentError` otherwise; `undefined` (the exchange's default) passes.
   *
   * @example
   * ```ts
   * client.checkDepth(5);
   * client.checkDepth(0); // throws InvalidArgumentError
   * ```
   */
  checkDepth(depth: unknown, argument = 'depth'): number | undefined {
    return checkCount(depth, argument, this.adapter.rest.maxCount?.orderBookDepth, this.adapter.id);
  }

  /**
   * Recent trades of one market, oldest first: exactly `count` when the exchange has that many (an
   * exchange that serves fixed page sizes is cut to it). A `count` above what the exchange serves in
   * one request (Upbit 500, Binance 1000, Coinone 200) is an `InvalidArgumentError`.
   *
   * @example
   * ```ts
   * const trades = await client.getTrades('KRW-BTC', { count: 50 });
   * ```
   */
  async getTrades(symbol: string, query: TradesQuery = {}): Promise<Trade[]> {
    this.#assertOpen();
    checkSymbol(symbol);
    const count = checkCount(checkOptions(query, 'query').count, 'query.count', this.adapter.rest.maxCount?.trades, this.adapter.id);
    const market = await this.resolveMarket(symbol);
    const request = this.adapter.rest.trades(market, { count });
    const trades = await this.#replies.load(request, (body, at) => this.adapter.rest.parseTrades(body, { receivedAt: at, market }));
    const sorted = [...trades].sort((a, b) => a.timestamp - b.timestamp || compareDecimalIds(a.id, b.id));
    return count === undefined || sorted.length <= count ? sorted : sorted.slice(sorted.length - count);
  }

  /**
   * Candles of one market, oldest first (periods without trades have no candle): the `count` latest
   * before `to`. A `count` above what one request serves is paged back from `to`, one request per page.
   *
   * @example
   * ```ts
   * const candles = await client.getCandles('KRW-BTC', '1m', { count: 200 });
   * ```
   */
  async getCandles(symbol: string, interval: CandleInterval, query: CandlesQuery = {}): Promise<Candle[]> {
    this.#assertOpen();
    checkSymbol(symbol);
    checkInterval(interval, this.adapter.rest, this.adapter.id);
    checkOptions(query, 'query');
    const count = checkCount(query.count, 'query.count');
    const to = checkTime(query.to, 'query.to');
    const market = await this.resolveMarket(symbol);
    const page = this.adapter.rest.maxCount?.candles ?? Infinity;
    if (count === undefined || count <= page) return this.#candlePage(market, interval, { count, to });
    // Paged back from `to`: each page ends where the previous one's oldest candle opens.
    const pages: Candle[][] = [];
    let cursor = to;
    for (let left = count; left > 0; ) {
      const candles = (await this.#candlePage(market, interval, { count: Math.min(page, left), to: cursor })).filter((c) => cursor === undefined || c.openTime < cursor);
      if (candles.length === 0) break; // the start of the market's history
      pages.unshift(candles);
      left -= candles.length;
      cursor = candles[0]!.openTime;
    }
    const all = pages.flat();
    return all.length <= count ? all : all.slice(all.length - count);
  }

  /** One candle request, oldest first. */
  async #candlePage(market: string, interval: CandleInterval, query: CandlesQuery): Promise<Candle[]> {
    const request = this.adapter.rest.candles(market, interval, query);
    const candles = await this.#replies.load(request, (body, at) => this.adapter.rest.parseCandles(body, interval, { receivedAt: at, market }));
    return [...candles].sort((a, b) => a.openTime - b.openTime);
  }

  /**
   * The full-depth snapshot that diff order-book streams sync against (exchanges whose adapter has
   * `rest.depthSnapshot`, e.g. Binance). Not batched, not shared: each sync attempt needs a new one.
   *
   * @example
   * ```ts
   * const { lastUpdateId, bids } = await client.getDepthSnapshot('BTCUSDT');
   * ```
   */
  async getDepthSnapshot(symbol: string): Promise<DepthSnapshot> {
    this.#assertOpen();
    checkSymbol(symbol);
    const { depthSnapshot, parseDepthSnapshot } = this.adapter.rest;
    if (depthSnapshot === undefined || parseDepthSnapshot === undefined) {
      throw new MarketDataError(`${this.adapter.id} has no depth snapshots`, { exchange: this.adapter.id });
    }
    const reply = await this.rest.fetch(depthSnapshot(await this.resolveMarket(symbol)));
    return parseDepthSnapshot(reply.body, { receivedAt: this.#now() });
  }

  /**
   * Tick sizes of one market by price band, lowest band first: from the exchange's endpoint (Coinone
   * `range_units`), its documented table (Upbit KRW and BTC markets) or the market list's fixed
   * `tickSize` (Binance: one band from 0). Empty when the exchange publishes none (Upbit USDT markets).
   * Fetched tables are cached for `marketsTtlMs`; concurrent callers share one request.
   *
   * @example
   * ```ts
   * const bands = await client.getPriceBands('KRW-BTC');
   * roundToTick('143251234', bands, 'down').toFixed(); // '143251000'
   * ```
   */
  async getPriceBands(symbol: string): Promise<readonly PriceBand[]> {
    this.#assertOpen();
    checkSymbol(symbol);
    const market = await this.resolveMarket(symbol);
    const { priceBands, parsePriceBands, staticPriceBands } = this.adapter.rest;
    if (priceBands !== undefined && parsePriceBands !== undefined) {
      return this.#bands.get(market, () => this.#replies.load(priceBands(market), (body, receivedAt) => parsePriceBands(body, { receivedAt, market })));
    }
    const documented = staticPriceBands?.(market);
    if (documented !== undefined) return documented;
    const tickSize = (await this.getMarkets()).find((m) => m.market === market)?.tickSize;
    return tickSize === undefined ? [] : [{ from: new Big(0), tickSize }];
  }

  /** Stops accepting calls and closes the streams' socket. */
  close(): void {
    this.#closed = true;
    this.#hub?.close();
    this.#events.complete();
  }

  #assertOpen(): void {
    if (this.#closed) throw new MarketDataError(`${this.adapter.id} client is closed`, { exchange: this.adapter.id });
  }
}
