/**
 * The facade: one object, every exchange. Routes each call to the exchange it names (or the default
 * one) and hides batching, rate limiting and retries. Names no exchange itself; its state and helpers
 * live in `backbone-clients.ts` and `stream-once-resolved.ts`, its option types in `backbone-options.ts`.
 */
import { defer, throwError, type Observable } from 'rxjs';
import { GatewayError, type MarketDataError } from '../errors/index.js';
import { downloadCandles, type CandleDownloadEvent, type CandleRangeOptions } from '../client/candle-history.js';
import { checkArbitrageArguments, checkLegOptions, streamArbitrage, type StreamArbitrageOptions } from './arbitrage-stream.js';
import { streamConsolidatedBook, type StreamConsolidatedBookOptions } from './consolidated-stream.js';
import type { ConsolidatedBook } from '../model/consolidated-book.js';
import type { OfficialFxRate } from '../model/fx.js';
import type { Balance, MyAssetEvent, MyOrderEvent, Order } from '../model/account.js';
import { CANDLE_INTERVALS, isCandleInterval, type ArbitrageSnapshot, type Candle, type CandleInterval, type Market, type OrderBook, type StatusEvent, type Ticker, type Trade } from '../model/index.js';
import { Big as BigClass, type Big } from '../model/decimal.js';
import { tickSizeAt, type PriceBand } from '../model/price-bands.js';
import type { PrivateClient } from '../private/private-client.js';
import type { ExchangeClient, ExchangeClientStats } from '../client/exchange-client.js';
import { DEFAULT_EXCHANGE, exchangeAdapters, isExchangeId, type ExchangeId } from '../exchanges/registry.js';
import { RemoteCalls } from '../remote/remote-calls.js';
import type { CandleUpdate } from '../../operators/candlesFromTrades.js';
import type { ExchangeSelector, FreshnessOption, GetCandlesOptions, MarketDataBackboneOptions } from './backbone-options.js';
import { attempt, BackboneClients, fetchCandles } from './backbone-clients.js';
import { streamOnceResolved } from './stream-once-resolved.js';
import { BackboneRouting, type ExchangeRoutingChange } from './backbone-routing.js';
import type { RoutingExplanation, RoutingSnapshot } from '../routing/routing-types.js';
import { checkFlag, checkMaxAge, checkOptions, checkRange, checkSymbol, checkCount, checkInterval, checkStreamDepth, invalid } from '../client/arguments.js';

export type { ExchangeOptions, ExchangeSelector, FreshnessOption, GetCandlesOptions, MarketDataBackboneOptions } from './backbone-options.js';
export type { ExchangeRoutingChange } from './backbone-routing.js';

/**
 * One typed interface to crypto market data.
 *
 * Symbols are accepted in the exchange's own form (`KRW-BTC`) or unified (`BTC/KRW`). Prices and
 * amounts are exact `Big` decimals. Concurrent calls for different markets are batched into one request
 * where the exchange allows it, and every request waits for the exchange's rate limits.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 *
 * const backbone = new MarketDataBackbone();
 * const ticker = await backbone.getTicker('KRW-BTC');
 * console.log(ticker.symbol, ticker.last.toString());
 * await backbone.close();
 * ```
 */
export class MarketDataBackbone {
  readonly #clients: BackboneClients;
  /** Set when the backbone reads through gateways (`options.gateway`): every served call goes there. */
  readonly #remote: RemoteCalls | undefined;
  readonly #routing: BackboneRouting;

  constructor(options: MarketDataBackboneOptions = {}) {
    this.#clients = new BackboneClients(options);
    const { gateway } = options;
    this.#remote = gateway === undefined ? undefined : new RemoteCalls({ urls: typeof gateway === 'string' ? [gateway] : gateway, token: options.gatewayToken }, options.defaultExchange ?? DEFAULT_EXCHANGE);
    const routing = options.routing === true ? {} : options.routing === false ? undefined : options.routing;
    const scheduler = (id: ExchangeId) => options.exchanges?.[id]?.scheduler ?? options.scheduler;
    this.#routing = new BackboneRouting(routing, (id) => this.exchange(id), () => this.#clients.defaultExchange, scheduler);
  }

