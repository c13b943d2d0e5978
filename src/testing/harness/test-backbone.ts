/**
 * `createTestBackbone`: the market-data methods of `MarketDataBackbone`, with the same signatures and
 * value types, served from marble diagrams on a `TestScheduler` instead of exchanges. Streams are hot and
 * shared per market like the backbone's; getters answer from what the diagrams emitted by the virtual time
 * they are called at; `streamArbitrage` runs the library's own arbitrage pipeline over the driven books.
 */
import { defer, firstValueFrom, map, NEVER, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CandleUpdate } from '../../../operators/candlesFromTrades.js';
import { checkArbitrageArguments, streamArbitrage, type StreamArbitrageOptions } from '../../backbone/arbitrage-stream.js';
import type { ExchangeSelector, GetCandlesOptions, MarketDataSource } from '../../backbone/backbone.js';
import { checkCount, checkFlag, checkInterval, checkOptions, checkRange, checkStreamDepth, invalid } from '../../client/arguments.js';
import { fillCandleGaps } from '../../client/candle-history.js';
import { ExchangeError, MarketDataError, UnknownSymbolError } from '../../errors/index.js';
import { exchangeAdapters, type ExchangeId } from '../../exchanges/registry.js';
import type { ArbitrageSnapshot } from '../../model/arbitrage.js';
import { CANDLE_INTERVALS, isCandleInterval, type Candle, type CandleInterval } from '../../model/candle.js';
import { nextPeriod, periodStart } from '../../model/candle-periods.js';
import type { Market } from '../../model/market.js';
import type { StatusEvent } from '../../model/market-event.js';
import type { OrderBook } from '../../model/order-book.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import { buildCandle, buildOrderBook, buildStatus, buildTicker, buildTrade, type BuildContext, type CandleSpec, type OrderBookSpec, type StatusSpec, type TickerSpec, type TradeSpec } from './builders.js';
import { DrivenStream, type Driven } from './driven-stream.js';
import { checkExchange, resolveMarket, type ResolvedMarket } from './market-ref.js';

/** Options of {@link createTestBackbone}. */
export interface TestBackboneOptions {
  /** How long a late subscriber is replayed a stream's last value, in frames (the backbone's `replayTtlMs`). @default Infinity */
  readonly replayTtlMs?: number | undefined;
}

/** Options of a diagram: the exchange it drives and the error its `#` sends. */
export interface DriveOptions extends ExchangeSelector {
  /** What `#` errors the stream (and rejects its getters) with. @default an `ExchangeError` (code `marble_error`) naming the stream */
  readonly error?: MarketDataError | undefined;
}

/** A diagram's marble characters and the spec each one stands for. */
export type MarbleValues<S> = Readonly<Record<string, S>>;

/** The kinds of market stream a test drives. */
type Kind = 'ticker' | 'trades' | 'orderBook' | 'candles';

/** Builds one emitted value from its spec: `char` names it in errors, `sequence` counts the stream's values (1-based). */
type Build<S, T> = (spec: S, char: string, sequence: number) => T;

/**
 * A test double of {@link MarketDataSource}, driven by marble diagrams. Create it with {@link createTestBackbone}.
 *
 * @example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { buildTicker, createTestBackbone } from 'market-data-backbone/testing';
 * declare const scheduler: TestScheduler;
 * scheduler.run(({ expectObservable }) => {
 *   const backbone = createTestBackbone(scheduler);
 *   backbone.ticker('KRW-BTC', '--a--b--|', { a: { last: '100' }, b: { last: '101' } });
 *   expectObservable(backbone.streamTicker('BTC/KRW')).toBe('--a--b--|', {
 *     a: buildTicker({ last: '100' }, { symbol: 'KRW-BTC', at: 2 }),
 *     b: buildTicker({ last: '101' }, { symbol: 'KRW-BTC', at: 5 }),
 *   });
 * });
 * ```
 */
