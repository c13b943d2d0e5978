/**
 * The order book at an instant, built around the last trade so the two always agree: after a BID
 * (taker bought) the last price is the best ask, after an ASK it is the best bid, and the other side
 * sits one or two ticks away. Deeper levels step one or two ticks on the tick grid (crossing bands
 * correctly), and sizes are hashed per (second, side, price), so grouped books (`level`) sum the same
 * raw levels.
 */
import { Big } from '../../model/decimal.js';
import { mix, mixNumber, toUnit } from './hash.js';
import type { History } from './history.js';
import { lastTradeBefore } from './history-queries.js';
import { priceOf, volumeOf, type MarketProfile } from './market-profile.js';
import type { SimOrderBook, SimOrderBookUnit } from './model-types.js';
import { nextPriceDown, nextPriceUp } from './ticks.js';

const BOOK_SALT = 0x424f_4f4b;
/** Raw levels scanned per side at most (grouped books need several raw levels per row). */
const MAX_RAW_LEVELS = 5000;

interface Row {
  readonly price: Big;
  lots: number;
}

/** Hashed size (lots) of the raw level at `price` on one side. */
function levelLots(profile: MarketProfile, key: number, side: number, price: Big): number {
  const priceNumber = price.toNumber();
  const h = mixNumber(mix(key, side), Math.round(priceNumber / profile.tickNumber));
  const mean = (2 * profile.notional) / (priceNumber * profile.lotNumber);
  const u = toUnit(h);
  const heavy = toUnit(mix(h, 1)) < 0.08 ? 8 : 1;
  return Math.max(1, Math.round(mean * Math.exp(3 * (u - 0.5)) * heavy));
}

/** Builds one side's rows, best first: `depth` rows, grouped by `level` when it is positive. */
function buildSide(profile: MarketProfile, key: number, best: Big, ask: boolean, depth: number, level: Big): Row[] {
  const rows: Row[] = [];
  const grouped = level.gt(0);
  let price = best;
  for (let i = 0; i < MAX_RAW_LEVELS && price.gt(0); i++) {
    const rowPrice = !grouped ? price : ask ? price.div(level).round(0, Big.roundUp).times(level) : price.div(level).round(0, Big.roundDown).times(level);
    const last = rows[rows.length - 1];
    if (last !== undefined && last.price.eq(rowPrice)) {
      last.lots += levelLots(profile, key, ask ? 1 : 2, price);
    } else {
      if (rows.length === depth) break;
      if (rowPrice.lte(0)) break;
      rows.push({ price: rowPrice, lots: levelLots(profile, key, ask ? 1 : 2, price) });
    }
    const steps = toUnit(mix(key, i * 2 + (ask ? 1 : 0))) < 0.7 ? 1 : 2;
    for (let s = 0; s < steps; s++) price = ask ? nextPriceUp(profile.quote, price) : nextPriceDown(profile.quote, price);
  }
  return rows;
}

/**
 * The order book of `profile` at `at` (`depth` rows, grouped by `level`; `0` = no grouping), or
 * `undefined` before the market's first trade.
 *
 * @example
 * ```ts
 * const book = buildOrderBook(history, profile, Date.now(), 30, new Big(0));
 * book?.units[0]?.askPrice;
 * ```
 */
export function buildOrderBook(history: History, profile: MarketProfile, at: number, depth: number, level: Big): SimOrderBook | undefined {
  const last = lastTradeBefore(history, profile, at + 1);
  if (last === undefined) return undefined;
  const key = mix(mix(profile.key, BOOK_SALT), Math.floor(at / 1000));
  const lastPrice = priceOf(profile, last.price);
  const gap = toUnit(key) < 0.6 ? 1 : 2;
  let other = lastPrice;
  for (let i = 0; i < gap; i++) other = last.bid ? nextPriceDown(profile.quote, other) : nextPriceUp(profile.quote, other);
  const bestAsk = last.bid ? lastPrice : other;
  const bestBid = last.bid ? other : lastPrice;
  const asks = buildSide(profile, key, bestAsk, true, depth, level);
  const bids = buildSide(profile, key, bestBid, false, depth, level);
  const units: SimOrderBookUnit[] = [];
  let totalAsk = new Big(0);
  let totalBid = new Big(0);
  for (let i = 0; i < Math.min(asks.length, bids.length); i++) {
    const ask = asks[i];
    const bid = bids[i];
    if (ask === undefined || bid === undefined) break;
    const askSize = volumeOf(profile, ask.lots);
    const bidSize = volumeOf(profile, bid.lots);
    totalAsk = totalAsk.plus(askSize);
    totalBid = totalBid.plus(bidSize);
    units.push({ askPrice: ask.price, bidPrice: bid.price, askSize, bidSize });
  }
  return { market: profile.code, timestamp: at, totalAskSize: totalAsk, totalBidSize: totalBid, units, level };
}
