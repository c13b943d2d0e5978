/**
 * The ticker at an instant, derived from the trade history: last trade, the UTC day so far, the rolling
 * 24 hours, the previous UTC-midnight close and plausible 52-week extremes.
 *
 * The numeric state (last trade, day and 24 h aggregates) is cheap to get from the caches; building the
 * `Big` fields is not, so a market whose numeric state has not changed since the previous call reuses
 * the previous ticker with the new timestamp.
 */
import { Big } from '../../model/decimal.js';
import type { Aggregate } from './aggregate.js';
import { DAY_MS, MINUTE_MS, type History } from './history.js';
import { aggregateRange, lastTradeBefore, type TradePoint } from './history-queries.js';
import { LruCache } from './lru.js';
import { priceOf, valueOf, volumeOf, type MarketProfile } from './market-profile.js';
import type { SimChange, SimTicker } from './model-types.js';
import { midTicks } from './price-path.js';
import { formatDate } from './time-format.js';

/** Upbit rounds change rates to 10 decimals. */
const RATE_DECIMALS = 10;
const KEY_MARKETS = 1024;

/** Path extremes (ticks and `yyyy-MM-dd`) over the 364 days before a day. */
interface Extremes {
  readonly high: number;
  readonly highDate: string;
  readonly low: number;
  readonly lowDate: string;
}

interface NumericState {
  readonly last: TradePoint;
  readonly midnight: number;
  readonly prev: TradePoint | undefined;
  readonly today: Aggregate | undefined;
  readonly day24: Aggregate | undefined;
}

/**
 * `|change| / base` like Upbit's `change_rate`: half-up to 10 decimals (`0` when `base` is 0).
 *
 * @example
 * ```ts
 * changeRateOf(new Big(282000), new Big(163158000)).toString(); // '0.001728386'
 * ```
 */
export function changeRateOf(change: Big, base: Big): Big {
  return base.eq(0) ? new Big(0) : change.div(base).round(RATE_DECIMALS, Big.roundHalfUp);
}

/**
 * Joins the aggregates of two adjacent ranges (`a` before `b`).
 *
 * @example
 * ```ts
 * const both = joinAggregates(morning, afternoon);
 * ```
 */
export function joinAggregates(a: Aggregate | undefined, b: Aggregate | undefined): Aggregate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return {
    trades: a.trades + b.trades,
    open: a.open,
    high: Math.max(a.high, b.high),
    low: Math.min(a.low, b.low),
    close: b.close,
    firstTs: a.firstTs,
    lastTs: b.lastTs,
    lots: a.lots + b.lots,
    value: a.value + b.value,
    askLots: a.askLots + b.askLots,
  };
}

function sameAggregate(a: Aggregate | undefined, b: Aggregate | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.trades === b.trades && a.firstTs === b.firstTs && a.lastTs === b.lastTs && a.lots === b.lots && a.value === b.value;
}

function sameState(a: NumericState, b: NumericState): boolean {
  return (
    a.last.ts === b.last.ts &&
    a.last.seq === b.last.seq &&
    a.midnight === b.midnight &&
    a.prev?.ts === b.prev?.ts &&
    sameAggregate(a.today, b.today) &&
    sameAggregate(a.day24, b.day24)
  );
}

/**
 * Computes tickers from a {@link History}.
 *
 * @example
 * ```ts
 * const tickers = new TickerCalculator(history);
 * tickers.ticker(profile, Date.now());
 * ```
 */
export class TickerCalculator {
  readonly #history: History;
  readonly #extremes = new LruCache<number, Extremes>(1024);
  readonly #ranges = new LruCache<number, Aggregate | null>(1024);
  readonly #previous = new Map<number, { readonly state: NumericState; readonly ticker: SimTicker }>();

  constructor(history: History) {
    this.#history = history;
  }

