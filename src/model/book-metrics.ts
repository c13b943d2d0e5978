/**
 * Depth and liquidity of one order book: mid, spread, microprice, the size and notional within price bands
 * around the mid, and the bid/ask imbalance; the `bookMetrics` operator applies it to a stream of books.
 * Sums and products are exact; every division is rounded once to `decimals` places, half-up.
 */
import { checkDecimals, checkOption, isPositive, isWholeIn } from './analytics-checks.js';
import { Big } from './decimal.js';
import { compareBig, ExactSum } from './exact-sum.js';
import type { MarketRef } from './market.js';
import type { OrderBook, OrderBookLevel } from './order-book.js';

/** Options of {@link computeBookMetrics}. */
export interface BookMetricsOptions {
  /** Band half-widths in basis points around the mid (each above 0, at most 10,000); sorted and deduplicated. @default [10, 50, 100] */
  readonly bands?: readonly number[];
  /** How many top levels of each side the level imbalance sums. @default 10 */
  readonly levels?: number;
  /** Decimal places of every division (spread in bps, microprice, imbalances), rounded half-up. @default 8 */
  readonly decimals?: number;
}

/**
 * The depth within `bps` basis points of the mid: bid levels priced `>= bidFloor` = mid × (1 − bps / 10,000)
 * and ask levels priced `<= askCeiling` = mid × (1 + bps / 10,000); their sizes (base), notionals
 * (Σ price × size, quote), level counts, and `imbalance` = (bidSize − askSize) / (bidSize + askSize), in
 * [−1, 1]; `undefined` when the band holds no level (a spread wider than twice the band).
 */
export interface DepthBand {
  readonly bps: number;
  readonly bidFloor: Big;
  readonly askCeiling: Big;
  readonly bidSize: Big;
  readonly bidNotional: Big;
  readonly bidLevels: number;
  readonly askSize: Big;
  readonly askNotional: Big;
  readonly askLevels: number;
  readonly imbalance: Big | undefined;
}

/** The sizes of the top `levels` levels of each side (fewer if the side is shorter) and their imbalance (`undefined` when both are 0). */
export interface LevelImbalance {
  readonly levels: number;
  readonly bidSize: Big;
  readonly askSize: Big;
  readonly imbalance: Big | undefined;
}

/**
 * A two-sided book: best bid `b` and ask `a` with their sizes, `mid` = (b + a) / 2, `spread` = a − b,
 * `spreadBps` = spread / mid × 10,000, `microprice` = (b × askSize + a × bidSize) / (bidSize + askSize) (the mid
 * when both best sizes are 0),
 * the depth `bands` in ascending order and the imbalance of the `top` levels.
 */
export interface BookMetricsOk extends MarketRef {
  readonly kind: 'ok';
  readonly bestBid: OrderBookLevel;
  readonly bestAsk: OrderBookLevel;
  readonly mid: Big;
  readonly spread: Big;
  readonly spreadBps: Big;
  readonly microprice: Big;
  readonly bands: readonly DepthBand[];
  readonly top: LevelImbalance;
}

/** Only one side has orders (`side`: the one that does, with its best level): there is no mid to measure from. */
export interface BookMetricsOneSided extends MarketRef {
  readonly kind: 'one-sided';
  readonly side: 'bid' | 'ask';
  readonly best: OrderBookLevel;
}

/** Neither side has orders. */
export interface BookMetricsEmpty extends MarketRef {
  readonly kind: 'empty';
}

/**
 * The best bid is above the best ask: no venue leaves such a book standing, so the data is out of date or
 * mixed; no number is derived from it. (A locked book, bid = ask, is measured: spread 0.)
 */
export interface BookMetricsCrossed extends MarketRef {
  readonly kind: 'crossed';
  readonly bestBid: OrderBookLevel;
  readonly bestAsk: OrderBookLevel;
}

/** What {@link computeBookMetrics} says about one book; only `kind: 'ok'` carries numbers. */
export type BookMetrics = BookMetricsOk | BookMetricsOneSided | BookMetricsEmpty | BookMetricsCrossed;

/** The checked, sorted options ({@link planBookMetrics}). */
export interface BookMetricsPlan {
  readonly planned: true;
  readonly bands: readonly { readonly bps: number; readonly below: Big; readonly above: Big }[];
  readonly levels: number;
  readonly decimals: number;
}

const [ZERO, ONE, HALF, BPS, PER_BPS] = ['0', '1', '0.5', '10000', '0.0001'].map((text) => new Big(text)) as [Big, Big, Big, Big, Big];

/**
 * Checks the options once (throws an `InvalidArgumentError` naming the bad one) and prepares the band factors;
 * the operator calls it at creation, so a bad option fails before any book arrives.
 *
 * @example
 * ```ts
 * const plan = planBookMetrics({ bands: [10, 50] });
 * books.map((book) => computeBookMetrics(book, plan));
 * ```
 */
export function planBookMetrics(options: BookMetricsOptions = {}): BookMetricsPlan {
  const { bands = [10, 50, 100], levels = 10, decimals = 8 } = options;
  checkOption('options.bands', bands, (b) => Array.isArray(b) && b.length > 0 && b.every((n) => isPositive(n) && n <= 10_000), 'a non-empty list of basis points above 0 and at most 10000');
  checkOption('options.levels', levels, isWholeIn(1, 1_000_000), 'a whole number of levels from 1');
  checkDecimals(decimals);
  const sorted = [...new Set(bands)].sort((x, y) => x - y);
  return {
    planned: true,
    // n / 10,000 as an exact decimal (n is a finite number: its shortest decimal spelling is exact).
    bands: sorted.map((bps) => ({ bps, below: ONE.minus(new Big(bps).times(PER_BPS)), above: ONE.plus(new Big(bps).times(PER_BPS)) })),
    levels,
    decimals,
  };
}