export class TestBackbone implements MarketDataSource {
  readonly #scheduler: TestScheduler;
  readonly #replayTtlMs: number;
  readonly #streams: { readonly [K in Kind]: Map<string, DrivenStream<KindValue[K]>> } = { ticker: new Map(), trades: new Map(), orderBook: new Map(), candles: new Map() };
  readonly #status = new Map<string, DrivenStream<StatusEvent>>();
  readonly #errors = new Map<string, DrivenStream<MarketDataError>>();
  /** Every market driven on some stream, per exchange: what `getMarkets` lists. */
  readonly #markets = new Map<ExchangeId, Map<string, ResolvedMarket>>();

  constructor(scheduler: TestScheduler, options: TestBackboneOptions = {}) {
    // Not `instanceof`: a test's `rxjs/testing` may be another copy than the library's (ESM beside CommonJS).
    if (typeof (scheduler as Partial<TestScheduler> | undefined)?.createHotObservable !== 'function') invalid('scheduler', scheduler, "a TestScheduler from 'rxjs/testing'");
    this.#scheduler = scheduler;
    const { replayTtlMs = Infinity } = checkOptions(options);
    if (typeof replayTtlMs !== 'number' || !(replayTtlMs >= 0)) invalid('options.replayTtlMs', replayTtlMs, 'a number of frames, at least 0 (Infinity: always)');
    this.#replayTtlMs = replayTtlMs;
  }

  /**
   * Drives the ticker stream of one market: each marble emits the {@link buildTicker} of its spec, stamped
   * with the frame it is emitted at.
   *
   * @example
   * ```ts
   * backbone.ticker('KRW-BTC', '--a--b--|', { a: { last: '100' }, b: { last: '101' } });
   * backbone.ticker('BTC/USDT', '-a-#', { a: { last: '70000' } }, { exchange: 'binance' });
   * ```
   * @returns Its subscription log.
   */
  ticker(symbol: string, marbles: string, values: MarbleValues<TickerSpec> = {}, options: DriveOptions = {}): Driven {
    return this.#driveMarket('ticker', symbol, marbles, values, options, buildTicker);
  }

  /**
   * Drives the trade stream of one market; ids default to the trade's position in the stream (`'1'`, `'2'`, ...).
   *
   * @example
   * ```ts
   * backbone.trades('KRW-BTC', '-a-b-', { a: { price: '100', amount: '0.5' }, b: { price: '99', side: 'sell' } });
   * ```
   * @returns Its subscription log.
   */
  trades(symbol: string, marbles: string, values: MarbleValues<TradeSpec> = {}, options: DriveOptions = {}): Driven {
    return this.#driveMarket('trades', symbol, marbles, values, options, buildTrade);
  }

  /**
   * Drives the order-book stream of one market (every depth of it: `streamOrderBook` cuts each book to the depth asked).
   *
   * @example
   * ```ts
   * backbone.orderBook('BTC/KRW', '-a--b', { a: { bid: '99', ask: '101' }, b: { bids: [['100', '2']], asks: [['102', '1']] } });
   * ```
   * @returns Its subscription log.
   */
  orderBook(symbol: string, marbles: string, values: MarbleValues<OrderBookSpec> = {}, options: DriveOptions = {}): Driven {
    return this.#driveMarket('orderBook', symbol, marbles, values, options, buildOrderBook);
  }

  /**
   * Drives the candle stream of one market and interval; `openTime` defaults to the period of the frame.
   *
   * @example
   * ```ts
   * backbone.candles('KRW-BTC', '1m', '-a-b', { a: { close: '100' }, b: { close: '100', closed: true } });
   * ```
   * @returns Its subscription log.
   */
  candles(symbol: string, interval: CandleInterval, marbles: string, values: MarbleValues<CandleSpec> = {}, options: DriveOptions = {}): Driven {
    if (!isCandleInterval(interval)) invalid('interval', interval, `an interval is one of ${CANDLE_INTERVALS.join(', ')}`);
    return this.#driveMarket('candles', symbol, marbles, values, options, buildCandle, interval);
  }

  /**
   * Drives the status events of one exchange's socket (`streamStatus`).
   *
   * @example
   * ```ts
   * backbone.status('c---d--r', { c: { status: 'connected' }, d: { status: 'disconnect', reason: 'stale' }, r: { status: 'reconnect', attempt: 1 } });
   * ```
   * @returns Its subscription log.
   */
  status(marbles: string, values: MarbleValues<StatusSpec> = {}, options: DriveOptions = {}): Driven {
    const { exchange, error } = this.#selector(options);
    return this.#drive(this.#status, exchange, exchange, `status of ${exchange}`, marbles, values, error, (spec, char) => buildStatus(spec, { exchange, at: this.#scheduler.now(), field: `values.${char}` }));
  }

