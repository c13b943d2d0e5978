/**
 * The deterministic, transport-free market model behind the Upbit simulators.
 *
 * Every value is a pure function of `(seed, market, time)`: a hashed price path, a hashed trade flow
 * per minute and an order book built around the last trade. Nothing is stored but bounded caches, so
 * any past instant (years back) can be asked for and two models with the same seed agree exactly.
 * Tickers, candles and books are derived from the trades, so they are always mutually consistent.
 */
import type { CandleInterval } from '../../model/candle.js';
import { Big } from '../../model/decimal.js';
import { nextPeriod, periodStart } from '../../model/candle-periods.js';
import { History, HISTORY_MAX_MARKETS, type HistoryCacheSizes } from './history.js';
import { aggregateRange, lastTradeBefore, tradesBefore, tradesInRange } from './history-queries.js';
import { createMarketProfile, type MarketProfile } from './market-profile.js';
import { DEFAULT_MARKETS, type SimMarketSpec } from './markets.js';
import { toSimAggregate, toSimMarket, toSimTrade } from './model-convert.js';
import { buildOrderBook } from './model-order-book.js';
import { TickerCalculator } from './model-ticker.js';
import type { SimAggregate, SimCandle, SimClock, SimMarket, SimOrderBook, SimTicker, SimTrade } from './model-types.js';
import { midTicks } from './price-path.js';

/** Options of a {@link MarketModel}. */
export interface MarketModelOptions {
  /** Seed of every hashed value. @default 42 */
  readonly seed?: number | undefined;
  /** Where "now" comes from. @default the system clock (`Date.now`) */
  readonly clock?: SimClock | undefined;
  /** The markets to simulate. @default DEFAULT_MARKETS */
  readonly markets?: readonly SimMarketSpec[] | undefined;
  /** Sizes of the history caches. @default see HistoryCacheSizes */
  readonly cache?: HistoryCacheSizes | undefined;
}

/** The system clock. */
const SYSTEM_CLOCK: SimClock = { now: () => Date.now() };

/**
 * A seeded market model.
 *
 * All times are milliseconds since the epoch; `at` defaults to the clock's now. Ranges are half-open
 * `[from, to)`. Prices and volumes are exact `Big`s. Unknown market codes throw; check with
 * {@link MarketModel.hasMarket} first.
 *
 * @example
 * ```ts
 * import { MarketModel } from 'market-data-backbone/testing';
 * const model = new MarketModel({ seed: 7, clock: { now: () => Date.UTC(2025, 6, 30, 12) } });
 * const ticker = model.ticker('KRW-BTC');
 * const last = model.lastTrade('KRW-BTC');
 * ticker?.tradePrice.eq(last?.price ?? 0); // true
 * ```
 */
export class MarketModel {
  readonly seed: number;
  readonly clock: SimClock;
  readonly #profiles = new Map<string, MarketProfile>();
  readonly #history: History;
  readonly #tickers: TickerCalculator;

  constructor(options: MarketModelOptions = {}) {
    this.seed = options.seed ?? 42;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    const specs = options.markets ?? DEFAULT_MARKETS;
    if (specs.length > HISTORY_MAX_MARKETS) throw new Error(`MarketModel: at most ${HISTORY_MAX_MARKETS} markets`);
    specs.forEach((spec, index) => this.#profiles.set(spec.market, createMarketProfile(spec, index, this.seed)));
    this.#history = new History(options.cache);
    this.#tickers = new TickerCalculator(this.#history);
  }

  /** The clock's current time. */
  now(): number {
    return this.clock.now();
  }

  /** Markets listed at `at` (their first trade instant has passed), in catalogue order. */
  markets(at: number = this.now()): SimMarket[] {
    return [...this.#profiles.values()].filter((p) => p.listedAt <= at).map(toSimMarket);
  }

  /** `true` when `code` is a market of this model, listed at `at`. */
  hasMarket(code: string, at: number = this.now()): boolean {
    const profile = this.#profiles.get(code);
    return profile !== undefined && profile.listedAt <= at;
  }

  /** One market's listing (listed or not yet). */
  market(code: string): SimMarket | undefined {
    const profile = this.#profiles.get(code);
    return profile === undefined ? undefined : toSimMarket(profile);
  }

  /** Trades with `fromMs <= timestamp < toMs`, oldest first. */
  trades(code: string, fromMs: number, toMs: number): SimTrade[] {
    const profile = this.#profile(code);
    return tradesInRange(this.#history, profile, fromMs, toMs).map((point) => toSimTrade(profile, point));
  }

  /**
   * Up to `limit` trades strictly before `(beforeTs, beforeIndex)` in `sequential_id` order (that is,
   * `sequential_id < beforeTs × 10000 + beforeIndex`) and not older than `notBeforeMs`, newest first.
   */
  tradesBefore(code: string, beforeTs: number, beforeIndex: number, notBeforeMs: number, limit: number): SimTrade[] {
    const profile = this.#profile(code);
    return tradesBefore(this.#history, profile, { ts: beforeTs, seq: beforeIndex }, notBeforeMs, limit).map((p) => toSimTrade(profile, p));
  }

  /** The last trade at or before `at`. */
  lastTrade(code: string, at: number = this.now()): SimTrade | undefined {
    const profile = this.#profile(code);
    const point = lastTradeBefore(this.#history, profile, at + 1);
    return point === undefined ? undefined : toSimTrade(profile, point);
  }

  /** The exact aggregate of trades in `[fromMs, toMs)`, `undefined` when none. */
  aggregate(code: string, fromMs: number, toMs: number): SimAggregate | undefined {
    const profile = this.#profile(code);
    const aggregate = aggregateRange(this.#history, profile, fromMs, toMs);
    return aggregate === undefined ? undefined : toSimAggregate(profile, aggregate);
  }

  /** The ticker at `at`, `undefined` before the first trade. */
  ticker(code: string, at: number = this.now()): SimTicker | undefined {
    return this.#tickers.ticker(this.#profile(code), at);
  }

  /**
   * The order book at `at`: `depth` rows (1-30 on the wire), prices grouped to multiples of `level`
   * when it is positive.
   */
  orderBook(code: string, at: number = this.now(), depth = 30, level: Big | string | number = 0): SimOrderBook | undefined {
    return buildOrderBook(this.#history, this.#profile(code), at, depth, new Big(level));
  }

  /**
   * Candles of the periods starting in `[fromMs, toMs)` (the first period is the one containing
   * `fromMs`), oldest first, aggregating trades up to `asOf` (so the current period is partial).
   * Periods without trades have no candle.
   */
  candles(code: string, interval: CandleInterval, fromMs: number, toMs: number, asOf: number = this.now()): SimCandle[] {
    const profile = this.#profile(code);
    const out: SimCandle[] = [];
    for (let start = periodStart(interval, Math.max(fromMs, profile.listedAt)); start < toMs && start <= asOf; ) {
      const end = nextPeriod(interval, start);
      const aggregate = aggregateRange(this.#history, profile, start, Math.min(end, asOf + 1));
      if (aggregate !== undefined) out.push({ market: code, interval, start, end, ...toSimAggregate(profile, aggregate) });
      start = end;
    }
    return out;
  }

  /** The path's mid price at `at` (a double: for demos and plausibility checks, not for exact values). */
  midPrice(code: string, at: number = this.now()): number {
    const profile = this.#profile(code);
    return midTicks(profile, at) * profile.tickNumber;
  }

  #profile(code: string): MarketProfile {
    const profile = this.#profiles.get(code);
    if (profile === undefined) throw new Error(`MarketModel: unknown market ${code}`);
    return profile;
  }
}
