/**
 * One exchange as the facade sees it: its adapter, its REST client and limiter, batching of ticker and
 * order-book requests, and the cached market list used to resolve and validate symbols.
 * Names no exchange: everything exchange-specific comes from the adapter.
 */
import type { Candle, CandleInterval } from './model/candle.js';
import type { Market } from './model/market.js';
import type { OrderBook } from './model/order-book.js';
import type { DepthSnapshot } from './model/order-book-state.js';
import { parseUnifiedSymbol } from './model/symbol.js';
import type { Ticker } from './model/ticker.js';
import type { Trade } from './model/trade.js';
import { firstValueFrom } from 'rxjs';
import { MarketDataError, UnknownSymbolError } from './errors.js';
import type { CandlesQuery, ExchangeAdapter, RestRequest, TradesQuery } from './exchanges/exchange-adapter.js';
import { replyCacheKey, type ReplyCache } from './cache/reply-cache.js';
import { Batcher } from './transport/batcher.js';
import { parseJsonExact } from './transport/json.js';
import { RateLimiter, type RateLimitRule } from './transport/rate-limiter.js';
import { RestClient, type FetchLike } from './transport/rest-client.js';
import { compareDecimalIds } from '../operators/dedupeBy.js';
import type { RetryBackoffConfig } from '../operators/retryBackoff.js';
import { StreamHub, type StreamOptions } from './stream-hub.js';

/** Options of an {@link ExchangeClient}. */
export interface ExchangeClientOptions extends StreamOptions {
  /** REST base URL. @default the adapter's (the real exchange) */
  readonly restUrl?: string | undefined;
  /** Fetch implementation. @default cross-fetch */
  readonly fetch?: FetchLike | undefined;
  /** Request timeout. @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /** Retry policy for retryable failures, or `false`. @default { maxRetries: 4 } */
  readonly retry?: RetryBackoffConfig | false | undefined;
  /** Check symbols against the market list before asking for them. @default true */
  readonly validateSymbols?: boolean | undefined;
  /** How long the market list is reused. @default 300_000 */
  readonly marketsTtlMs?: number | undefined;
  /** Coalesce concurrent ticker/order-book calls into batched requests. @default true */
  readonly batch?: boolean | undefined;
  /** Override the adapter's rate limits (e.g. a simulator configured with other limits). @default adapter's */
  readonly rateLimits?: readonly RateLimitRule[] | undefined;
  /** A live stream value younger than this answers `getTicker` without a request. @default 2_000 */
  readonly streamFreshMs?: number | undefined;
  /** Clock for `receivedAt`. @default Date.now */
  readonly now?: (() => number) | undefined;
  /**
   * Cache of REST replies (trades, candles), keyed by exchange, path and parameters: a
   * {@link MemoryReplyCache}, or your own store (e.g. Redis) behind the same interface. @default none
   */
  readonly replyCache?: ReplyCache | undefined;
  /**
   * How long a cached reply is served, per request; `undefined` or `0` skips the cache for it.
   * @default 1_000 for every request
   */
  readonly replyTtlMs?: number | ((request: RestRequest) => number | undefined) | undefined;
}

