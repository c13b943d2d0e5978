/**
 * Binance Spot wire spellings of the simulator's values: REST bodies and WebSocket payloads with the
 * keys, key order and value types of the published examples (see the shared fixtures). Prices and
 * quantities are strings padded to 8 decimals (`"4.00000200"`); ids, counts and times are numbers;
 * `quoteQty` of a trade is unpadded. `tf` multiplies time fields (1 = ms, 1000 = µs).
 */
import { Big } from '../../model/decimal.js';
import type { BinanceMarket, BinanceTrade } from './markets.js';
import type { BinanceInterval, BinanceKline, BinanceTickerStats, BinanceTop } from './stats.js';
import type { WireValue } from '../server/wire-json.js';

/** A book level on the wire: `[price, qty]`. */
export type BinanceLevel = readonly [string, string];

/**
 * A decimal padded to 8 places, as Binance spells prices and quantities.
 *
 * @example
 * ```ts
 * p8(new Big('0.01')); // '0.01000000'
 * ```
 */
export function p8(value: Big): string {
  return value.toFixed(8);
}

function percent(change: Big, open: Big): string {
  return open.eq(0) ? '0.000' : change.times(100).div(open).round(3, Big.roundHalfUp).toFixed(3);
}

/** Window values with Binance's zeros for a window without trades. */
function windowValues(stats: BinanceTickerStats): { open: Big; high: Big; low: Big; last: Big; volume: Big; quoteVolume: Big; firstId: number; lastId: number; count: number } {
  const { window, last } = stats;
  const lastPrice = last?.price ?? new Big(0);
  if (window === undefined) {
    return { open: lastPrice, high: lastPrice, low: lastPrice, last: lastPrice, volume: new Big(0), quoteVolume: new Big(0), firstId: -1, lastId: -1, count: 0 };
  }
  const { open, high, low, volume, quoteVolume, firstId, lastId, trades } = window;
  return { open, high, low, last: lastPrice, volume, quoteVolume, firstId, lastId, count: trades };
}

/**
 * `GET /api/v3/ticker/24hr` (FULL or MINI) for one symbol.
 *
 * @example
 * ```ts
 * toTicker24hr(stats, 'FULL');
 * ```
 */
export function toTicker24hr(stats: BinanceTickerStats, type: 'FULL' | 'MINI', tf = 1): WireValue {
  const v = windowValues(stats);
  const times = { openTime: stats.openTime * tf, closeTime: stats.closeTime * tf, firstId: v.firstId, lastId: v.lastId, count: v.count };
  const tail = { highPrice: p8(v.high), lowPrice: p8(v.low) };
  if (type === 'MINI') {
    return { symbol: stats.market.symbol, openPrice: p8(v.open), ...tail, lastPrice: p8(v.last), volume: p8(v.volume), quoteVolume: p8(v.quoteVolume), ...times };
  }
  const change = v.last.minus(v.open);
  const top = stats.top;
  return {
    symbol: stats.market.symbol,
    priceChange: p8(change),
    priceChangePercent: percent(change, v.open),
    weightedAvgPrice: p8(v.volume.eq(0) ? new Big(0) : v.quoteVolume.div(v.volume).round(8, Big.roundHalfUp)),
    prevClosePrice: p8(stats.prevClose),
    lastPrice: p8(v.last),
    lastQty: p8(stats.last?.qty ?? new Big(0)),
    bidPrice: p8(top?.bidPrice ?? new Big(0)),
    bidQty: p8(top?.bidQty ?? new Big(0)),
    askPrice: p8(top?.askPrice ?? new Big(0)),
    askQty: p8(top?.askQty ?? new Big(0)),
    openPrice: p8(v.open),
    ...tail,
    volume: p8(v.volume),
    quoteVolume: p8(v.quoteVolume),
    ...times,
  };
}

/**
 * The `@ticker` (FULL) or `@miniTicker` payload.
 *
 * @example
 * ```ts
 * toWsTicker(stats, now, 'FULL');
 * ```
 */
export function toWsTicker(stats: BinanceTickerStats, eventTime: number, type: 'FULL' | 'MINI', tf = 1): WireValue {
  const v = windowValues(stats);
  const head = { e: type === 'FULL' ? '24hrTicker' : '24hrMiniTicker', E: eventTime * tf, s: stats.market.symbol };
  if (type === 'MINI') {
    return { ...head, c: p8(v.last), o: p8(v.open), h: p8(v.high), l: p8(v.low), v: p8(v.volume), q: p8(v.quoteVolume) };
  }
  const change = v.last.minus(v.open);
  const top = stats.top;
  return {
    ...head,
    p: p8(change),
    P: percent(change, v.open),
    w: p8(v.volume.eq(0) ? new Big(0) : v.quoteVolume.div(v.volume).round(8, Big.roundHalfUp)),
    x: p8(stats.prevClose),
    c: p8(v.last),
    Q: p8(stats.last?.qty ?? new Big(0)),
    b: p8(top?.bidPrice ?? new Big(0)),
    B: p8(top?.bidQty ?? new Big(0)),
    a: p8(top?.askPrice ?? new Big(0)),
    A: p8(top?.askQty ?? new Big(0)),
    o: p8(v.open),
    h: p8(v.high),
    l: p8(v.low),
    v: p8(v.volume),
    q: p8(v.quoteVolume),
    O: stats.openTime * tf,
    C: stats.closeTime * tf,
    F: v.firstId,
    L: v.lastId,
    n: v.count,
  };
}