  /**
   * The adaptive router (with the `routing` option on): `explain(symbol)` says what it would do for a
   * call now and why, `streamRouting()` emits each change of plan, `save()` returns its small state for
   * the `routing.state` option of the next backbone.
   *
   * @example
   * ```ts
   * const backbone = new MarketDataBackbone({ routing: true });
   * console.log(backbone.routing.explain('KRW-BTC').reasons.join('; '));
   * backbone.routing.streamRouting().subscribe((c) => console.log(c.action, c.market, c.reason));
   * ```
   */
  get routing(): {
    explain(symbol: string, options?: ExchangeSelector): RoutingExplanation;
    streamRouting(options?: ExchangeSelector): Observable<ExchangeRoutingChange>;
    save(): Partial<Record<ExchangeId, RoutingSnapshot>>;
  } {
    const routing = this.#routing;
    return {
      explain: (symbol, options = {}) => routing.explain(checkSymbol(symbol), checkOptions(options).exchange),
      streamRouting: (options = {}) => defer(() => routing.changes(checkOptions(options).exchange)),
      save: () => routing.save(),
    };
  }

  /**
   * The client of one exchange (created on first use), for lower-level access.
   *
   * @example
   * ```ts
   * backbone.exchange('upbit').stats.requests;
   * ```
   */
  exchange(id: ExchangeId = this.#clients.defaultExchange): ExchangeClient {
    this.#local('exchange()');
    return this.#clients.publicClient(id);
  }

  /**
   * The private client of one exchange (created on first use): signed requests with the configured keys.
   * Throws when the exchange has no private API here or no keys are configured.
   *
   * @example
   * ```ts
   * const balances = await backbone.private('upbit').getAccounts();
   * ```
   */
  private(id: ExchangeId = this.#clients.defaultExchange): PrivateClient {
    this.#local('private()');
    return this.#clients.privateClient(id);
  }

  /**
   * Balances of the account whose keys are configured (signed `GET /v1/accounts` on Upbit).
   *
   * @example
   * ```ts
   * const krw = (await backbone.getAccounts()).find((b) => b.currency === 'KRW');
   * ```
   */
  getAccounts(options: ExchangeSelector = {}): Promise<Balance[]> {
    return attempt(() => this.private(checkOptions(options).exchange).getAccounts());
  }

  /**
   * Open orders of the account, of one market or all.
   *
   * @example
   * ```ts
   * const orders = await backbone.getOpenOrders('KRW-BTC');
   * ```
   */
  getOpenOrders(symbol?: string, options: ExchangeSelector = {}): Promise<Order[]> {
    return attempt(() => this.private(checkOptions(options).exchange).getOpenOrders(symbol === undefined ? undefined : checkSymbol(symbol)));
  }