/** Counters of what an exchange client did. */
export interface ExchangeClientStats {
  /** HTTP exchanges by status code. */
  readonly replies: Readonly<Record<number, number>>;
  /** HTTP requests sent. */
  readonly requests: number;
  /** Which source answered `getTicker` calls: a fresh live stream, REST, or a newly opened stream. */
  readonly served: { readonly stream: number; readonly rest: number; readonly realtime: number };
  /** Values the hot streams delivered, by source (WebSocket, or REST polling during outages). */
  readonly streamed: { readonly ws: number; readonly rest: number };
}

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
  readonly #validate: boolean;
  readonly #batch: boolean;
  readonly #marketsTtlMs: number;
  readonly #tickers: Batcher<string, Ticker>;
  readonly #books = new Map<number, Batcher<string, OrderBook>>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #replies: Record<number, number> = {};
  #requests = 0;
  readonly #options: ExchangeClientOptions;
  readonly #served = { stream: 0, rest: 0, realtime: 0 };
  #hub: StreamHub | undefined;
  #markets: { readonly at: number; readonly list: Promise<Market[]>; codes?: ReadonlySet<string> } | undefined;
  #closed = false;

  constructor(adapter: ExchangeAdapter, options: ExchangeClientOptions = {}) {
    this.adapter = adapter;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#validate = options.validateSymbols ?? true;
    this.#marketsTtlMs = options.marketsTtlMs ?? 300_000;
    this.limiter = new RateLimiter(options.rateLimits ?? adapter.rest.rateLimits);
    this.#batch = options.batch ?? true;
    this.rest = new RestClient({
      exchange: adapter.id,
      adapter: adapter.rest,
      limiter: this.limiter,
      baseUrl: options.restUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      onReply: (_request, status) => {
        this.#requests += 1;
        this.#replies[status] = (this.#replies[status] ?? 0) + 1;
      },
    });
    this.#tickers = new Batcher<string, Ticker>({
      maxBatch: this.#batch ? adapter.rest.maxBatch.ticker : 1,
      load: (markets) => this.#loadBatch(markets, (m) => adapter.rest.tickers(m), (body, at) => adapter.rest.parseTickers(body, { receivedAt: at })),
      missing: (market) => this.#unknown(market),
    });
  }

  /** What this client has sent so far. */
  get stats(): ExchangeClientStats {
    return {
      replies: { ...this.#replies },
      requests: this.#requests,
      served: { ...this.#served },
      streamed: this.#hub?.sources ?? { ws: 0, rest: 0 },
    };
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
    if (this.#closed) return Promise.reject(this.#closedError());
    const cached = this.#markets;
    if (cached !== undefined && this.#now() - cached.at < this.#marketsTtlMs) return cached.list;
    const request = this.adapter.rest.markets();
    const list = this.rest.fetch(request).then((reply) => this.adapter.rest.parseMarkets(reply.body, { receivedAt: this.#now() }));
    const entry: { readonly at: number; readonly list: Promise<Market[]>; codes?: ReadonlySet<string> } = { at: this.#now(), list };
    this.#markets = entry;
    list.then(
      (markets) => {
        entry.codes = new Set(markets.map((m) => m.market));
      },
      () => {
        if (this.#markets === entry) this.#markets = undefined;
      },
    );
    return list;
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
    let market: string;
    try {
      market = this.toNative(symbol);
    } catch {
      return undefined;
    }
    if (!this.#validate) return market;
    const cached = this.#markets;
    if (cached?.codes === undefined || this.#now() - cached.at >= this.#marketsTtlMs) return undefined;
    return cached.codes.has(market) ? market : undefined;
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
  async resolveMarket(symbol: string): Promise<string> {
    let market: string;
    try {
      market = this.toNative(symbol);
    } catch (error) {
      // A native code the adapter cannot split (Binance: a quote asset it does not know) is still valid
      // when the exchange lists it.
      if (!this.#validate) throw error;
      const code = symbol.trim().toUpperCase();
      const listed = await this.getMarkets().then((markets) => markets.some((m) => m.market === code), () => false);
      if (listed) return code;
      throw error;
    }
    if (!this.#validate) return market;
    let markets: Market[];
    try {
      markets = await this.getMarkets();
    } catch {
      return market; // the list is only a pre-check: without it, let the exchange judge
    }
    if (!markets.some((m) => m.market === market)) throw this.#unknown(symbol);
    return market;
  }

  /**
   * The ticker of one market: the latest value of a fresh live stream when one is open (no request;
   * `useStream: false` skips it), else REST, batched with concurrent calls. `realtime: true` opens the
   * stream and waits for its first value.
   *
   * @example
   * ```ts
   * const { last } = await client.getTicker('KRW-BTC');
   * ```
   */
  async getTicker(symbol: string, options: { readonly realtime?: boolean; readonly useStream?: boolean } = {}): Promise<Ticker> {
    this.#assertOpen();
    const market = await this.resolveMarket(symbol);
    const live = options.useStream === false ? undefined : this.#hub?.latest('ticker', market, this.#options.streamFreshMs ?? 2_000);
    if (live?.type === 'ticker') {
      this.#served.stream += 1;
      return live;
    }
    if (options.realtime === true) {
      this.#served.realtime += 1;
      return firstValueFrom(this.streams.ticker(market));
    }
    this.#served.rest += 1;
    return this.#tickers.load(market);
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
    const market = await this.resolveMarket(symbol);
    const key = depth ?? 0;
    let batcher = this.#books.get(key);
    if (batcher === undefined) {
      const rest = this.adapter.rest;
      batcher = new Batcher<string, OrderBook>({
        maxBatch: this.#batch ? rest.maxBatch.orderBook : 1,
        load: (markets) =>
          this.#loadBatch(
            markets,
            (m) => rest.orderBooks(m, depth),
            (body, at, asked) => rest.parseOrderBooks(body, { receivedAt: at, market: asked.length === 1 ? asked[0] : undefined }),
          ),
        missing: (m) => this.#unknown(m),
      });
      this.#books.set(key, batcher);
    }
    const book = await batcher.load(market);
    // Some exchanges only serve fixed sizes (Coinone 5/10/15/16): cut to what was asked.
    if (depth === undefined || (book.bids.length <= depth && book.asks.length <= depth)) return book;
    return { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
  }

  /**
   * Recent trades of one market, oldest first.
   *
   * @example
   * ```ts
   * const trades = await client.getTrades('KRW-BTC', { count: 50 });
   * ```
   */
  async getTrades(symbol: string, query: TradesQuery = {}): Promise<Trade[]> {
    this.#assertOpen();
    const market = await this.resolveMarket(symbol);
    const request = this.adapter.rest.trades(market, query);
    const trades = await this.#shared(request, (body, at) => this.adapter.rest.parseTrades(body, { receivedAt: at, market }));
    return [...trades].sort((a, b) => a.timestamp - b.timestamp || compareDecimalIds(a.id, b.id));
  }

  /**
   * Candles of one market, oldest first (periods without trades have no candle).
   *
   * @example
   * ```ts
   * const candles = await client.getCandles('KRW-BTC', '1m', { count: 200 });
   * ```
   */
  async getCandles(symbol: string, interval: CandleInterval, query: CandlesQuery = {}): Promise<Candle[]> {
    this.#assertOpen();
    const market = await this.resolveMarket(symbol);
    const request = this.adapter.rest.candles(market, interval, query);
    const candles = await this.#shared(request, (body, at) => this.adapter.rest.parseCandles(body, interval, { receivedAt: at, market }));
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
    const { depthSnapshot, parseDepthSnapshot } = this.adapter.rest;
    if (depthSnapshot === undefined || parseDepthSnapshot === undefined) {
      throw new MarketDataError(`${this.adapter.id} has no depth snapshots`, { exchange: this.adapter.id });
    }
    const reply = await this.rest.fetch(depthSnapshot(await this.resolveMarket(symbol)));
    return parseDepthSnapshot(reply.body, { receivedAt: this.#now() });
  }

  /** Stops accepting calls and closes the streams' socket. */
  close(): void {
    this.#closed = true;
    this.#hub?.close();
  }

  /** Identical requests in flight share one HTTP exchange; replies go through the reply cache if any. */
  #shared<T>(request: RestRequest, parse: (body: unknown, receivedAt: number) => T): Promise<T> {
    const key = replyCacheKey(this.adapter.id, request);
    const existing = this.#inflight.get(key);
    if (existing !== undefined) return existing as Promise<T>;
    const promise = this.#cachedBody(key, request).then(({ body, receivedAt }) => parse(body, receivedAt));
    this.#inflight.set(key, promise);
    const forget = (): void => {
      this.#inflight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * The parsed body of a request and when it arrived: from the reply cache when it holds a fresh copy
   * (`receivedAt` is then when it was stored), else fetched and stored. The cache never fails a
   * request: a store that errors (a Redis outage) is skipped, and writes are not waited for.
   */
  async #cachedBody(key: string, request: RestRequest): Promise<{ readonly body: unknown; readonly receivedAt: number }> {
    const { replyCache: cache, replyTtlMs = 1_000 } = this.#options;
    const ttl = typeof replyTtlMs === 'function' ? replyTtlMs(request) : replyTtlMs;
    if (cache !== undefined && ttl !== undefined && ttl > 0) {
      const hit = await Promise.resolve()
        .then(() => cache.get(key))
        .catch(() => undefined);
      if (hit !== undefined) return { body: parseJsonExact(hit.text), receivedAt: hit.storedAt };
    }
    const reply = await this.rest.fetch(request);
    const receivedAt = this.#now();
    if (cache !== undefined && ttl !== undefined && ttl > 0) {
      Promise.resolve()
        .then(() => cache.set(key, { text: reply.text, status: reply.status, storedAt: receivedAt }, ttl))
        .catch(() => undefined);
    }
    return { body: reply.body, receivedAt };
  }

  /**
   * Loads a batch; when the exchange rejects the whole batch for an unknown market, asks for each market
   * alone so that only the bad one fails.
   */
  async #loadBatch<T extends { readonly market: string }>(
    markets: readonly string[],
    build: (markets: readonly string[]) => RestRequest,
    parse: (body: unknown, receivedAt: number, markets: readonly string[]) => T[],
  ): Promise<Map<string, T | Error>> {
    try {
      const reply = await this.rest.fetch(build(markets));
      return new Map(parse(reply.body, this.#now(), markets).map((item) => [item.market, item]));
    } catch (error) {
      if (!(error instanceof UnknownSymbolError) || markets.length === 1) throw error;
      const singles = await Promise.all(
        markets.map(async (market): Promise<[string, T | Error]> => {
          try {
            const [item] = parse((await this.rest.fetch(build([market]))).body, this.#now(), [market]);
            return [market, item ?? this.#unknown(market)];
          } catch (single) {
            return [market, single instanceof Error ? single : new MarketDataError(String(single))];
          }
        }),
      );
      return new Map(singles);
    }
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
    const unified = parseUnifiedSymbol(symbol);
    if (unified !== undefined) return this.adapter.formatMarket(unified);
    const parts = this.adapter.parseMarket(symbol.trim().toUpperCase());
    if (parts === undefined) throw this.#unknown(symbol);
    return this.adapter.formatMarket(parts);
  }

  #unknown(symbol: string): UnknownSymbolError {
    return new UnknownSymbolError(`${this.adapter.id} has no market ${symbol}`, { exchange: this.adapter.id, symbol });
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): MarketDataError {
    return new MarketDataError(`${this.adapter.id} client is closed`, { exchange: this.adapter.id });
  }
}