  /**
   * Drives the errors one exchange's streams survived (`streamErrors`): each marble is a library error.
   *
   * @example
   * ```ts
   * import { ConnectionError } from 'market-data-backbone';
   * backbone.errors('--e', { e: new ConnectionError('socket closed', { reason: 'closed' }) });
   * ```
   * @returns Its subscription log.
   */
  errors(marbles: string, values: MarbleValues<MarketDataError> = {}, options: DriveOptions = {}): Driven {
    const { exchange, error } = this.#selector(options);
    return this.#drive(this.#errors, exchange, exchange, `errors of ${exchange}`, marbles, values, error, (value, char) =>
      value instanceof MarketDataError ? value : invalid(`values.${char}`, value, 'streamErrors emits MarketDataErrors'),
    );
  }

  /** As {@link MarketDataBackbone.getMarkets}: every market a diagram drives on the exchange. */
  async getMarkets(options: ExchangeSelector = {}): Promise<Market[]> {
    return this.#listMarkets(this.#selector(options).exchange);
  }

  /** As {@link MarketDataBackbone.getTicker}: the latest ticker by now; `realtime`: the stream's first (replayed) value. */
  async getTicker(symbol: string, options: ExchangeSelector & { readonly realtime?: boolean } = {}): Promise<Ticker> {
    const market = this.#market(symbol, options);
    if (checkFlag(options.realtime, 'options.realtime') === true) return firstValueFrom(this.#observe('ticker', market));
    return this.#latest('ticker', market);
  }

  /** As {@link MarketDataBackbone.getTickers}: the latest tickers, in the order asked. */
  async getTickers(symbols: readonly string[], options: ExchangeSelector = {}): Promise<Ticker[]> {
    if (!Array.isArray(symbols)) invalid('symbols', symbols, 'symbols are an array of strings');
    return symbols.map((symbol, i) => this.#latest('ticker', this.#market(symbol, options, `symbols[${i}]`)));
  }

  /** As {@link MarketDataBackbone.getOrderBook}: the latest book by now, `depth` levels a side. */
  async getOrderBook(symbol: string, options: ExchangeSelector & { readonly depth?: number } = {}): Promise<OrderBook> {
    const market = this.#market(symbol, options);
    return cut(this.#latest('orderBook', market), checkCount(options.depth, 'options.depth'));
  }

  /** As {@link MarketDataBackbone.getTrades}: the trades emitted by now, the last `count`, oldest first. */
  async getTrades(symbol: string, options: ExchangeSelector & { readonly count?: number } = {}): Promise<Trade[]> {
    const market = this.#market(symbol, options);
    const count = checkCount(options.count, 'options.count', exchangeAdapters[market.exchange].rest.maxCount?.trades, market.exchange);
    return this.#history('trades', market).slice(-(count ?? Infinity));
  }

  /**
   * As {@link MarketDataBackbone.getCandles}: the candles emitted by now, one per period (its latest update),
   * oldest first; `from`/`to` bound the open times, `count` keeps the last ones, `fill` (with `from`) fills
   * periods without a candle as the backbone does.
   */
  async getCandles(symbol: string, interval: CandleInterval, options: GetCandlesOptions = {}): Promise<Candle[]> {
    const market = this.#market(symbol, options);
    checkInterval(interval, exchangeAdapters[market.exchange].rest, market.exchange);
    const count = checkCount(options.count, 'options.count');
    const fill = checkFlag(options.fill, 'options.fill') ?? false;
    const { from, to = Infinity } = checkRange(options.from, options.to);
    const periods = new Map<number, Candle>();
    for (const { closed: _closed, filled: _filled, ...candle } of this.#history('candles', market, interval)) periods.set(candle.openTime, candle);
    const candles = [...periods.values()].sort((a, b) => a.openTime - b.openTime).filter((c) => c.openTime >= (from ?? -Infinity) && c.openTime < to);
    if (from === undefined) return candles.slice(-(count ?? Infinity));
    return fill ? fillCandleGaps(candles, interval, { from, to: Math.min(to, nextPeriod(interval, periodStart(interval, this.#scheduler.now()))) }) : candles;
  }

  /** As {@link MarketDataBackbone.streamTicker}: the driven ticker stream, hot and shared, replaying its last value. */
  streamTicker(symbol: string, options: ExchangeSelector = {}): Observable<Ticker> {
    return defer(() => this.#observe('ticker', this.#market(symbol, options)));
  }

  /** As {@link MarketDataBackbone.streamTrades}: the driven trade stream. */
  streamTrades(symbol: string, options: ExchangeSelector = {}): Observable<Trade> {
    return defer(() => this.#observe('trades', this.#market(symbol, options)));
  }

  /** As {@link MarketDataBackbone.streamOrderBook}: the driven book stream, each book cut to `depth` levels a side. */
  streamOrderBook(symbol: string, options: ExchangeSelector & { readonly depth?: number } = {}): Observable<OrderBook> {
    return defer(() => {
      const market = this.#market(symbol, options);
      const depth = checkStreamDepth(exchangeAdapters[market.exchange], options.depth, 'options.depth');
      return this.#observe('orderBook', market).pipe(map((book) => cut(book, depth)));
    });
  }

  /** As {@link MarketDataBackbone.streamCandles}: the driven candle stream of one interval. */
  streamCandles(symbol: string, interval: CandleInterval, options: ExchangeSelector = {}): Observable<CandleUpdate> {
    return defer(() => {
      if (!isCandleInterval(interval)) invalid('interval', interval, `an interval is one of ${CANDLE_INTERVALS.join(', ')}`);
      return this.#observe('candles', this.#market(symbol, options), interval);
    });
  }

  /**
   * As {@link MarketDataBackbone.streamArbitrage}, through the same code: the driven order books (and the
   * FX pair's driven ticker) priced by the `arbitrage` operator on the test scheduler's clock.
   */
  streamArbitrage(base: string, exchanges: readonly ExchangeId[], options?: Omit<StreamArbitrageOptions, 'exchanges'>): Observable<ArbitrageSnapshot>;
  streamArbitrage(base: string, options: StreamArbitrageOptions): Observable<ArbitrageSnapshot>;
  streamArbitrage(base: string, exchangesOrOptions: readonly ExchangeId[] | StreamArbitrageOptions, options: Omit<StreamArbitrageOptions, 'exchanges'> = {}): Observable<ArbitrageSnapshot> {
    try {
      const sources = {
        getMarkets: ({ exchange }: { readonly exchange: ExchangeId }) => this.#listMarkets(exchange),
        streamOrderBook: (symbol: string, selector: ExchangeSelector & { readonly depth?: number }) => this.streamOrderBook(symbol, selector),
        streamTicker: (symbol: string, selector: ExchangeSelector) => this.streamTicker(symbol, selector),
      };
      return streamArbitrage(sources, base, checkArbitrageArguments(base, exchangesOrOptions, options), this.#scheduler);
    } catch (error) {
      return throwError(() => error);
    }
  }

  /** As {@link MarketDataBackbone.streamStatus}: the exchange's driven status events (silent when none are driven). */
  streamStatus(options: ExchangeSelector = {}): Observable<StatusEvent> {
    return defer(() => this.#status.get(this.#selector(options).exchange)?.observe() ?? NEVER);
  }

  /** As {@link MarketDataBackbone.streamErrors}: the exchange's driven errors (silent when none are driven). */
  streamErrors(options: ExchangeSelector = {}): Observable<MarketDataError> {
    return defer(() => this.#errors.get(this.#selector(options).exchange)?.observe() ?? NEVER);
  }

  #selector(options: DriveOptions): { readonly exchange: ExchangeId; readonly error: MarketDataError | undefined } {
    const { exchange, error } = checkOptions(options);
    if (error !== undefined && !(error instanceof MarketDataError)) invalid('options.error', error, 'the error of # is a MarketDataError');
    return { exchange: checkExchange(exchange), error };
  }

  #market(symbol: string, options: ExchangeSelector, argument = 'symbol'): ResolvedMarket {
    return resolveMarket(this.#selector(options).exchange, symbol, argument);
  }

  #driveMarket<K extends Kind, S>(kind: K, symbol: string, marbles: string, values: MarbleValues<S>, options: DriveOptions, build: (spec: S, context: BuildContext) => KindValue[K], interval?: CandleInterval): Driven {
    const { exchange, error } = this.#selector(options);
    const market = resolveMarket(exchange, symbol);
    const name = `${kind} of ${exchange} ${market.market}${interval === undefined ? '' : ` ${interval}`}`;
    const driven = this.#drive(this.#streams[kind], keyOf(market, interval), exchange, name, marbles, values, error, (spec, char, sequence) =>
      build(spec, { exchange, symbol: market.market, at: this.#scheduler.now(), sequence, interval, field: `values.${char}` }),
      kind === 'trades' || kind === 'candles',
    );
    const listed = this.#markets.get(exchange) ?? new Map<string, ResolvedMarket>();
    this.#markets.set(exchange, listed.set(market.market, market));
    return driven;
  }

  /**
   * Starts one diagram: checks every marble has a spec and every spec builds (at once, so a bad one fails
   * the line that drives it), then builds each value at the frame it is emitted at.
   */
  #drive<S, T>(
    streams: Map<string, DrivenStream<T>>,
    key: string,
    exchange: ExchangeId,
    name: string,
    marbles: string,
    values: MarbleValues<S>,
    error: MarketDataError | undefined,
    build: Build<S, T>,
    keepHistory = false,
  ): Driven {
    if (typeof marbles !== 'string') invalid('marbles', marbles, "a marble diagram such as '--a--b--|'");
    if (streams.has(key)) invalid('marbles', marbles, `the ${name} is driven already: one diagram a stream`);
    const specs = checkOptions(values, 'values') as MarbleValues<S>;
    for (const char of marbleValues(marbles)) {
      if (!Object.prototype.hasOwnProperty.call(specs, char)) invalid(`values.${char}`, undefined, `the diagram emits '${char}' but values gives no spec for it`);
    }
    for (const [char, spec] of Object.entries(specs)) build(spec, char, 1);
    const thrown = error ?? new ExchangeError(`The ${name} errored: '#' in its marble diagram`, { code: 'marble_error', exchange });
    let sequence = 0;
    const diagram = this.#scheduler.createHotObservable<string>(marbles, undefined, thrown).pipe(map((char) => build(specs[char] as S, char, ++sequence)));
    const stream = new DrivenStream(diagram, this.#scheduler, { replayTtlMs: this.#replayTtlMs, keepHistory });
    streams.set(key, stream);
    return stream;
  }

  /** The driven stream of a market, silent for a listed market no diagram drives, an `UnknownSymbolError` for an unlisted one. */
  #observe<K extends Kind>(kind: K, market: ResolvedMarket, interval?: CandleInterval): Observable<KindValue[K]> {
    const stream = this.#streams[kind].get(keyOf(market, interval));
    if (stream !== undefined) return stream.observe();
    this.#checkListed(market);
    return NEVER;
  }

  /** The latest value of a driven stream by now, or the error of its `#`, of no diagram, or of no value yet. */
  #latest<K extends 'ticker' | 'orderBook'>(kind: K, market: ResolvedMarket): KindValue[K] {
    const stream = this.#driven(kind, market);
    const value = stream?.latest;
    if (value === undefined) {
      const why = stream === undefined ? 'no diagram drives it' : `its diagram has emitted nothing by frame ${this.#scheduler.now()}`;
      throw new MarketDataError(`No ${kind} of ${market.exchange} ${market.market} in this test backbone: ${why}`, { exchange: market.exchange });
    }
    return value;
  }

  /** Every value a driven stream emitted by now ([] for a listed market no diagram drives). */
  #history<K extends 'trades' | 'candles'>(kind: K, market: ResolvedMarket, interval?: CandleInterval): KindValue[K][] {
    return [...(this.#driven(kind, market, interval)?.history ?? [])];
  }

  /** The driven stream of a market (`undefined` for a listed market no diagram drives); throws its `#` error. */
  #driven<K extends Kind>(kind: K, market: ResolvedMarket, interval?: CandleInterval): DrivenStream<KindValue[K]> | undefined {
    const stream = this.#streams[kind].get(keyOf(market, interval));
    if (stream === undefined) this.#checkListed(market);
    if (stream?.failure !== undefined) throw stream.failure.error;
    return stream;
  }

  #checkListed(market: ResolvedMarket): void {
    if (this.#markets.get(market.exchange)?.has(market.market) === true) return;
    throw new UnknownSymbolError(`Unknown market ${market.market} on ${market.exchange}: no diagram of this test backbone drives it`, { exchange: market.exchange, symbol: market.market });
  }

  #listMarkets(exchange: ExchangeId): Market[] {
    const receivedAt = this.#scheduler.now();
    return [...(this.#markets.get(exchange)?.values() ?? [])].map(({ symbol, market, base, quote }) => ({ type: 'market', exchange, symbol, market, base, quote, names: {}, warning: false, receivedAt }));
  }
}

/** The value type of each kind of market stream. */
interface KindValue {
  readonly ticker: Ticker;
  readonly trades: Trade;
  readonly orderBook: OrderBook;
  readonly candles: CandleUpdate;
}

const keyOf = (market: ResolvedMarket, interval?: CandleInterval): string => `${market.exchange} ${market.market}${interval === undefined ? '' : ` ${interval}`}`;

/** A book cut to `depth` levels a side (the same book when no depth is asked). */
const cut = (book: OrderBook, depth: number | undefined): OrderBook =>
  depth === undefined || (book.bids.length <= depth && book.asks.length <= depth) ? book : { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };

/** The value characters of a marble diagram, as `TestScheduler` reads it in `run()` mode. */
function marbleValues(marbles: string): Set<string> {
  const chars = new Set<string>();
  for (const message of TestScheduler.parseMarbles(marbles, undefined, undefined, false, true)) {
    if (message.notification.kind === 'N') chars.add(String(message.notification.value));
  }
  return chars;
}

/**
 * A test backbone on `scheduler`: drive its streams with marble diagrams (`backbone.ticker(symbol,
 * marbles, values)`, `trades`, `orderBook`, `candles`, `status`, `errors`), then hand it to the code under
 * test wherever a {@link MarketDataSource} (the backbone's market-data methods) goes. Call it and drive it
 * inside `scheduler.run()`, so frames are milliseconds and `rxjs`'s own timers run on virtual time.
 *
 * - Values are complete model objects built from short specs (see {@link buildTicker}), exact decimals,
 *   `timestamp`/`receivedAt` at the frame they are emitted, `symbol`/`market` from the driven key.
 * - Streams are hot: a diagram runs from frame 0 whether anyone listens; subscribers share it, and a late
 *   one is replayed the last value first (for `replayTtlMs`). `#` errors the stream with `options.error`.
 * - Getters return promises settled from what the diagrams emitted by the frame they are called at (await
 *   them after `run()`, or call them from scheduled work); `#` makes them reject with its error, a stream
 *   without a value yet with a `MarketDataError`, a market no diagram drives with an `UnknownSymbolError`.
 *
 * @example
 * ```ts
 * import { map } from 'rxjs';
 * import { TestScheduler } from 'rxjs/testing';
 * import { expect } from 'vitest';
 * import { createTestBackbone } from 'market-data-backbone/testing';
 *
 * const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
 * scheduler.run(({ expectObservable }) => {
 *   const backbone = createTestBackbone(scheduler);
 *   backbone.ticker('KRW-BTC', '--a--b--|', { a: { last: '100' }, b: { last: '101' } });
 *   const last$ = backbone.streamTicker('KRW-BTC').pipe(map((t) => t.last.toFixed()));
 *   expectObservable(last$).toBe('--a--b--|', { a: '100', b: '101' });
 * });
 * ```
 * @param scheduler The `TestScheduler` whose frames drive the diagrams.
 * @param options How long late subscribers are replayed.
 * @returns The test backbone.
 */
export function createTestBackbone(scheduler: TestScheduler, options: TestBackboneOptions = {}): TestBackbone {
  return new TestBackbone(scheduler, options);
}