  /** The ticker of `profile` at `at`, or `undefined` before its first trade. */
  ticker(profile: MarketProfile, at: number): SimTicker | undefined {
    const last = lastTradeBefore(this.#history, profile, at + 1);
    if (last === undefined) return undefined;
    const midnight = Math.floor(at / DAY_MS) * DAY_MS;
    const state: NumericState = {
      last,
      midnight,
      prev: lastTradeBefore(this.#history, profile, midnight),
      today: this.#window(profile, midnight, at + 1),
      day24: this.#window(profile, at + 1 - DAY_MS, at + 1),
    };
    const previous = this.#previous.get(profile.index);
    if (previous !== undefined && sameState(previous.state, state)) return { ...previous.ticker, timestamp: at };
    const ticker = this.#build(profile, at, state);
    this.#previous.set(profile.index, { state, ticker });
    return ticker;
  }

  #build(profile: MarketProfile, at: number, { last, midnight, prev, today, day24 }: NumericState): SimTicker {
    const tradePrice = priceOf(profile, last.price);
    const prevClose = priceOf(profile, prev?.price ?? today?.open ?? last.price);
    const signedChange = tradePrice.minus(prevClose);
    const change: SimChange = signedChange.gt(0) ? 'RISE' : signedChange.lt(0) ? 'FALL' : 'EVEN';
    const signedRate = changeRateOf(signedChange, prevClose);
    const extremes = this.#extremesBefore(profile, midnight / DAY_MS);
    const todayHigh = today?.high ?? last.price;
    const todayLow = today?.low ?? last.price;
    const highIsToday = todayHigh >= extremes.high;
    const lowIsToday = todayLow <= extremes.low;
    const lots = today?.lots ?? 0n;
    const askLots = today?.askLots ?? 0n;
    return {
      market: profile.code,
      timestamp: at,
      tradeTimestamp: last.ts,
      tradePrice,
      tradeVolume: volumeOf(profile, last.lots),
      lastSide: last.bid ? 'BID' : 'ASK',
      openingPrice: today === undefined ? prevClose : priceOf(profile, today.open),
      highPrice: today === undefined ? prevClose : priceOf(profile, today.high),
      lowPrice: today === undefined ? prevClose : priceOf(profile, today.low),
      prevClosingPrice: prevClose,
      change,
      changePrice: signedChange.abs(),
      changeRate: signedRate.abs(),
      signedChangePrice: signedChange,
      signedChangeRate: signedRate,
      accTradePrice: valueOf(profile, today?.value ?? 0n),
      accTradeVolume: volumeOf(profile, lots),
      accAskVolume: volumeOf(profile, askLots),
      accBidVolume: volumeOf(profile, lots - askLots),
      accTradePrice24h: valueOf(profile, day24?.value ?? 0n),
      accTradeVolume24h: volumeOf(profile, day24?.lots ?? 0n),
      highest52WeekPrice: priceOf(profile, highIsToday ? todayHigh : extremes.high),
      highest52WeekDate: highIsToday ? formatDate(midnight) : extremes.highDate,
      lowest52WeekPrice: priceOf(profile, lowIsToday ? todayLow : extremes.low),
      lowest52WeekDate: lowIsToday ? formatDate(midnight) : extremes.lowDate,
    };
  }

  /** Aggregate of `[from, to)`: the whole minutes come from a cache, the partial edges are fresh. */
  #window(profile: MarketProfile, from: number, to: number): Aggregate | undefined {
    const innerFrom = Math.ceil(from / MINUTE_MS);
    const innerTo = Math.floor(to / MINUTE_MS);
    if (innerTo <= innerFrom) return aggregateRange(this.#history, profile, from, to);
    const key = (innerFrom * 1441 + (innerTo - innerFrom)) * KEY_MARKETS + profile.index;
    let inner = this.#ranges.get(key);
    if (inner === undefined) {
      inner = aggregateRange(this.#history, profile, innerFrom * MINUTE_MS, innerTo * MINUTE_MS) ?? null;
      this.#ranges.set(key, inner);
    }
    const head = aggregateRange(this.#history, profile, from, innerFrom * MINUTE_MS);
    const tail = aggregateRange(this.#history, profile, innerTo * MINUTE_MS, to);
    return joinAggregates(joinAggregates(head, inner ?? undefined), tail);
  }

  /** Highest and lowest daily path values (sampled at noon) over the 364 days before `day`. */
  #extremesBefore(profile: MarketProfile, day: number): Extremes {
    const key = day * KEY_MARKETS + profile.index;
    const cached = this.#extremes.get(key);
    if (cached !== undefined) return cached;
    let high = -Infinity;
    let highDay = day - 1;
    let low = Infinity;
    let lowDay = day - 1;
    const firstDay = Math.max(day - 364, Math.ceil(profile.listedAt / DAY_MS));
    for (let d = firstDay; d < day; d++) {
      const ticks = Math.round(midTicks(profile, d * DAY_MS + DAY_MS / 2));
      if (ticks > high) [high, highDay] = [ticks, d];
      if (ticks < low) [low, lowDay] = [ticks, d];
    }
    const extremes = { high, highDate: formatDate(highDay * DAY_MS), low, lowDate: formatDate(lowDay * DAY_MS) };
    this.#extremes.set(key, extremes);
    return extremes;
  }
}
