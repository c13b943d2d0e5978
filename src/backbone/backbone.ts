/**
 * The facade: one object, every exchange. Routes each call to the exchange it names (or the default
 * one) and hides batching, rate limiting and retries. Names no exchange itself; its state and helpers
 * live in `backbone-clients.ts` and `stream-once-resolved.ts`, its option types in `backbone-options.ts`.
 */
import { defer, throwError, type Observable } from 'rxjs';
import type { MarketDataError } from '../errors/index.js';
import { downloadCandles, type CandleDownloadEvent, type CandleRangeOptions } from '../client/candle-history.js';
import { checkArbitrageArguments, streamArbitrage, type StreamArbitrageOptions } from './arbitrage-stream.js';
import type { Balance, MyAssetEvent, MyOrderEvent, Order } from '../model/account.js';
import { CANDLE_INTERVALS, isCandleInterval, type ArbitrageSnapshot, type Candle, type CandleInterval, type Market, type OrderBook, type StatusEvent, type Ticker, type Trade } from '../model/index.js';
import { Big as BigClass, type Big } from '../model/decimal.js';
import { tickSizeAt, type PriceBand } from '../model/price-bands.js';
import type { PrivateClient } from '../private/private-client.js';
import type { ExchangeClient, ExchangeClientStats } from '../client/exchange-client.js';
import type { ExchangeId } from '../exchanges/registry.js';
import type { CandleUpdate } from '../../operators/candlesFromTrades.js';
import type { ExchangeSelector, GetCandlesOptions, MarketDataBackboneOptions } from './backbone-options.js';
import { attempt, BackboneClients, fetchCandles } from './backbone-clients.js';
import { streamOnceResolved } from './stream-once-resolved.js';
import { checkFlag, checkOptions, checkRange, checkSymbol, checkCount, checkInterval, checkStreamDepth, invalid } from '../client/arguments.js';

export type { ExchangeOptions, ExchangeSelector, GetCandlesOptions, MarketDataBackboneOptions } from './backbone-options.js';

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

  constructor(options: MarketDataBackboneOptions = {}) {
    this.#clients = new BackboneClients(options);
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
   * with its first value.
   *
   * @example
   * ```ts
   * const { last, changeRate } = await backbone.getTicker('BTC/KRW');
   * ```
   */
  getTicker(symbol: string, options: ExchangeSelector & { readonly realtime?: boolean } = {}): Promise<Ticker> {
    return this.#call(options, (client) => client.getTicker(symbol, { realtime: checkFlag(options.realtime, 'options.realtime') }));
  }

  /**
   * Tickers of several markets in as few requests as the exchange allows, in the order asked.
   *
   * @example
   * ```ts
   * const [btc, eth] = await backbone.getTickers(['KRW-BTC', 'KRW-ETH']);
   * ```
   */
  getTickers(symbols: readonly string[], options: ExchangeSelector = {}): Promise<Ticker[]> {
    return this.#call(options, (client) => {
      if (!Array.isArray(symbols)) invalid('symbols', symbols, 'symbols are an array of strings');
      symbols.forEach((symbol, i) => checkSymbol(symbol, `symbols[${i}]`));
      return Promise.all(symbols.map((symbol) => client.getTicker(symbol)));
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
      return streamArbitrage(this, base, checkArbitrageArguments(base, exchangesOrOptions, options));
    } catch (error) {
      return throwError(() => error);
    }
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
