/**
 * The simulated Binance order book of one symbol: a stateful ladder of `levels` price levels per side,
 * moved in steps of `stepMs` of model time, whose every change has an update id. The REST snapshot
 * (`lastUpdateId`) and the diff stream (`U`/`u`) read the same book, so replaying diffs on a snapshot
 * reproduces it exactly.
 *
 * At step `n` (time `n × stepMs`) the book sits around the symbol's last trade: after a taker buy the
 * trade price is the best ask, after a taker sell the best bid, the other side one or two ticks away.
 * Each side is a contiguous run of `levels` ticks; moving the run deletes the levels it leaves and adds
 * those it reaches, and a few levels near the top get new quantities (hashed from seed, symbol and step).
 * Each changed level takes one update id. Steps more than `maxCatchUpSteps` behind jump in one diff.
 */
import { hashString, mix, mixNumber, toUnit } from '../market/hash.js';
import type { BinanceMarket, BinanceMarkets } from './markets.js';
import type { BinanceTop } from './stats.js';
import { p8, type BinanceLevel } from './wire.js';

/** Options of a {@link DepthBook}. */
export interface DepthBookOptions {
  /** Levels per side. @default 5000 */
  readonly levels?: number | undefined;
  /** Model time between two book steps (ms). @default 100 */
  readonly stepMs?: number | undefined;
  /** Steps applied one by one when catching up; beyond, the book jumps. @default 3000 */
  readonly maxCatchUpSteps?: number | undefined;
  /** Steps kept for streams to read. @default 600 */
  readonly retainSteps?: number | undefined;
}

/** One step's changes: absolute quantities, `"0.00000000"` deletes. */
export interface DepthStep {
  /** `U`: first update id. */
  readonly first: number;
  /** `u`: final update id. */
  readonly last: number;
  /** Model time of the step (ms). */
  readonly time: number;
  readonly bids: readonly BinanceLevel[];
  readonly asks: readonly BinanceLevel[];
  /** Hidden from diff streams by {@link DepthBook.dropNext}. */
  readonly dropped: boolean;
  /** Best bid and ask after the step. */
  readonly top: BinanceTop;
  readonly topChanged: boolean;
}

/** A contiguous run of tick indexes `[lo, hi]` with sizes in lots. */
interface Side {
  lo: number;
  hi: number;
  readonly lots: Map<number, number>;
}

const MEAN_LEVEL_NOTIONAL = 3000;

/** `later` over `earlier`, sorted best first (`sign` −1 for bids). */
function mergeLevels(earlier: readonly BinanceLevel[], later: readonly BinanceLevel[], sign: number): BinanceLevel[] {
  const levels = new Map<string, string>([...earlier, ...later]);
  return [...levels.entries()].sort((a, b) => sign * (Number(a[0]) - Number(b[0])));
}
const CHURN_DEPTH = 20;

/**
 * The book of one symbol.
 *
 * @example
 * ```ts
 * const book = new DepthBook(markets, market, 42);
 * book.advanceTo(model.now());
 * const { lastUpdateId, bids, asks } = book.snapshot(100);
 * ```
 */
export class DepthBook {
  readonly market: BinanceMarket;
  readonly #markets: BinanceMarkets;
  readonly #key: number;
  readonly #levels: number;
  readonly #stepMs: number;
  readonly #maxCatchUp: number;
  readonly #retain: number;
  readonly #tick: number;
  readonly #bids: Side = { lo: 0, hi: -1, lots: new Map() };
  readonly #asks: Side = { lo: 0, hi: -1, lots: new Map() };
  #steps: DepthStep[] = [];
  #step: number | undefined;
  #updateId: number;
  #dropNext = 0;
  #overlapNext = 0;

  constructor(markets: BinanceMarkets, market: BinanceMarket, seed: number, options: DepthBookOptions = {}) {
    this.market = market;
    this.#markets = markets;
    this.#key = mix(hashString(market.symbol), seed);
    this.#levels = options.levels ?? 5000;
    this.#stepMs = options.stepMs ?? 100;
    this.#maxCatchUp = options.maxCatchUpSteps ?? 3000;
    this.#retain = options.retainSteps ?? 600;
    this.#tick = market.tickSize.toNumber();
    this.#updateId = 1_000_000_000 + (this.#key % 1_000_000_000);
  }

