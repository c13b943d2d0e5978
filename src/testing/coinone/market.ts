/**
 * Coinone's view of the shared {@link MarketModel}: every KRW market of the model, priced at the
 * model's price × (1 + premium) and rounded to Coinone's tick, with Coinone's ids (ms time followed by
 * a 3-digit counter), 24 h statistics, books of best-first levels and flat-filled candles.
 *
 * Simulator choices (documented, kept in this one file):
 * - Coinone's KRW tick table is taken to be the Korean one the model already uses (`tickFor('KRW', …)`).
 * - Trade, ticker and candle prices round half-up; book bids round down and asks up, so every trade
 *   stays inside the book's spread. Levels that meet after rounding are merged.
 * - Quantities are the model's; quote volumes are the model's value × (1 + premium), 4 decimals.
 * - A book's state starts at the later of its second and the last trade (the model's book changes only
 *   then); its `timestamp` is that instant and its `id` that instant followed by `001`.
 * - Candle periods are aligned on UTC (minutes to the epoch, days at 00:00, weeks on Monday).
 */
import { Big } from '../../model/decimal.js';
import { nextPeriod, periodStart } from '../../model/candle-periods.js';
import type { MarketModel } from '../market/market-model.js';
import type { SimAggregate, SimTrade } from '../market/model-types.js';
import { tickFor } from '../market/ticks.js';

/** Coinone's only live quote currency. */
export const COINONE_QUOTE = 'KRW';
/** Chart intervals of the REST API (`1mon` is a month). */
export const COINONE_CHART_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '1d', '1w', '1mon'] as const;
/** A chart interval. */
export type CoinoneChartInterval = (typeof COINONE_CHART_INTERVALS)[number];

const DAY_MS = 86_400_000;
const MINUTES: Readonly<Partial<Record<CoinoneChartInterval, number>>> = {
  '1m': 1, '3m': 3, '5m': 5, '15m': 15, '30m': 30, '1h': 60, '2h': 120, '4h': 240, '6h': 360,
};

/** One price level. */
export interface CoinoneLevel {
  readonly price: Big;
  readonly qty: Big;
}

/** A book: both sides best first (the WS wire reverses the asks). */
export interface CoinoneBook {
  readonly target: string;
  readonly timestamp: number;
  readonly id: string;
  readonly unit: Big;
  readonly bids: readonly CoinoneLevel[];
  readonly asks: readonly CoinoneLevel[];
}

/** One trade; `isSellerMaker` is `true` when the taker bought. */
export interface CoinoneTrade {
  readonly target: string;
  readonly id: string;
  readonly timestamp: number;
  readonly price: Big;
  readonly qty: Big;
  readonly isSellerMaker: boolean;
}

/** Prices and volumes of a window. */
export interface CoinoneStats {
  readonly high: Big;
  readonly low: Big;
  readonly first: Big;
  readonly last: Big;
  readonly quoteVolume: Big;
  readonly targetVolume: Big;
  /** Taker-buy volume / taker-sell volume in %, 0-500, 2 decimals. */
  readonly volumePower: Big;
}

/** A ticker: the rolling 24 h, the 24 h before, and the best levels. */
export interface CoinoneTicker {
  readonly target: string;
  /** Time of the last trade. */
  readonly timestamp: number;
  /** Id of the last trade. */
  readonly id: string;
  readonly day: CoinoneStats;
  readonly yesterday: CoinoneStats | undefined;
  readonly bestAsk: CoinoneLevel | undefined;
  readonly bestBid: CoinoneLevel | undefined;
}

/** A candle; periods without trades are flat at the previous close with zero volumes. */
export interface CoinoneCandle {
  readonly timestamp: number;
  readonly open: Big;
  readonly high: Big;
  readonly low: Big;
  readonly close: Big;
  readonly targetVolume: Big;
  readonly quoteVolume: Big;
}

/**
 * Coinone's id spelling: `ms` followed by a 3-digit counter.
 *
 * @example
 * ```ts
 * coinoneId(1693560450996, 1); // '1693560450996001'
 * ```
 */
export function coinoneId(ms: number, counter = 1): string {
  return (BigInt(ms) * 1000n + BigInt(counter)).toString();
}

/**
 * Start of the chart period of `interval` holding `ms` (UTC-aligned).
 *
 * @example
 * ```ts
 * chartPeriodStart('2h', Date.UTC(2025, 6, 30, 17, 3)); // Date.UTC(2025, 6, 30, 16)
 * ```
 */
export function chartPeriodStart(interval: CoinoneChartInterval, ms: number): number {
  const minutes = MINUTES[interval];
  if (minutes !== undefined) return Math.floor(ms / (minutes * 60_000)) * minutes * 60_000;
  return periodStart(calendarInterval(interval), ms);
}