/**
 * Mid, spread, microprice, depth within each band and imbalances of one order book (levels best-first, as the
 * model keeps them). A one-sided, empty or crossed book gets a result whose `kind` says so, never a number.
 *
 * @example
 * ```ts
 * import { computeBookMetrics } from 'market-data-backbone';
 * const metrics = computeBookMetrics(book, { bands: [10, 50], levels: 5 });
 * if (metrics.kind === 'ok') console.log(metrics.spreadBps.toFixed(2), metrics.bands[0]?.bidNotional.toFixed(0));
 * ```
 * @param book The order book.
 * @param options Bands (bps), top levels and precision, or a plan from {@link planBookMetrics}.
 * @returns The metrics, or why there are none.
 */
export function computeBookMetrics(book: OrderBook, options: BookMetricsOptions | BookMetricsPlan = {}): BookMetrics {
  const plan = 'planned' in options ? options : planBookMetrics(options);
  const { exchange, symbol, market, timestamp, receivedAt, bids, asks } = book;
  const [bestBid, bestAsk] = [bids[0], asks[0]];
  if (bestBid === undefined || bestAsk === undefined) {
    if (bestBid !== undefined) return { kind: 'one-sided', exchange, symbol, market, timestamp, receivedAt, side: 'bid', best: bestBid };
    if (bestAsk !== undefined) return { kind: 'one-sided', exchange, symbol, market, timestamp, receivedAt, side: 'ask', best: bestAsk };
    return { kind: 'empty', exchange, symbol, market, timestamp, receivedAt };
  }
  const [b, a] = [bestBid.price, bestAsk.price];
  if (b.gt(a)) return { kind: 'crossed', exchange, symbol, market, timestamp, receivedAt, bestBid, bestAsk };
  const { decimals } = plan;
  const mid = b.plus(a).times(HALF);
  const spread = a.minus(b);
  const touch = new ExactSum().add(bestBid.amount).add(bestAsk.amount);
  const microprice = new ExactSum().addProduct(b, bestAsk.amount).addProduct(a, bestBid.amount).divide(touch, decimals) ?? mid;
  const bidDepth = sideDepth(bids, plan.bands.map((band) => mid.times(band.below)), 1);
  const askDepth = sideDepth(asks, plan.bands.map((band) => mid.times(band.above)), -1);
  const bands = plan.bands.map(({ bps }, i): DepthBand => {
    const [bid, ask] = [bidDepth[i]!, askDepth[i]!];
    return {
      bps, bidFloor: bid.limit, askCeiling: ask.limit,
      bidSize: bid.size.toBig(), bidNotional: bid.notional.toBig(), bidLevels: bid.count,
      askSize: ask.size.toBig(), askNotional: ask.notional.toBig(), askLevels: ask.count,
      imbalance: imbalance(bid.size, ask.size, decimals),
    };
  });
  const [bidTop, askTop] = [topSize(bids, plan.levels), topSize(asks, plan.levels)];
  const top = { levels: plan.levels, bidSize: bidTop.toBig(), askSize: askTop.toBig(), imbalance: imbalance(bidTop, askTop, decimals) };
  const spreadBps = new ExactSum().addProduct(spread, BPS).divide(new ExactSum().add(mid), decimals) ?? ZERO;
  // Spelled out, not `...ref`: V8 built the spread object in dictionary mode, measured 5x the whole computation.
  return { kind: 'ok', exchange, symbol, market, timestamp, receivedAt, bestBid, bestAsk, mid, spread, spreadBps, microprice, bands, top };
}

/** The running sums of one side up to each limit (limits ordered from the nearest to the farthest). */
interface SideDepth {
  readonly limit: Big;
  readonly size: ExactSum;
  readonly notional: ExactSum;
  readonly count: number;
}

/**
 * Walks `levels` once, from the best, recording the running size and notional as each band's limit is passed:
 * bids (`direction` 1) while priced at or above the limit, asks (−1) at or below.
 */
function sideDepth(levels: readonly OrderBookLevel[], limits: readonly Big[], direction: 1 | -1): SideDepth[] {
  const depths: SideDepth[] = [];
  const [size, notional] = [new ExactSum(), new ExactSum()];
  let count = 0;
  for (const limit of limits) {
    for (let level = levels[count]; level !== undefined && compareBig(level.price, limit) !== -direction; level = levels[++count]) {
      ExactSum.addLevel(size, notional, level.price, level.amount);
    }
    depths.push({ limit, size: size.clone(), notional: notional.clone(), count });
  }
  return depths;
}

/** Σ size of the first `count` levels. */
function topSize(levels: readonly OrderBookLevel[], count: number): ExactSum {
  const size = new ExactSum();
  for (let i = 0; i < count && i < levels.length; i++) size.add(levels[i]!.amount);
  return size;
}

/** (bid − ask) / (bid + ask), `undefined` when both are 0. */
function imbalance(bid: ExactSum, ask: ExactSum, decimals: number): Big | undefined {
  return ExactSum.imbalance(bid, ask, decimals);
}