  /** The book's update id: the last change applied. */
  get updateId(): number {
    return this.#updateId;
  }

  /** Hides the next `n` steps from diff streams (their ids are still used: clients see a gap). */
  dropNext(n = 1): void {
    this.#dropNext += n;
  }

  /**
   * Makes the next `n` diffs overlap their predecessor: each also carries the previous step's changes
   * and starts at its `U` (legal under the current sync rule, a false gap under the old strict one).
   */
  overlapNext(n = 1): void {
    this.#overlapNext += n;
  }

  /** Applies every step up to `now`. */
  advanceTo(now: number): void {
    const target = Math.floor(now / this.#stepMs);
    if (this.#step === undefined) {
      this.#apply(target, false);
      if (this.top() !== undefined) this.#step = target;
      return;
    }
    if (target <= this.#step) return;
    if (target - this.#step > this.#maxCatchUp) this.#record(this.#apply(target, true));
    else for (let n = this.#step + 1; n <= target; n++) this.#record(this.#apply(n, true));
    this.#step = target;
    const keepFrom = target - this.#retain;
    if (this.#steps.length > 0 && (this.#steps[0]?.time ?? 0) < keepFrom * this.#stepMs) {
      this.#steps = this.#steps.filter((step) => step.time >= keepFrom * this.#stepMs);
    }
  }

  /** Retained steps with `last > updateId`, oldest first. */
  stepsAfter(updateId: number): DepthStep[] {
    return this.#steps.filter((step) => step.last > updateId);
  }

  /** Best bid and ask, `undefined` before the first trade. */
  top(): BinanceTop | undefined {
    if (this.#bids.hi < this.#bids.lo || this.#asks.hi < this.#asks.lo) return undefined;
    return this.#topOf();
  }

  /** The best `limit` levels per side and the update id they reflect. */
  snapshot(limit: number): { readonly lastUpdateId: number; readonly bids: BinanceLevel[]; readonly asks: BinanceLevel[] } {
    const bids: BinanceLevel[] = [];
    const asks: BinanceLevel[] = [];
    for (let i = this.#bids.hi; i >= this.#bids.lo && bids.length < limit; i--) bids.push(this.#level(i, this.#bids.lots.get(i) ?? 0));
    for (let i = this.#asks.lo; i <= this.#asks.hi && asks.length < limit; i++) asks.push(this.#level(i, this.#asks.lots.get(i) ?? 0));
    return { lastUpdateId: this.#updateId, bids, asks };
  }

  #level(index: number, lots: number): BinanceLevel {
    return [p8(this.market.tickSize.times(index)), p8(this.market.stepSize.times(lots))];
  }

  #topOf(): BinanceTop {
    const { tickSize, stepSize } = this.market;
    return {
      bidPrice: tickSize.times(this.#bids.hi),
      bidQty: stepSize.times(this.#bids.lots.get(this.#bids.hi) ?? 0),
      askPrice: tickSize.times(this.#asks.lo),
      askQty: stepSize.times(this.#asks.lots.get(this.#asks.lo) ?? 0),
    };
  }

  #record(step: DepthStep | undefined): void {
    if (step !== undefined) this.#steps.push(step);
  }

  /** Hashed size (lots) of a level, fresh for each `(step, side, index)`. */
  #lotsAt(step: number, ask: boolean, index: number): number {
    const h = mixNumber(mix(mix(this.#key, step), ask ? 1 : 2), index);
    const price = Math.max(index * this.#tick, this.#tick);
    const mean = MEAN_LEVEL_NOTIONAL / (price * this.market.stepSize.toNumber());
    const heavy = toUnit(mix(h, 3)) < 0.08 ? 8 : 1;
    return Math.max(1, Math.round(mean * Math.exp(3 * (toUnit(h) - 0.5)) * heavy));
  }

  /** Moves the book to step `n`; returns its diff (`undefined` when nothing changed or before any trade). */
  #apply(n: number, emit: boolean): DepthStep | undefined {
    const time = n * this.#stepMs;
    const last = this.#markets.lastPrice(this.market, time);
    if (last === undefined) return undefined;
    const before = this.top();
    const price = Math.round(last.price.div(this.market.tickSize).toNumber());
    const gap = toUnit(mix(this.#key, n)) < 0.6 ? 1 : 2;
    const bestAsk = last.buyerMaker ? price + gap : price;
    const bestBid = Math.max(1, bestAsk - gap);
    const bidChanges = new Map<number, number>();
    const askChanges = new Map<number, number>();
    this.#moveSide(this.#bids, bestBid - this.#levels + 1, bestBid, n, false, bidChanges);
    this.#moveSide(this.#asks, bestAsk, bestAsk + this.#levels - 1, n, true, askChanges);
    this.#churn(this.#bids, n, false, bidChanges);
    this.#churn(this.#asks, n, true, askChanges);
    const count = bidChanges.size + askChanges.size;
    if (!emit || count === 0) return undefined;
    const first = this.#updateId + 1;
    this.#updateId += count;
    const dropped = this.#dropNext > 0;
    if (dropped) this.#dropNext--;
    const top = this.#topOf();
    const topChanged =
      before === undefined ||
      !before.bidPrice.eq(top.bidPrice) ||
      !before.bidQty.eq(top.bidQty) ||
      !before.askPrice.eq(top.askPrice) ||
      !before.askQty.eq(top.askQty);
    const toLevels = (changes: Map<number, number>, descending: boolean): BinanceLevel[] =>
      [...changes.entries()].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0])).map(([index, lots]) => this.#level(index, lots));
    const step = { first, last: this.#updateId, time, bids: toLevels(bidChanges, true), asks: toLevels(askChanges, false), dropped, top, topChanged };
    const previous = this.#steps[this.#steps.length - 1];
    if (this.#overlapNext === 0 || previous === undefined) return step;
    this.#overlapNext--;
    return { ...step, first: previous.first, bids: mergeLevels(previous.bids, step.bids, -1), asks: mergeLevels(previous.asks, step.asks, 1) };
  }

  /** Moves a side's run to `[lo, hi]`: deletes what it leaves, adds what it reaches. */
  #moveSide(side: Side, lo: number, hi: number, n: number, ask: boolean, changes: Map<number, number>): void {
    const from = Math.max(1, lo);
    const empty = side.hi < side.lo;
    const remove = (a: number, b: number): void => {
      for (let i = a; i <= b; i++) {
        side.lots.delete(i);
        changes.set(i, 0);
      }
    };
    const add = (a: number, b: number): void => {
      for (let i = a; i <= b; i++) {
        const lots = this.#lotsAt(n, ask, i);
        side.lots.set(i, lots);
        changes.set(i, lots);
      }
    };
    if (empty || side.hi < from || side.lo > hi) {
      if (!empty) remove(side.lo, side.hi);
      add(from, hi);
    } else {
      remove(side.lo, Math.min(side.hi, from - 1));
      remove(Math.max(side.lo, hi + 1), side.hi);
      add(from, Math.min(hi, side.lo - 1));
      add(Math.max(from, side.hi + 1), hi);
    }
    side.lo = from;
    side.hi = hi;
  }

  /** New sizes for one to three levels among the best {@link CHURN_DEPTH} of a side. */
  #churn(side: Side, n: number, ask: boolean, changes: Map<number, number>): void {
    const h = mix(mix(this.#key, n), ask ? 5 : 6);
    const count = 1 + Math.floor(toUnit(h) * 3);
    for (let k = 0; k < count; k++) {
      const offset = Math.floor(toUnit(mix(h, k + 10)) * CHURN_DEPTH);
      const index = ask ? side.lo + offset : side.hi - offset;
      if (index < side.lo || index > side.hi) continue;
      const lots = this.#lotsAt(n + k * 7919, ask, index);
      if (side.lots.get(index) === lots) continue;
      side.lots.set(index, lots);
      changes.set(index, lots);
    }
  }
}