/** The library interval of a calendar period (`1d`, `1w`, `1mon`). */
function calendarInterval(interval: CoinoneChartInterval): '1d' | '1w' | '1M' {
  return interval === '1mon' ? '1M' : interval === '1w' ? '1w' : '1d';
}

function nextChartPeriod(interval: CoinoneChartInterval, start: number): number {
  const minutes = MINUTES[interval];
  return minutes !== undefined ? start + minutes * 60_000 : nextPeriod(calendarInterval(interval), start);
}

/**
 * The Coinone price view of a model.
 *
 * @example
 * ```ts
 * const market = new CoinoneMarket(new MarketModel({ seed: 7 }), -0.001);
 * market.trades('BTC', Date.now(), 10)[0]?.price.toFixed();
 * ```
 */
export class CoinoneMarket {
  readonly model: MarketModel;
  readonly #factor: Big;

  /** @param premium Coinone's price gap to the model, e.g. `-0.001` (0.1 % below). */
  constructor(model: MarketModel, premium: number) {
    this.model = model;
    this.#factor = new Big(1).plus(new Big(premium));
  }

  /** Targets listed at `at`, in catalogue order. */
  targets(at: number): string[] {
    return this.model.markets(at).filter((m) => m.quote === COINONE_QUOTE).map((m) => m.base);
  }

  /** `true` when `target` (upper case) is listed at `at`. */
  has(target: string, at: number): boolean {
    return this.model.hasMarket(`${COINONE_QUOTE}-${target}`, at);
  }