  /**
   * The account's order events (`myOrder`: `wait` → `trade` → `done`/`cancel`) over the private socket,
   * with in-band status events. Node only: browsers cannot set the socket's `Authorization` header, so
   * there the stream errors with `PrivateStreamUnsupportedError` (use a server-side gateway).
   *
   * @example
   * ```ts
   * backbone.streamMyOrders('KRW-BTC').subscribe((e) => e.type === 'myOrder' && console.log(e.state));
   * ```
   */
  streamMyOrders(symbol?: string, options: ExchangeSelector = {}): Observable<MyOrderEvent | StatusEvent> {
    if (this.#remote !== undefined) return this.#remote.streamMyOrders(symbol, options);
    return defer(() => this.private(checkOptions(options).exchange).streamMyOrders(symbol === undefined ? undefined : checkSymbol(symbol)));
  }

  /**
   * The account's balance changes (`myAsset`) over the private socket. Node only, as {@link streamMyOrders}.
   *
   * @example
   * ```ts
   * backbone.streamMyAssets().subscribe((e) => e.type === 'myAsset' && console.log(e.assets));
   * ```
   */
  streamMyAssets(options: ExchangeSelector = {}): Observable<MyAssetEvent | StatusEvent> {
    if (this.#remote !== undefined) return this.#remote.streamMyAssets(options);
    return defer(() => this.private(checkOptions(options).exchange).streamMyAssets());
  }

  /**
   * Every market of an exchange.
   *
   * @example
   * ```ts
   * const markets = await backbone.getMarkets();
   * ```
   */
  getMarkets(options: ExchangeSelector = {}): Promise<Market[]> {
    if (this.#remote !== undefined) return this.#remote.getMarkets(options);
    return this.#call(options, (client) => client.getMarkets());
  }

  /**
   * Tick sizes of one market by price band, lowest first (see {@link tickSizeAt} and {@link roundToTick}):
   * Coinone serves them per market, Upbit documents them (KRW and BTC markets), Binance has one per
   * market. Empty when the exchange publishes none.
   *
   * @example
   * ```ts
   * const bands = await backbone.getPriceBands('BTC/KRW', { exchange: 'coinone' });
   * const limit = roundToTick(wanted, bands, 'down');
   * ```
   */
  getPriceBands(symbol: string, options: ExchangeSelector = {}): Promise<readonly PriceBand[]> {
    return this.#call(options, (client) => client.getPriceBands(checkSymbol(symbol)));
  }

  /**
   * The tick size of one market at `price`, or `undefined` when the exchange publishes none.
   *
   * @example
   * ```ts
   * (await backbone.getTickSize('KRW-BTC', '143250000'))?.toFixed(); // '1000'
   * ```
   */
  async getTickSize(symbol: string, price: Big | string, options: ExchangeSelector = {}): Promise<Big | undefined> {
    if (!(typeof price === 'string' && DECIMAL.test(price)) && !(price instanceof BigClass)) invalid('price', price, 'a price is a Big or a decimal string such as "143250000"');
    return tickSizeAt(await this.getPriceBands(symbol, options), price);
  }

  /**
   * The ticker of one market, from the cheapest fresh source: a live ticker stream's latest value when
   * one is open and fresh (no request), else REST. `{ realtime: true }` opens the stream and resolves
   * with its first value. `maxAgeMs` bounds the answer's age (never older than asked). With the
   * `routing` option the adaptive router picks the source and holds hot markets on the socket ahead.
   *
   * @example
   * ```ts
   * const { last, changeRate } = await backbone.getTicker('BTC/KRW');
   * const recent = await backbone.getTicker('BTC/KRW', { maxAgeMs: 500 });
   * ```
   */
  getTicker(symbol: string, options: ExchangeSelector & FreshnessOption & { readonly realtime?: boolean } = {}): Promise<Ticker> {
    if (this.#remote !== undefined) return this.#remote.getTicker(symbol, options);
    return this.#call(options, (client) => {
      const realtime = checkFlag(options.realtime, 'options.realtime');
      const maxAgeMs = checkMaxAge(options.maxAgeMs, 'options.maxAgeMs');
      if (this.#routing.enabled && realtime !== true) return this.#routing.ticker(client, checkSymbol(symbol), maxAgeMs);
      return client.getTicker(symbol, { realtime, maxAgeMs });
    });
  }

  /**
   * Tickers of several markets in as few requests as the exchange allows, in the order asked.
   *
   * @example
   * ```ts
   * const [btc, eth] = await backbone.getTickers(['KRW-BTC', 'KRW-ETH']);
   * ```
   */
  getTickers(symbols: readonly string[], options: ExchangeSelector & FreshnessOption = {}): Promise<Ticker[]> {
    if (this.#remote !== undefined) return this.#remote.getTickers(symbols, options);
    return this.#call(options, (client) => {
      if (!Array.isArray(symbols)) invalid('symbols', symbols, 'symbols are an array of strings');
      symbols.forEach((symbol, i) => checkSymbol(symbol, `symbols[${i}]`));
      const maxAgeMs = checkMaxAge(options.maxAgeMs, 'options.maxAgeMs');
      if (this.#routing.enabled) return Promise.all(symbols.map((symbol) => this.#routing.ticker(client, symbol, maxAgeMs, 1 / symbols.length)));
      return Promise.all(symbols.map((symbol) => client.getTicker(symbol, { maxAgeMs })));
    });
  }

  /**
   * The order book of one market: bids and asks best first, `depth` levels each.
   *
   * @example
   * ```ts
   * const book = await backbone.getOrderBook('KRW-BTC', { depth: 5 });
   * ```
   */
  getOrderBook(symbol: string, options: ExchangeSelector & { readonly depth?: number } = {}): Promise<OrderBook> {
    if (this.#remote !== undefined) return this.#remote.getOrderBook(symbol, options);
    return this.#call(options, (client) => client.getOrderBook(checkSymbol(symbol), client.checkDepth(options.depth, 'options.depth')));
  }

  /**
   * Recent trades, oldest first.
   *
   * @example
   * ```ts
   * const trades = await backbone.getTrades('KRW-BTC', { count: 100 });
   * ```
   */
  getTrades(symbol: string, options: ExchangeSelector & { readonly count?: number } = {}): Promise<Trade[]> {
    if (this.#remote !== undefined) return this.#remote.getTrades(symbol, options);
    return this.#call(options, (client) => {
      const count = checkCount(options.count, 'options.count', client.adapter.rest.maxCount?.trades, client.adapter.id);
      return client.getTrades(checkSymbol(symbol), { count });
    });
  }

  /**
   * Candles, oldest first. Periods without a trade have no candle (Upbit sends none; `fill: true`
   * inserts flat `filled: true` candles for them). With `from`, pages back from `to` (default now)
   * as many candles a request as the exchange serves (Upbit 200) under the rate limiter and returns the whole range `from <= openTime < to`
   * without duplicates; without it, one request of `count` candles before `to`.
   *
   * @example
   * ```ts
   * const lastHour = await backbone.getCandles('KRW-BTC', '1m', { count: 60 });
   * const january = await backbone.getCandles('KRW-BTC', '1h', { from: new Date('2026-01-01'), to: new Date('2026-02-01') });
   * ```
   */
  getCandles(symbol: string, interval: CandleInterval, options: GetCandlesOptions = {}): Promise<Candle[]> {
    if (this.#remote !== undefined) return this.#remote.getCandles(symbol, interval, options);
    return this.#call(options, (client) => {
      checkSymbol(symbol);
      checkInterval(interval, client.adapter.rest, client.adapter.id);
      checkCount(options.count, 'options.count');
      checkFlag(options.fill, 'options.fill');
      checkRange(options.from, options.to);
      return fetchCandles(client, symbol, interval, options);
    });
  }

  /**
   * Downloads a candle range page by page: `batch` events with the candles of each page and `progress`
   * events (`fetched`, `total` periods as an upper bound, `eta` in ms). Unsubscribing cancels: the
   * request in flight is aborted and no other is sent.
   *
   * @example
   * ```ts
   * backbone.downloadCandles('KRW-BTC', '1m', { from: Date.parse('2026-01-01'), to: Date.parse('2026-01-31') })
   *   .subscribe((e) => (e.type === 'progress' ? bar.update(e.fetched / e.total) : store.add(e.candles)));
   * ```
   */
  downloadCandles(symbol: string, interval: CandleInterval, options: ExchangeSelector & CandleRangeOptions): Observable<CandleDownloadEvent> {
    return defer(() => downloadCandles(this.exchange(checkOptions(options).exchange), symbol, interval, options));
  }

  /**
   * A hot ticker stream: shared per market, replaying the latest ticker, served by the WebSocket and by
   * REST polling while the socket is down. It errors only for non-retryable faults (unknown market).
   *
   * @example
   * ```ts
   * backbone.streamTicker('KRW-BTC').subscribe((t) => console.log(t.last.toFixed()));
   * ```
   */
  streamTicker(symbol: string, options: ExchangeSelector = {}): Observable<Ticker> {
    if (this.#remote !== undefined) return this.#remote.streamTicker(symbol, options);
    return this.#stream(options, symbol, (client, market) => client.streams.ticker(market));
  }

  /**
   * A hot trade stream: every trade once, in order, across reconnects and source switches.
   *
   * @example
   * ```ts
   * backbone.streamTrades('KRW-BTC').pipe(filter((t) => t.side === 'buy')).subscribe(strategy);
   * ```
   */
  streamTrades(symbol: string, options: ExchangeSelector = {}): Observable<Trade> {
    if (this.#remote !== undefined) return this.#remote.streamTrades(symbol, options);
    return this.#stream(options, symbol, (client, market) => client.streams.trades(market));
  }

  /**
   * A hot order-book stream of full snapshots, `depth` levels a side (best first).
   *
   * @example
   * ```ts
   * backbone.streamOrderBook('KRW-BTC', { depth: 5 }).subscribe((book) => render(book));
   * ```
   */
  streamOrderBook(symbol: string, options: ExchangeSelector & { readonly depth?: number } = {}): Observable<OrderBook> {
    if (this.#remote !== undefined) return this.#remote.streamOrderBook(symbol, options);
    return this.#stream(options, symbol, (client, market) => client.streams.orderBook(market, options.depth), (client) => checkStreamDepth(client.adapter, options.depth, 'options.depth'));
  }

  /**
   * A hot candle stream: the open candle as trades change it (`closed: false`) and each finished candle
   * once more with `closed: true` when the next period starts (a quiet market closes late: the close
   * is only known when the next period's first trade arrives). Errors with a `MarketDataError` for an
   * interval the exchange does not stream (Upbit: `1s` to `4h`); poll `getCandles` or build longer ones
   * with `candlesFromTrades`.
   *
   * @example
   * ```ts
   * backbone.streamCandles('KRW-BTC', '1m').pipe(filter((c) => c.closed)).subscribe(store.append);
   * ```
   */
  streamCandles(symbol: string, interval: CandleInterval, options: ExchangeSelector = {}): Observable<CandleUpdate> {
    if (this.#remote !== undefined) return this.#remote.streamCandles(symbol, interval, options);
    return this.#stream(options, symbol, (client, market) => client.streams.candles(market, interval), () => {
      // Which intervals the socket streams is the stream's to say; here only what is no interval at all.
      if (!isCandleInterval(interval)) invalid('interval', interval, `an interval is one of ${CANDLE_INTERVALS.join(', ')}`);
    });
  }

  /**
   * The live premium and executable spreads of one asset across exchanges: `combineLatest` over their
   * order-book streams (and the FX rate's ticker), priced by the `arbitrage` operator. Per pair of
   * exchanges: the premium (mid vs mid, %), and both routes (buy at the best ask on one, sell at the best
   * bid on the other, after `fees`) with the quantity tradable at a profit. Prices in another quote are
   * converted through `fx` (by default a pair the exchanges list themselves: Upbit's USDT/KRW for
   * Binance's BTC/USDT); a leg older than `staleAfterMs` is flagged (and re-emitted as stale when it
   * turns so), never combined as fresh.
   *
   * @example
   * ```ts
   * backbone.streamArbitrage('BTC', ['upbit', 'binance']).subscribe(({ pairs }) => console.log(pairs[0]?.premium?.toFixed(2)));
   * backbone.streamArbitrage('BTC', { exchanges: ['upbit', 'coinone', 'binance'], fx: 'upbit:USDT/KRW', fees: { binance: '0.001' } })
   *   .subscribe(({ pairs }) => pairs.forEach((p) => console.log(p.a, p.b, p.premium?.toFixed(2), p.stale)));
   * ```
   */
  streamArbitrage(base: string, exchanges: readonly ExchangeId[], options?: Omit<StreamArbitrageOptions, 'exchanges'>): Observable<ArbitrageSnapshot>;
  streamArbitrage(base: string, options: StreamArbitrageOptions): Observable<ArbitrageSnapshot>;
  streamArbitrage(
    base: string,
    exchangesOrOptions: readonly ExchangeId[] | StreamArbitrageOptions,
    options: Omit<StreamArbitrageOptions, 'exchanges'> = {},
  ): Observable<ArbitrageSnapshot> {
    try {
      const merged = checkArbitrageArguments(base, exchangesOrOptions, options);
      if (this.#remote !== undefined) {
        if (Object.keys(merged).some((name) => name !== 'exchanges')) invalid('options', merged, 'through a gateway, streamArbitrage takes the exchanges only (the gateway prices with its defaults)');
        return this.#remote.streamArbitrage(base, merged.exchanges);
      }
      return streamArbitrage(this, base, merged);
    } catch (error) {
      return throwError(() => error);
    }
  }

  /**
   * The books of one asset on several exchanges merged into one consolidated book: every level converted
   * to `quote` (Binance's USDT through `fx`: the exchanges' own USDT/KRW by default, `'official'` for the
   * bank's rate), equal prices joined and tagged with each venue and its size, and the best bid and ask
   * across venues with their venues (an NBBO). A venue older than `staleAfterMs` is flagged (and re-emitted
   * as stale when it turns so), its levels left out with `dropStale`.
   *
   * @example
   * ```ts
   * backbone.streamConsolidatedBook('BTC', { exchanges: ['upbit', 'coinone', 'binance'], depth: 30 })
   *   .subscribe(({ bestBid, bestAsk }) => console.log(bestBid?.price.toFixed(), bestBid?.venues.map((v) => v.venue), bestAsk?.price.toFixed()));
   * ```
   */
  streamConsolidatedBook(base: string, options: StreamConsolidatedBookOptions): Observable<ConsolidatedBook> {
    try {
      checkLegOptions(base, checkOptions(options));
      return streamConsolidatedBook(this, base, options);
    } catch (error) {
      return throwError(() => error);
    }
  }

  /**
   * The official rate of a currency in KRW (`'USD/KRW'`), from the bank quotation Upbit's site shows
   * (Dunamu forex): a reply less than a minute old is reused, else one request. `ageMs` says how old the
   * bank's quote is: a closed bank market keeps its last rate, old but not broken.
   *
   * @example
   * ```ts
   * const { rate, ageMs } = await backbone.getFx('USD/KRW');
   * console.log(`${rate.toFixed(2)} KRW per USD, quoted ${Math.round(ageMs / 60_000)} min ago`);
   * ```
   */
  getFx(pair: string): Promise<OfficialFxRate> {
    return attempt(() => this.#clients.fxSource().getFx(pair));
  }

  /**
   * A hot stream of the official rate of `pair` (`'USD/KRW'`): polled at most once a minute, shared by
   * every subscriber of the pair, each value carrying the quote's age. A failed poll keeps the last rate
   * (its age grows); a pair the source does not quote errors the stream.
   *
   * @example
   * ```ts
   * backbone.streamFx('USD/KRW').subscribe(({ rate, ageMs }) => console.log(rate.toFixed(2), ageMs));
   * ```
   */
  streamFx(pair: string): Observable<OfficialFxRate> {
    return defer(() => this.#clients.fxSource().streamFx(pair));
  }

  /**
   * Connection status events of an exchange's socket: `connecting`, `connected`, `disconnect`,
   * `reconnect`, `closed`.
   *
   * @example
   * ```ts
   * backbone.streamStatus().subscribe((s) => console.log(s.status, s.reason ?? ''));
   * ```
   */
  streamStatus(options: ExchangeSelector = {}): Observable<StatusEvent> {
    if (this.#remote !== undefined) return this.#remote.streamStatus(options);
    return defer(() => this.exchange(checkOptions(options).exchange).streams.status$);
  }

  /**
   * Problems the streams of an exchange survived: undecodable frames (`ParseError`), exchange error
   * frames (`ExchangeError`), socket drops (`ConnectionError`, `StaleStreamError`). Streams go on.
   *
   * @example
   * ```ts
   * backbone.streamErrors().subscribe((error) => console.warn(error.name, error.message));
   * ```
   */
  streamErrors(options: ExchangeSelector = {}): Observable<MarketDataError> {
    return defer(() => this.exchange(checkOptions(options).exchange).streams.errors$);
  }

  /** Request counters of every exchange used so far. */
  get stats(): Partial<Record<ExchangeId, ExchangeClientStats>> {
    return this.#clients.stats;
  }

  /**
   * Releases every resource; later calls reject.
   *
   * @example
   * ```ts
   * await backbone.close();
   * ```
   */
  async close(): Promise<void> {
    this.#remote?.close();
    this.#routing.close();
    this.#clients.close();
  }

  /** `util.inspect` shows the same safe summary as `toString` (no options, no keys). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Hides secrets and internals from `console.log` and `util.inspect`. */
  toString(): string {
    return `MarketDataBackbone { exchanges: [${this.#clients.ids.join(', ')}] }`;
  }

  /**
   * A stream of the selected exchange once the symbol is resolved (see {@link streamOnceResolved}).
   * Arguments are checked at subscription, before the client resolves anything or opens a socket, so
   * a bad one errors the stream (with an `InvalidArgumentError`) instead of throwing in a socket handler.
   */
  #stream<T>(
    options: ExchangeSelector,
    symbol: string,
    open: (client: ExchangeClient, market: string) => Observable<T>,
    check?: (client: ExchangeClient) => void,
  ): Observable<T> {
    return streamOnceResolved(
      () => {
        const client = this.exchange(checkOptions(options).exchange);
        checkSymbol(symbol);
        check?.(client);
        return client;
      },
      symbol,
      open,
    );
  }

  /** Refuses `what` through a gateway: it needs an exchange client of this process. */
  #local(what: string): void {
    if (this.#remote !== undefined) throw new GatewayError(`${what} is not served through a gateway: use a MarketDataBackbone without the gateway option`, { code: 'not-found' });
  }

  #call<T>(options: ExchangeSelector, run: (client: ExchangeClient) => Promise<T>): Promise<T> {
    return attempt(() => run(this.exchange(checkOptions(options).exchange)));
  }
}

/** A non-negative decimal as a string. */
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * The market-data methods of {@link MarketDataBackbone} (markets, tickers, books, trades, candles, their
 * streams, arbitrage, status and errors). Type a strategy against it and it runs on the live backbone and,
 * in tests, on `createTestBackbone` of `market-data-backbone/testing`, which has these very signatures.
 *
 * @example
 * ```ts
 * import { map, type Observable } from 'rxjs';
 * import type { MarketDataSource } from 'market-data-backbone';
 * const lastPrice = (source: MarketDataSource, symbol: string): Observable<string> => source.streamTicker(symbol).pipe(map((t) => t.last.toFixed()));
 * ```
 */
export type MarketDataSource = Pick<
  MarketDataBackbone,
  | 'getMarkets' | 'getTicker' | 'getTickers' | 'getOrderBook' | 'getTrades' | 'getCandles'
  | 'streamTicker' | 'streamTrades' | 'streamOrderBook' | 'streamCandles' | 'streamArbitrage' | 'streamStatus' | 'streamErrors'
>;
