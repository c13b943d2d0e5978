/**
 * Model values → Upbit REST reply objects, with Upbit's key order and number spelling.
 *
 * Spelling follows the captures in the fixtures: tickers and candles as the 2025 server sends them
 * (prices padded to 8 decimals, `acc_trade_price` to 16, rates to 10, EVEN changes as integer `0`);
 * order books and trades in plain shortest form as in Upbit's reference examples (no 2025 capture of
 * those exists). Padding never rounds: a value with more decimals keeps them all.
 */
import type { CandleInterval } from '../../model/candle.js';
import type { Big } from '../../model/decimal.js';
import { CAUTION_FLAGS } from '../market/markets.js';
import type { SimCandle, SimMarket, SimOrderBook, SimTicker, SimTrade } from '../market/model-types.js';
import { formatCompactDate, formatCompactTime, formatDate, formatDateTime, formatTime, KST_OFFSET_MS } from '../market/time-format.js';
import { changeRateOf } from '../market/model-ticker.js';
import { fixed, fixedOrZero, plain, RawNumber, type WireValue } from '../server/wire-json.js';

/**
 * A `/v1/market/all` element; `details` adds `market_event`.
 *
 * @example
 * ```ts
 * toMarketWire(model.market('KRW-BTC')!, true).market_event; // { warning: false, caution: {...} }
 * ```
 */
export function toMarketWire(market: SimMarket, details: boolean): { readonly [key: string]: WireValue } {
  const base = { market: market.market, korean_name: market.koreanName, english_name: market.englishName };
  if (!details) return base;
  const caution = Object.fromEntries(CAUTION_FLAGS.map((flag) => [flag, market.cautions[flag]]));
  return { ...base, market_event: { warning: market.warning, caution } };
}

/**
 * A `/v1/ticker` element.
 *
 * @example
 * ```ts
 * stringifyWire(toTickerWire(model.ticker('KRW-BTC')!));
 * ```
 */
export function toTickerWire(t: SimTicker): WireValue {
  const even = t.change === 'EVEN';
  return {
    market: t.market,
    trade_date: formatCompactDate(t.tradeTimestamp),
    trade_time: formatCompactTime(t.tradeTimestamp),
    trade_date_kst: formatCompactDate(t.tradeTimestamp + KST_OFFSET_MS),
    trade_time_kst: formatCompactTime(t.tradeTimestamp + KST_OFFSET_MS),
    trade_timestamp: t.tradeTimestamp,
    opening_price: fixed(t.openingPrice, 8),
    high_price: fixed(t.highPrice, 8),
    low_price: fixed(t.lowPrice, 8),
    trade_price: fixed(t.tradePrice, 8),
    prev_closing_price: fixed(t.prevClosingPrice, 8),
    change: t.change,
    change_price: even ? new RawNumber('0') : fixed(t.changePrice, 8),
    change_rate: even ? new RawNumber('0') : fixed(t.changeRate, 10),
    signed_change_price: even ? new RawNumber('0') : fixed(t.signedChangePrice, 8),
    signed_change_rate: even ? new RawNumber('0') : fixed(t.signedChangeRate, 10),
    trade_volume: fixed(t.tradeVolume, 8),
    acc_trade_price: fixed(t.accTradePrice, 16),
    acc_trade_price_24h: fixed(t.accTradePrice24h, 8),
    acc_trade_volume: fixed(t.accTradeVolume, 8),
    acc_trade_volume_24h: fixed(t.accTradeVolume24h, 8),
    highest_52_week_price: fixed(t.highest52WeekPrice, 8),
    highest_52_week_date: t.highest52WeekDate,
    lowest_52_week_price: fixed(t.lowest52WeekPrice, 8),
    lowest_52_week_date: t.lowest52WeekDate,
    timestamp: t.timestamp,
  };
}

/**
 * A `/v1/orderbook` element.
 *
 * @example
 * ```ts
 * toOrderBookWire(model.orderBook('KRW-BTC')!);
 * ```
 */
export function toOrderBookWire(book: SimOrderBook): WireValue {
  return {
    market: book.market,
    timestamp: book.timestamp,
    total_ask_size: plain(book.totalAskSize),
    total_bid_size: plain(book.totalBidSize),
    orderbook_units: book.units.map((u) => ({
      ask_price: plain(u.askPrice),
      bid_price: plain(u.bidPrice),
      ask_size: plain(u.askSize),
      bid_size: plain(u.bidSize),
    })),
    level: plain(book.level),
  };
}

/**
 * A `/v1/trades/ticks` element; `prevClose` is the last price before the trade's UTC day.
 *
 * @example
 * ```ts
 * toTradeWire(trade, prevClose);
 * ```
 */
export function toTradeWire(trade: SimTrade, prevClose: Big): WireValue {
  return {
    market: trade.market,
    trade_date_utc: formatDate(trade.timestamp),
    trade_time_utc: formatTime(trade.timestamp),
    timestamp: trade.timestamp,
    trade_price: plain(trade.price),
    trade_volume: plain(trade.volume),
    prev_closing_price: plain(prevClose),
    change_price: plain(trade.price.minus(prevClose)),
    ask_bid: trade.side,
    sequential_id: new RawNumber(trade.sequentialId),
  };
}

/** Extra inputs of a candle element that the candle alone does not carry. */
export interface CandleWireExtras {
  /** Minute unit (minute candles only). */
  readonly unit?: number | undefined;
  /** Close of the previous candle period with trades (day candles). */
  readonly prevClose?: Big | undefined;
  /** `converted_trade_price` (day candles with `converting_price_unit`). */
  readonly convertedTradePrice?: Big | undefined;
}

const PERIOD_INTERVALS: ReadonlySet<CandleInterval> = new Set(['1w', '1M', '1y']);

/**
 * A candle element of any `/v1/candles/...` endpoint: the common fields, then `unit` (minutes),
 * `prev_closing_price`/`change_price`/`change_rate`/`converted_trade_price` (days) or
 * `first_day_of_period` (weeks, months, years).
 *
 * @example
 * ```ts
 * toCandleWire(candle, { unit: 1 });
 * ```
 */
export function toCandleWire(candle: SimCandle, extras: CandleWireExtras = {}): WireValue {
  const common = {
    market: candle.market,
    candle_date_time_utc: formatDateTime(candle.start),
    candle_date_time_kst: formatDateTime(candle.start + KST_OFFSET_MS),
    opening_price: fixed(candle.open, 8),
    high_price: fixed(candle.high, 8),
    low_price: fixed(candle.low, 8),
    trade_price: fixed(candle.close, 8),
    timestamp: candle.lastTimestamp,
    candle_acc_trade_price: fixed(candle.value, 8),
    candle_acc_trade_volume: fixed(candle.volume, 8),
  };
  if (extras.unit !== undefined) return { ...common, unit: extras.unit };
  if (candle.interval === '1d') {
    const prevClose = extras.prevClose ?? candle.open;
    const change = candle.close.minus(prevClose);
    return {
      ...common,
      prev_closing_price: fixed(prevClose, 8),
      change_price: fixedOrZero(change, 8),
      change_rate: fixedOrZero(changeRateOf(change, prevClose), 10),
      converted_trade_price: extras.convertedTradePrice === undefined ? undefined : fixed(extras.convertedTradePrice, 8),
    };
  }
  if (PERIOD_INTERVALS.has(candle.interval)) return { ...common, first_day_of_period: formatDate(candle.start) };
  return common;
}