  /** The model price scaled and rounded to the tick (`0` down, `1` half-up, `3` up). */
  price(modelPrice: Big, rounding: 0 | 1 | 3 = 1): Big {
    const raw = modelPrice.times(this.#factor);
    const tick = tickFor(COINONE_QUOTE, raw);
    return raw.div(tick).round(0, rounding).times(tick);
  }

  /** Tick at the current price, and the lot size of `target`. */
  units(target: string, at: number): { readonly tick: Big; readonly lot: Big } {
    const market = this.model.market(`${COINONE_QUOTE}-${target}`);
    const last = this.model.lastTrade(`${COINONE_QUOTE}-${target}`, at);
    const tick = last === undefined ? (market?.tickSize ?? new Big(1)) : tickFor(COINONE_QUOTE, this.price(last.price));
    return { tick, lot: market?.lotSize ?? new Big('0.00000001') };
  }

  /** Aggregation steps allowed by the orderbook's `order_book_unit`: none, 10 and 100 ticks. */
  bookUnits(target: string, at: number): Big[] {
    const { tick } = this.units(target, at);
    return [new Big(0), tick.times(10), tick.times(100)];
  }

  /** The trade as Coinone sees it. */
  trade(trade: SimTrade, target: string): CoinoneTrade {
    const seq = BigInt(trade.sequentialId) % 10_000n;
    return {
      target,
      id: coinoneId(trade.timestamp, Number(seq) + 1),
      timestamp: trade.timestamp,
      price: this.price(trade.price),
      qty: trade.volume,
      isSellerMaker: trade.side === 'BID',
    };
  }

  /** Up to `size` trades at or before `at`, newest first. */
  trades(target: string, at: number, size: number): CoinoneTrade[] {
    return this.model.tradesBefore(`${COINONE_QUOTE}-${target}`, at + 1, 0, 0, size).map((t) => this.trade(t, target));
  }

  /** Trades with `from <= timestamp <= to`, oldest first. */
  tradesBetween(target: string, from: number, to: number): CoinoneTrade[] {
    return this.model.trades(`${COINONE_QUOTE}-${target}`, from, to + 1).map((t) => this.trade(t, target));
  }

  /** Id of the book state at `at` (changes at every second and every trade). */
  bookStateStart(target: string, at: number): number | undefined {
    const last = this.model.lastTrade(`${COINONE_QUOTE}-${target}`, at);
    return last === undefined ? undefined : Math.max(Math.floor(at / 1000) * 1000, last.timestamp);
  }

  /** The book at `at`: `size` levels a side, grouped to multiples of `unit` when positive. */
  book(target: string, at: number, size: number, unit: Big = new Big(0)): CoinoneBook | undefined {
    const start = this.bookStateStart(target, at);
    if (start === undefined) return undefined;
    const { tick } = this.units(target, at);
    const perRow = unit.gt(0) ? Math.max(1, unit.div(tick).round(0, 3).toNumber()) : 1;
    const raw = this.model.orderBook(`${COINONE_QUOTE}-${target}`, at, Math.min(4000, size * perRow + 4));
    if (raw === undefined) return undefined;
    const bids = merge(raw.units.map((u) => ({ price: group(this.price(u.bidPrice, 0), unit, 0), qty: u.bidSize })), size);
    const asks = merge(raw.units.map((u) => ({ price: group(this.price(u.askPrice, 3), unit, 3), qty: u.askSize })), size);
    return { target, timestamp: start, id: coinoneId(start), unit, bids, asks };
  }

  /** Statistics of `[from, to)`, or `undefined` without trades. */
  stats(target: string, from: number, to: number): CoinoneStats | undefined {
    const aggregate = this.model.aggregate(`${COINONE_QUOTE}-${target}`, from, to);
    return aggregate === undefined ? undefined : this.#stats(aggregate);
  }

  /**
   * The ticker at `at`, `undefined` before the first trade: the rolling 24 h and the 24 h before, or
   * with `utcDay` the UTC day so far and the previous UTC day (`ticker_utc_new`).
   */
  ticker(target: string, at: number, utcDay = false): CoinoneTicker | undefined {
    const code = `${COINONE_QUOTE}-${target}`;
    const last = this.model.lastTrade(code, at);
    if (last === undefined) return undefined;
    const lastPrice = this.price(last.price);
    const zero = new Big(0);
    const flat = { high: lastPrice, low: lastPrice, first: lastPrice, last: lastPrice, quoteVolume: zero, targetVolume: zero, volumePower: zero };
    const book = this.book(target, at, 1);
    const trade = this.trade(last, target);
    const dayStart = utcDay ? Math.floor(at / DAY_MS) * DAY_MS : at + 1 - DAY_MS;
    return {
      target,
      timestamp: trade.timestamp,
      id: trade.id,
      day: this.stats(target, dayStart, at + 1) ?? flat,
      yesterday: this.stats(target, dayStart - DAY_MS, dayStart),
      bestAsk: book?.asks[0],
      bestBid: book?.bids[0],
    };
  }

  /**
   * Up to `size` candles of the periods starting at or before `upTo`, newest first, as of `at`; `isLast`
   * when the oldest one is the market's first period.
   */
  chart(target: string, interval: CoinoneChartInterval, upTo: number, size: number, at: number): { readonly candles: CoinoneCandle[]; readonly isLast: boolean } {
    const code = `${COINONE_QUOTE}-${target}`;
    const listedAt = this.model.market(code)?.listedAt ?? 0;
    const firstStart = chartPeriodStart(interval, listedAt);
    const newest = chartPeriodStart(interval, Math.min(upTo, at));
    const starts: number[] = [];
    for (let start = newest; starts.length < size && start >= firstStart; start = chartPeriodStart(interval, start - 1)) starts.push(start);
    starts.reverse();
    const candles: CoinoneCandle[] = [];
    const before = starts[0] === undefined ? undefined : this.model.lastTrade(code, starts[0] - 1);
    let close = before === undefined ? undefined : this.price(before.price);
    for (const start of starts) {
      const end = Math.min(nextChartPeriod(interval, start), at + 1);
      const stats = this.stats(target, start, end);
      if (stats !== undefined) close = stats.last;
      if (close === undefined) continue;
      const zero = new Big(0);
      candles.push(stats === undefined
        ? { timestamp: start, open: close, high: close, low: close, close, targetVolume: zero, quoteVolume: zero }
        : { timestamp: start, open: stats.first, high: stats.high, low: stats.low, close: stats.last, targetVolume: stats.targetVolume, quoteVolume: stats.quoteVolume });
    }
    candles.reverse();
    return { candles, isLast: starts.length === 0 || starts[0] === firstStart };
  }

  #stats(aggregate: SimAggregate): CoinoneStats {
    const sells = aggregate.askVolume;
    const power = sells.eq(0) ? new Big(aggregate.bidVolume.gt(0) ? 500 : 100) : aggregate.bidVolume.div(sells).times(100).round(2, 0);
    return {
      high: this.price(aggregate.high),
      low: this.price(aggregate.low),
      first: this.price(aggregate.open),
      last: this.price(aggregate.close),
      quoteVolume: aggregate.value.times(this.#factor).round(4, 0),
      targetVolume: aggregate.volume,
      volumePower: power.gt(500) ? new Big(500) : power,
    };
  }
}

/** Rounds a price to a multiple of `unit` (no-op for 0). */
function group(price: Big, unit: Big, rounding: 0 | 3): Big {
  return unit.gt(0) ? price.div(unit).round(0, rounding).times(unit) : price;
}

/** Merges adjacent levels with equal prices and keeps the first `size`. */
function merge(levels: readonly CoinoneLevel[], size: number): CoinoneLevel[] {
  const out: CoinoneLevel[] = [];
  for (const level of levels) {
    const last = out[out.length - 1];
    if (last !== undefined && last.price.eq(level.price)) out[out.length - 1] = { price: last.price, qty: last.qty.plus(level.qty) };
    else if (out.length < size) out.push(level);
    else break;
  }
  return out;
}
