/**
 * Questions asked of a {@link History}: exact aggregates of any time range, the last trade before an
 * instant, and trades in a range (oldest first) or before a bound (newest first).
 *
 * A range is decomposed greedily into whole days, whole hours, whole minutes and at most two partial
 * minutes, each answered from a cache, so a 24 h sum touches ~25 hours and ~120 minute summaries.
 */
import { AggregateBuilder, type Aggregate } from './aggregate.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type History } from './history.js';
import type { MarketProfile } from './market-profile.js';
import type { MinuteTrades } from './minute-trades.js';

/** One trade in model units: price in ticks, volume in lots. */
export interface TradePoint {
  readonly ts: number;
  readonly price: number;
  readonly lots: number;
  /** `true` when the taker bought (Upbit `ask_bid: BID`). */
  readonly bid: boolean;
  /** Index among trades in the same millisecond (last 4 digits of `sequential_id`). */
  readonly seq: number;
}

/** A position in the trade sequence: `(ts, seq)` ordered lexicographically, like `sequential_id`. */
export interface TradeBound {
  readonly ts: number;
  readonly seq: number;
}

/** First index `i` with `ts[i] >= t` (trades are in time order). */
function lowerBound(trades: MinuteTrades, t: number): number {
  let lo = 0;
  let hi = trades.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((trades.ts[mid] ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pointAt(trades: MinuteTrades, i: number): TradePoint {
  return {
    ts: trades.ts[i] ?? 0,
    price: trades.price[i] ?? 0,
    lots: trades.lots[i] ?? 0,
    bid: trades.bid[i] === 1,
    seq: trades.seq[i] ?? 0,
  };
}

/**
 * The exact aggregate of the trades with `fromMs <= ts < toMs`, or `undefined` when there are none.
 *
 * @example
 * ```ts
 * const day = aggregateRange(history, profile, dayStart, dayStart + DAY_MS);
 * ```
 */
export function aggregateRange(history: History, profile: MarketProfile, fromMs: number, toMs: number): Aggregate | undefined {
  const builder = new AggregateBuilder();
  let cursor = Math.max(fromMs, profile.listedAt);
  while (cursor < toMs) {
    if (cursor % DAY_MS === 0 && cursor + DAY_MS <= toMs) {
      builder.addAggregate(history.dayAggregate(profile, cursor / DAY_MS));
      cursor += DAY_MS;
    } else if (cursor % HOUR_MS === 0 && cursor + HOUR_MS <= toMs) {
      builder.addAggregate(history.hourAggregate(profile, cursor / HOUR_MS));
      cursor += HOUR_MS;
    } else if (cursor % MINUTE_MS === 0 && cursor + MINUTE_MS <= toMs) {
      builder.addSummary(history.minuteSummary(profile, cursor / MINUTE_MS));
      cursor += MINUTE_MS;
    } else {
      const minute = Math.floor(cursor / MINUTE_MS);
      const end = Math.min(toMs, (minute + 1) * MINUTE_MS);
      if (history.minuteSummary(profile, minute) !== undefined) {
        const trades = history.minuteTrades(profile, minute);
        builder.addTrades(trades, lowerBound(trades, cursor), lowerBound(trades, end));
      }
      cursor = end;
    }
  }
  return builder.build();
}

/**
 * The newest trade with `ts < beforeMs`, or `undefined` when the market had none yet.
 *
 * @example
 * ```ts
 * const prevClose = lastTradeBefore(history, profile, midnight)?.price;
 * ```
 */
export function lastTradeBefore(history: History, profile: MarketProfile, beforeMs: number): TradePoint | undefined {
  let minute = Math.floor((beforeMs - 1) / MINUTE_MS);
  const firstMinute = profile.listedAt / MINUTE_MS;
  while (minute >= firstMinute) {
    if (minute % 60 === 59 && history.hourAggregate(profile, (minute + 1) / 60 - 1) === undefined) {
      minute -= 60;
      continue;
    }
    const summary = history.minuteSummary(profile, minute);
    if (summary !== undefined && summary.firstTs < beforeMs) {
      const trades = history.minuteTrades(profile, minute);
      return pointAt(trades, lowerBound(trades, beforeMs) - 1);
    }
    minute--;
  }
  return undefined;
}

/**
 * Trades with `fromMs <= ts < toMs`, oldest first.
 *
 * @example
 * ```ts
 * const trades = tradesInRange(history, profile, t - 60_000, t);
 * ```
 */
export function tradesInRange(history: History, profile: MarketProfile, fromMs: number, toMs: number): TradePoint[] {
  const out: TradePoint[] = [];
  const first = Math.floor(Math.max(fromMs, profile.listedAt) / MINUTE_MS);
  const last = Math.ceil(toMs / MINUTE_MS) - 1;
  const long = last - first > 60;
  for (let minute = first; minute <= last; minute++) {
    if (history.minuteSummary(profile, minute) === undefined) continue;
    const trades = long ? history.generateMinute(profile, minute) : history.minuteTrades(profile, minute);
    const end = lowerBound(trades, toMs);
    for (let i = lowerBound(trades, fromMs); i < end; i++) out.push(pointAt(trades, i));
  }
  return out;
}

/**
 * Up to `limit` trades strictly older than `before` and not older than `lowerMs`, newest first.
 *
 * @example
 * ```ts
 * const page = tradesBefore(history, profile, { ts: now + 1, seq: 0 }, dayStart, 500);
 * ```
 */
export function tradesBefore(
  history: History,
  profile: MarketProfile,
  before: TradeBound,
  lowerMs: number,
  limit: number,
): TradePoint[] {
  const out: TradePoint[] = [];
  const lowest = Math.max(lowerMs, profile.listedAt);
  for (let minute = Math.floor(before.ts / MINUTE_MS); minute * MINUTE_MS + MINUTE_MS > lowest && out.length < limit; minute--) {
    if (history.minuteSummary(profile, minute) === undefined) continue;
    const trades = history.minuteTrades(profile, minute);
    for (let i = trades.count - 1; i >= 0 && out.length < limit; i--) {
      const ts = trades.ts[i] ?? 0;
      const seq = trades.seq[i] ?? 0;
      if (ts < lowest) break;
      if (ts > before.ts || (ts === before.ts && seq >= before.seq)) continue;
      out.push(pointAt(trades, i));
    }
  }
  return out;
}
