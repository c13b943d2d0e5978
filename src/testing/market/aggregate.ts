/**
 * Exact aggregates of trades over any time range, and the builder that folds minutes, cached blocks and
 * partial minutes into one in time order.
 *
 * Sums stay in doubles while they are exact (below 2^53) and spill into a `bigint` otherwise, so the
 * common case costs no BigInt work and the rare large sum is still exact.
 */
import type { MinuteSummary, MinuteTrades, TradeSummary } from './minute-trades.js';

/** Trades of any time range, aggregated, with sums that may exceed 2^53. */
export type Aggregate = TradeSummary<bigint>;

const EXACT_LIMIT = 2 ** 53;

/** An exact running sum of non-negative integers given as doubles or bigints. */
class ExactSum {
  #big = 0n;
  #small = 0;

  add(x: number): void {
    const sum = this.#small + x;
    if (sum >= EXACT_LIMIT) {
      this.#big += BigInt(this.#small);
      this.#small = x;
    } else {
      this.#small = sum;
    }
  }

  addBig(x: bigint): void {
    this.#big += x;
  }

  total(): bigint {
    return this.#big + BigInt(this.#small);
  }
}

/**
 * Folds pieces of history, oldest first, into one {@link Aggregate}.
 *
 * @example
 * ```ts
 * const builder = new AggregateBuilder();
 * builder.addSummary(minuteA);
 * builder.addSummary(minuteB);
 * const aggregate = builder.build(); // undefined when nothing traded
 * ```
 */
export class AggregateBuilder {
  #trades = 0;
  #open = 0;
  #high = -Infinity;
  #low = Infinity;
  #close = 0;
  #firstTs = 0;
  #lastTs = 0;
  readonly #lots = new ExactSum();
  readonly #value = new ExactSum();
  readonly #askLots = new ExactSum();

  #extend(trades: number, open: number, high: number, low: number, close: number, firstTs: number, lastTs: number): void {
    if (this.#trades === 0) {
      this.#open = open;
      this.#firstTs = firstTs;
    }
    this.#trades += trades;
    if (high > this.#high) this.#high = high;
    if (low < this.#low) this.#low = low;
    this.#close = close;
    this.#lastTs = lastTs;
  }

  /** Adds a whole minute. */
  addSummary(summary: MinuteSummary | undefined): void {
    if (summary === undefined) return;
    const { trades, open, high, low, close, firstTs, lastTs } = summary;
    this.#extend(trades, open, high, low, close, firstTs, lastTs);
    this.#lots.add(summary.lots);
    this.#value.add(summary.value);
    this.#askLots.add(summary.askLots);
  }

  /** Adds a packed minute summary (see `summarizePlan`); a minute without trades adds nothing. */
  addPacked(data: Float64Array, offset: number): void {
    const trades = data[offset] ?? 0;
    if (trades === 0) return;
    const open = data[offset + 1] ?? 0;
    const high = data[offset + 2] ?? 0;
    const low = data[offset + 3] ?? 0;
    const close = data[offset + 4] ?? 0;
    this.#extend(trades, open, high, low, close, data[offset + 5] ?? 0, data[offset + 6] ?? 0);
    this.#lots.add(data[offset + 7] ?? 0);
    this.#value.add(data[offset + 8] ?? 0);
    this.#askLots.add(data[offset + 9] ?? 0);
  }

  /** Adds an aggregate of a later range. */
  addAggregate(aggregate: Aggregate | undefined): void {
    if (aggregate === undefined) return;
    const { trades, open, high, low, close, firstTs, lastTs } = aggregate;
    this.#extend(trades, open, high, low, close, firstTs, lastTs);
    this.#lots.addBig(aggregate.lots);
    this.#value.addBig(aggregate.value);
    this.#askLots.addBig(aggregate.askLots);
  }

  /** Adds trades `from … to-1` of a generated minute. */
  addTrades(trades: MinuteTrades, from: number, to: number): void {
    if (to <= from) return;
    let high = -Infinity;
    let low = Infinity;
    for (let i = from; i < to; i++) {
      const price = trades.price[i] ?? 0;
      if (price > high) high = price;
      if (price < low) low = price;
    }
    this.#extend(to - from, trades.price[from] ?? 0, high, low, trades.price[to - 1] ?? 0, trades.ts[from] ?? 0, trades.ts[to - 1] ?? 0);
    this.#lots.add((trades.cumLots[to] ?? 0) - (trades.cumLots[from] ?? 0));
    this.#value.add((trades.cumValue[to] ?? 0) - (trades.cumValue[from] ?? 0));
    this.#askLots.add((trades.cumAskLots[to] ?? 0) - (trades.cumAskLots[from] ?? 0));
  }

  /** The aggregate so far, or `undefined` when nothing was added. */
  build(): Aggregate | undefined {
    if (this.#trades === 0) return undefined;
    return {
      trades: this.#trades,
      open: this.#open,
      high: this.#high,
      low: this.#low,
      close: this.#close,
      firstTs: this.#firstTs,
      lastTs: this.#lastTs,
      lots: this.#lots.total(),
      value: this.#value.total(),
      askLots: this.#askLots.total(),
    };
  }
}
