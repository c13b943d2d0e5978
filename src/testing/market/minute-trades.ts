/**
 * From a {@link MinutePlan} to the minute's summary (O(groups)) or to its individual trades (O(trades)).
 *
 * Trade times are stratified over the minute (trade `i` lands in slot `i` of `n`), so the first and last
 * timestamps are known without generating the others. A trade may continue the previous one's sweep:
 * same group, same millisecond, next `sequential_id` index, as when one taker order fills several makers.
 */
import { mix, toUnit } from './hash.js';
import type { MarketProfile } from './market-profile.js';
import { SALT, type MinutePlan } from './minute-plan.js';

const MINUTE_MS = 60_000;
const BURST_PROBABILITY = 0.12;

/**
 * Trades of a time range, aggregated: prices in ticks, volumes in lots, values in ticks × lots. `Sum`
 * is `number` where the sums are known to stay exact doubles (one minute), `bigint` where they may not.
 */
export interface TradeSummary<Sum extends number | bigint> {
  readonly trades: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly firstTs: number;
  readonly lastTs: number;
  readonly lots: Sum;
  readonly value: Sum;
  readonly askLots: Sum;
}

/** A minute's aggregate, all in exact doubles. */
export type MinuteSummary = TradeSummary<number>;

/** The trades of one minute, oldest first, with running sums for partial-minute aggregation. */
export interface MinuteTrades {
  readonly minute: number;
  readonly count: number;
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly lots: Float64Array;
  readonly bid: Uint8Array;
  /** Index among trades sharing the same millisecond (the last 4 digits of `sequential_id`). */
  readonly seq: Uint16Array;
  /** `cumLots[i]` = Σ lots of trades `0 … i-1` (length `count + 1`); same for value and ASK lots. */
  readonly cumLots: Float64Array;
  readonly cumValue: Float64Array;
  readonly cumAskLots: Float64Array;
}

function slotTime(h: number, minute: number, i: number, n: number): number {
  return minute * MINUTE_MS + Math.floor(((i + 0.9 * toUnit(mix(h, SALT.time + i))) * MINUTE_MS) / n);
}

function isBurst(h: number, i: number, groupStart: boolean): boolean {
  return i > 0 && !groupStart && toUnit(mix(h, SALT.burst + i)) < BURST_PROBABILITY;
}

/** Numbers per packed minute summary: trades, open, high, low, close, firstTs, lastTs, lots, value, askLots. */
export const SUMMARY_STRIDE = 10;

/**
 * Reads a packed summary (see {@link summarizePlan}); `undefined` for a minute without trades.
 *
 * @example
 * ```ts
 * const summary = readSummary(block.data, 7 * SUMMARY_STRIDE); // minute 7 of an hour block
 * ```
 */
export function readSummary(data: Float64Array, offset: number): MinuteSummary | undefined {
  const trades = data[offset] ?? 0;
  if (trades === 0) return undefined;
  return {
    trades,
    open: data[offset + 1] ?? 0,
    high: data[offset + 2] ?? 0,
    low: data[offset + 3] ?? 0,
    close: data[offset + 4] ?? 0,
    firstTs: data[offset + 5] ?? 0,
    lastTs: data[offset + 6] ?? 0,
    lots: data[offset + 7] ?? 0,
    value: data[offset + 8] ?? 0,
    askLots: data[offset + 9] ?? 0,
  };
}

/**
 * Aggregates a planned minute without generating its trades, packed into `out` at `offset`
 * ({@link SUMMARY_STRIDE} numbers; trades = 0 when the minute has none). Packed summaries keep hour
 * blocks to one allocation instead of sixty objects.
 *
 * @example
 * ```ts
 * planMinute(profile, minute, a, b, plan);
 * summarizePlan(profile, minute, plan, data, 0);
 * ```
 */
export function summarizePlan(profile: MarketProfile, minute: number, plan: MinutePlan, out: Float64Array, offset: number): void {
  const n = plan.trades;
  out[offset] = n;
  if (n === 0) return;
  const h = mix(profile.key, minute);
  let high = -Infinity;
  let low = Infinity;
  let lots = 0;
  let value = 0;
  let askLots = 0;
  let lastGroupStart = 0;
  for (let g = 0; g < plan.groups; g++) {
    const price = plan.price[g] ?? 0;
    const groupLots = plan.lots[g] ?? 0;
    if (price > high) high = price;
    if (price < low) low = price;
    lots += groupLots;
    value += price * groupLots;
    if (plan.bid[g] === 0) askLots += groupLots;
    if (g < plan.groups - 1) lastGroupStart += plan.count[g] ?? 0;
  }
  let last = n - 1;
  while (isBurst(h, last, last === lastGroupStart)) last--;
  out[offset + 1] = plan.price[0] ?? 0;
  out[offset + 2] = high;
  out[offset + 3] = low;
  out[offset + 4] = plan.price[plan.groups - 1] ?? 0;
  out[offset + 5] = slotTime(h, minute, 0, n);
  out[offset + 6] = slotTime(h, minute, last, n);
  out[offset + 7] = lots;
  out[offset + 8] = value;
  out[offset + 9] = askLots;
}

/**
 * Generates the trades of a planned minute. Each group's volume is split exactly among its trades
 * (every trade at least one lot), so the trades sum to the summary.
 *
 * @example
 * ```ts
 * const trades = expandPlan(profile, minute, plan);
 * trades.ts[0]; // first trade time (ms)
 * ```
 */
export function expandPlan(profile: MarketProfile, minute: number, plan: MinutePlan): MinuteTrades {
  const n = plan.trades;
  const h = mix(profile.key, minute);
  const trades: MinuteTrades = {
    minute,
    count: n,
    ts: new Float64Array(n),
    price: new Float64Array(n),
    lots: new Float64Array(n),
    bid: new Uint8Array(n),
    seq: new Uint16Array(n),
    cumLots: new Float64Array(n + 1),
    cumValue: new Float64Array(n + 1),
    cumAskLots: new Float64Array(n + 1),
  };
  let i = 0;
  for (let g = 0; g < plan.groups; g++) {
    const count = plan.count[g] ?? 1;
    const total = plan.lots[g] ?? count;
    const price = plan.price[g] ?? 0;
    const bid = plan.bid[g] ?? 0;
    let weightTotal = 0;
    for (let j = 0; j < count; j++) {
      const u = toUnit(mix(h, SALT.split + i + j));
      weightTotal += 0.05 + u * u * u;
      trades.lots[i + j] = weightTotal;
    }
    let previous = 0;
    for (let j = 0; j < count; j++, i++) {
      const cumulative = j === count - 1 ? total - count : Math.floor(((total - count) * (trades.lots[i] ?? 0)) / weightTotal);
      const lots = 1 + cumulative - previous;
      previous = cumulative;
      const burst = isBurst(h, i, j === 0);
      trades.ts[i] = burst ? (trades.ts[i - 1] ?? 0) : slotTime(h, minute, i, n);
      trades.seq[i] = burst ? (trades.seq[i - 1] ?? 0) + 1 : 0;
      trades.price[i] = price;
      trades.lots[i] = lots;
      trades.bid[i] = bid;
      trades.cumLots[i + 1] = (trades.cumLots[i] ?? 0) + lots;
      trades.cumValue[i + 1] = (trades.cumValue[i] ?? 0) + price * lots;
      trades.cumAskLots[i + 1] = (trades.cumAskLots[i] ?? 0) + (bid === 0 ? lots : 0);
    }
  }
  return trades;
}