/**
 * `{symbol, bidPrice, bidQty, askPrice, askQty}` of `ticker/bookTicker`.
 *
 * @example
 * ```ts
 * toBookTicker(market, book.top()!);
 * ```
 */
export function toBookTicker(market: BinanceMarket, top: BinanceTop): WireValue {
  return { symbol: market.symbol, bidPrice: p8(top.bidPrice), bidQty: p8(top.bidQty), askPrice: p8(top.askPrice), askQty: p8(top.askQty) };
}

/**
 * The `@bookTicker` payload: no `e`, no `E`.
 *
 * @example
 * ```ts
 * toWsBookTicker(market, step.last, step.top); // {u, s, b, B, a, A}
 * ```
 */
export function toWsBookTicker(market: BinanceMarket, updateId: number, top: BinanceTop): WireValue {
  return { u: updateId, s: market.symbol, b: p8(top.bidPrice), B: p8(top.bidQty), a: p8(top.askPrice), A: p8(top.askQty) };
}

/**
 * One row of `GET /api/v3/trades`.
 *
 * @example
 * ```ts
 * toRestTrade(trade); // {id, price, qty, quoteQty, time, isBuyerMaker, isBestMatch}
 * ```
 */
export function toRestTrade(trade: BinanceTrade, tf = 1): WireValue {
  return {
    id: trade.id,
    price: p8(trade.price),
    qty: p8(trade.qty),
    quoteQty: trade.price.times(trade.qty).toFixed(),
    time: trade.time * tf,
    isBuyerMaker: trade.buyerMaker,
    isBestMatch: true,
  };
}

/**
 * One row of `GET /api/v3/aggTrades` (one trade per aggregate).
 *
 * @example
 * ```ts
 * toRestAggTrade(trade); // {a, p, q, f, l, T, m, M}
 * ```
 */
export function toRestAggTrade(trade: BinanceTrade, tf = 1): WireValue {
  return { a: trade.id, p: p8(trade.price), q: p8(trade.qty), f: trade.id, l: trade.id, T: trade.time * tf, m: trade.buyerMaker, M: true };
}

/**
 * The `@trade` payload (current format, without `b`/`a`).
 *
 * @example
 * ```ts
 * toWsTrade(market, trade, now);
 * ```
 */
export function toWsTrade(market: BinanceMarket, trade: BinanceTrade, eventTime: number, tf = 1): WireValue {
  return { e: 'trade', E: eventTime * tf, s: market.symbol, t: trade.id, p: p8(trade.price), q: p8(trade.qty), T: trade.time * tf, m: trade.buyerMaker, M: true };
}

/**
 * The `@aggTrade` payload.
 *
 * @example
 * ```ts
 * toWsAggTrade(market, trade, now);
 * ```
 */
export function toWsAggTrade(market: BinanceMarket, trade: BinanceTrade, eventTime: number, tf = 1): WireValue {
  const a = trade.id;
  return { e: 'aggTrade', E: eventTime * tf, s: market.symbol, a, p: p8(trade.price), q: p8(trade.qty), f: a, l: a, T: trade.time * tf, m: trade.buyerMaker, M: true };
}

/**
 * One REST kline row: 12 elements, the last an unused `"0"`.
 *
 * @example
 * ```ts
 * toKlineRow(kline); // [openTime, "open", …, "0"]
 * ```
 */
export function toKlineRow(kline: BinanceKline, tf = 1): WireValue {
  return [
    kline.openTime * tf,
    p8(kline.open),
    p8(kline.high),
    p8(kline.low),
    p8(kline.close),
    p8(kline.volume),
    kline.closeTime * tf,
    p8(kline.quoteVolume),
    kline.trades,
    p8(kline.takerBuyVolume),
    p8(kline.takerBuyQuoteVolume),
    '0',
  ];
}

/**
 * The `@kline_<interval>` payload.
 *
 * @example
 * ```ts
 * toWsKline(market, '1m', kline, now, false);
 * ```
 */
export function toWsKline(market: BinanceMarket, interval: BinanceInterval, kline: BinanceKline, eventTime: number, closed: boolean, tf = 1): WireValue {
  return {
    e: 'kline',
    E: eventTime * tf,
    s: market.symbol,
    k: {
      t: kline.openTime * tf,
      T: kline.closeTime * tf,
      s: market.symbol,
      i: interval,
      f: kline.firstId,
      L: kline.lastId,
      o: p8(kline.open),
      c: p8(kline.close),
      h: p8(kline.high),
      l: p8(kline.low),
      v: p8(kline.volume),
      n: kline.trades,
      x: closed,
      q: p8(kline.quoteVolume),
      V: p8(kline.takerBuyVolume),
      Q: p8(kline.takerBuyQuoteVolume),
      B: '0',
    },
  };
}

/**
 * REST depth and `@depth<N>` payloads: `{lastUpdateId, bids, asks}`.
 *
 * @example
 * ```ts
 * toDepth(1027024, [['4.00000000', '431.00000000']], []);
 * ```
 */
export function toDepth(lastUpdateId: number, bids: readonly BinanceLevel[], asks: readonly BinanceLevel[]): WireValue {
  return { lastUpdateId, bids, asks };
}

/**
 * The `@depth` diff payload.
 *
 * @example
 * ```ts
 * toWsDepthDiff(market, now, 157, 160, step.bids, step.asks);
 * ```
 */
export function toWsDepthDiff(market: BinanceMarket, eventTime: number, first: number, last: number, bids: readonly BinanceLevel[], asks: readonly BinanceLevel[], tf = 1): WireValue {
  return { e: 'depthUpdate', E: eventTime * tf, s: market.symbol, U: first, u: last, b: bids, a: asks };
}
