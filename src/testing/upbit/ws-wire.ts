/**
 * Model values → Upbit WebSocket frames (`DEFAULT` keys and key order, `SIMPLE` abbreviations, list
 * formats), serialised with the REST simulator's exact writer ({@link stringifyWire}).
 *
 * Number spelling follows the WebSocket fixtures of 2025-2026 (trade, orderbook, candle, SIMPLE_LIST
 * ticker), which read like Java doubles printed in plain notation: integral prices and amounts carry a
 * `.0` (`109847000.0`), others their shortest exact digits (`0.00509799`, `16115868486.03173`). The
 * trade's `best_*` fields and the orderbook `level` are plain (`109867000`, `0`), ids bare integers.
 * Digits always come from the exact `Big`, never through a double, so long sums keep every digit. The
 * 2023 DEFAULT ticker example pads some fields to 8 decimals; the newer spelling is used for all.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-ticker
 * @see https://docs.upbit.com/kr/reference/websocket-trade
 * @see https://docs.upbit.com/kr/reference/websocket-orderbook
 * @see https://docs.upbit.com/kr/reference/websocket-candle
 */
import type { Big } from '../../model/decimal.js';
import type { SimCandle, SimMarket, SimOrderBook, SimTicker, SimTrade } from '../market/model-types.js';
import { formatCompactDate, formatCompactTime, formatDate, formatDateTime, formatTime, KST_OFFSET_MS } from '../market/time-format.js';
import { plain, RawNumber, stringifyWire, type WireValue } from '../server/wire-json.js';

/** `SNAPSHOT` (state at subscription) or `REALTIME` (a change after it). */
export type UpbitWsStreamType = 'SNAPSHOT' | 'REALTIME';

/** The four frame formats of a request's `{"format": ...}` object. */
export type UpbitWsFormat = 'DEFAULT' | 'SIMPLE' | 'JSON_LIST' | 'SIMPLE_LIST';

/** One outgoing data message with `DEFAULT` keys, before format and serialisation. */
export type UpbitWsFrame = { readonly [key: string]: WireValue };

/**
 * An exact decimal spelled like Upbit's WebSocket doubles: plain digits, `.0` added when integral.
 *
 * @example
 * ```ts
 * wsDecimal(new Big('109847000')).text; // '109847000.0'
 * wsDecimal(new Big('0.00509799')).text; // '0.00509799'
 * ```
 */
export function wsDecimal(value: Big): RawNumber {
  const text = value.toFixed();
  return new RawNumber(text.includes('.') ? text : `${text}.0`);
}

/**
 * A ticker frame: {@link SimTicker} plus the listing's warning flag, keys in the fixture's order.
 *
 * @example
 * ```ts
 * toWsTickerFrame(model.ticker('KRW-BTC')!, model.market('KRW-BTC')!, 'SNAPSHOT');
 * ```
 */
export function toWsTickerFrame(t: SimTicker, market: SimMarket | undefined, stream: UpbitWsStreamType): UpbitWsFrame {
  return {
    type: 'ticker',
    code: t.market,
    opening_price: wsDecimal(t.openingPrice),
    high_price: wsDecimal(t.highPrice),
    low_price: wsDecimal(t.lowPrice),
    trade_price: wsDecimal(t.tradePrice),
    prev_closing_price: wsDecimal(t.prevClosingPrice),
    acc_trade_price: wsDecimal(t.accTradePrice),
    change: t.change,
    change_price: wsDecimal(t.changePrice),
    signed_change_price: wsDecimal(t.signedChangePrice),
    change_rate: wsDecimal(t.changeRate),
    signed_change_rate: wsDecimal(t.signedChangeRate),
    ask_bid: t.lastSide,
    trade_volume: wsDecimal(t.tradeVolume),
    acc_trade_volume: wsDecimal(t.accTradeVolume),
    trade_date: formatCompactDate(t.tradeTimestamp),
    trade_time: formatCompactTime(t.tradeTimestamp),
    trade_timestamp: t.tradeTimestamp,
    acc_ask_volume: wsDecimal(t.accAskVolume),
    acc_bid_volume: wsDecimal(t.accBidVolume),
    highest_52_week_price: wsDecimal(t.highest52WeekPrice),
    highest_52_week_date: t.highest52WeekDate,
    lowest_52_week_price: wsDecimal(t.lowest52WeekPrice),
    lowest_52_week_date: t.lowest52WeekDate,
    market_state: 'ACTIVE',
    is_trading_suspended: false,
    delisting_date: null,
    market_warning: market?.warning === true ? 'CAUTION' : 'NONE',
    timestamp: t.timestamp,
    acc_trade_price_24h: wsDecimal(t.accTradePrice24h),
    acc_trade_volume_24h: wsDecimal(t.accTradeVolume24h),
    stream_type: stream,
  };
}

/** What a trade frame needs besides the trade itself. */
export interface WsTradeContext {
  /** The ticker's `prev_closing_price` on the trade's UTC day. */
  readonly prevClose: Big;
  /** The book at the trade's instant (only the best row is used). */
  readonly book: SimOrderBook | undefined;
  /** Message time (ms). */
  readonly at: number;
}

/**
 * A trade frame. `change`/`change_price` compare with the day's previous close (`change_price` is
 * unsigned, as in the fixture); `best_*` come from the book at the trade's instant.
 *
 * @example
 * ```ts
 * toWsTradeFrame(trade, { prevClose, book: model.orderBook(code, trade.timestamp, 1), at: now }, 'REALTIME');
 * ```
 */
export function toWsTradeFrame(trade: SimTrade, context: WsTradeContext, stream: UpbitWsStreamType): UpbitWsFrame {
  const signed = trade.price.minus(context.prevClose);
  const best = context.book?.units[0];
  return {
    type: 'trade',
    code: trade.market,
    timestamp: context.at,
    trade_date: formatDate(trade.timestamp),
    trade_time: formatTime(trade.timestamp),
    trade_timestamp: trade.timestamp,
    trade_price: wsDecimal(trade.price),
    trade_volume: wsDecimal(trade.volume),
    ask_bid: trade.side,
    prev_closing_price: wsDecimal(context.prevClose),
    change: signed.gt(0) ? 'RISE' : signed.lt(0) ? 'FALL' : 'EVEN',
    change_price: wsDecimal(signed.abs()),
    sequential_id: new RawNumber(trade.sequentialId),
    best_ask_price: best === undefined ? null : plain(best.askPrice),
    best_ask_size: best === undefined ? null : plain(best.askSize),
    best_bid_price: best === undefined ? null : plain(best.bidPrice),
    best_bid_size: best === undefined ? null : plain(best.bidSize),
    stream_type: stream,
  };
}

/**
 * An orderbook frame (`timestamp` is the book's instant; `level` last, as in the fixture).
 *
 * @example
 * ```ts
 * toWsOrderBookFrame(model.orderBook('KRW-BTC', now, 15)!, 'SNAPSHOT');
 * ```
 */
export function toWsOrderBookFrame(book: SimOrderBook, stream: UpbitWsStreamType): UpbitWsFrame {
  return {
    type: 'orderbook',
    code: book.market,
    timestamp: book.timestamp,
    total_ask_size: wsDecimal(book.totalAskSize),
    total_bid_size: wsDecimal(book.totalBidSize),
    orderbook_units: book.units.map((u) => ({
      ask_price: wsDecimal(u.askPrice),
      bid_price: wsDecimal(u.bidPrice),
      ask_size: wsDecimal(u.askSize),
      bid_size: wsDecimal(u.bidSize),
    })),
    stream_type: stream,
    level: plain(book.level),
  };
}

/**
 * A candle frame of type `type` (`candle.1m` …); `timestamp` is the message time, as in the fixture
 * where two candles of different periods carry the same one.
 *
 * @example
 * ```ts
 * toWsCandleFrame(candle, 'candle.1m', now, 'REALTIME');
 * ```
 */
export function toWsCandleFrame(candle: SimCandle, type: string, at: number, stream: UpbitWsStreamType): UpbitWsFrame {
  return {
    type,
    code: candle.market,
    candle_date_time_utc: formatDateTime(candle.start),
    candle_date_time_kst: formatDateTime(candle.start + KST_OFFSET_MS),
    opening_price: wsDecimal(candle.open),
    high_price: wsDecimal(candle.high),
    low_price: wsDecimal(candle.low),
    trade_price: wsDecimal(candle.close),
    candle_acc_trade_volume: wsDecimal(candle.volume),
    candle_acc_trade_price: wsDecimal(candle.value),
    timestamp: at,
    stream_type: stream,
  };
}

/** DEFAULT → SIMPLE keys of every stream, from the protocol reference's tables. */
const SIMPLE_KEYS: Readonly<Record<string, string>> = {
  type: 'ty',
  code: 'cd',
  opening_price: 'op',
  high_price: 'hp',
  low_price: 'lp',
  trade_price: 'tp',
  prev_closing_price: 'pcp',
  change: 'c',
  change_price: 'cp',
  signed_change_price: 'scp',
  change_rate: 'cr',
  signed_change_rate: 'scr',
  trade_volume: 'tv',
  acc_trade_volume: 'atv',
  acc_trade_volume_24h: 'atv24h',
  acc_trade_price: 'atp',
  acc_trade_price_24h: 'atp24h',
  trade_timestamp: 'ttms',
  ask_bid: 'ab',
  acc_ask_volume: 'aav',
  acc_bid_volume: 'abv',
  highest_52_week_price: 'h52wp',
  highest_52_week_date: 'h52wdt',
  lowest_52_week_price: 'l52wp',
  lowest_52_week_date: 'l52wdt',
  market_state: 'ms',
  is_trading_suspended: 'its',
  delisting_date: 'dd',
  market_warning: 'mw',
  timestamp: 'tms',
  stream_type: 'st',
  sequential_id: 'sid',
  best_ask_price: 'bap',
  best_ask_size: 'bas',
  best_bid_price: 'bbp',
  best_bid_size: 'bbs',
  total_ask_size: 'tas',
  total_bid_size: 'tbs',
  orderbook_units: 'obu',
  ask_price: 'ap',
  bid_price: 'bp',
  ask_size: 'as',
  bid_size: 'bs',
  level: 'lv',
  candle_date_time_utc: 'cdttmu',
  candle_date_time_kst: 'cdttmk',
  candle_acc_trade_volume: 'catv',
  candle_acc_trade_price: 'catp',
};

/** `trade_date`/`trade_time` abbreviate differently per stream (`tdt`/`ttm` ticker, `td`/`ttm` trade). */
const SIMPLE_DATE_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ticker: { trade_date: 'tdt', trade_time: 'ttm' },
  trade: { trade_date: 'td', trade_time: 'ttm' },
};

function renameUnit(unit: WireValue): WireValue {
  if (unit === null || typeof unit !== 'object' || unit instanceof RawNumber || Array.isArray(unit)) return unit;
  const record = unit as { readonly [key: string]: WireValue | undefined };
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [SIMPLE_KEYS[key] ?? key, value]));
}

/**
 * The same frame under `SIMPLE` keys, in the same order (the SIMPLE_LIST fixture keeps DEFAULT's order).
 *
 * @example
 * ```ts
 * toSimpleFrame(toWsOrderBookFrame(book, 'SNAPSHOT')).obu; // [{ ap, bp, as, bs }, ...]
 * ```
 */
export function toSimpleFrame(frame: UpbitWsFrame): UpbitWsFrame {
  const dates = SIMPLE_DATE_KEYS[String(frame.type)] ?? {};
  return Object.fromEntries(
    Object.entries(frame).map(([key, value]) => {
      const simpleKey = dates[key] ?? SIMPLE_KEYS[key] ?? key;
      return [simpleKey, key === 'orderbook_units' && Array.isArray(value) ? value.map(renameUnit) : value];
    }),
  );
}

/**
 * The message texts to send for `frames` in `format`: one per frame for `DEFAULT`/`SIMPLE`, a single
 * array for the list formats (the simulator batches what one push produces).
 *
 * @example
 * ```ts
 * encodeWsFrames([tickerFrame, tradeFrame], 'SIMPLE_LIST'); // ['[{"ty":"ticker",...},{"ty":"trade",...}]']
 * ```
 */
export function encodeWsFrames(frames: readonly UpbitWsFrame[], format: UpbitWsFormat): string[] {
  if (frames.length === 0) return [];
  const simple = format === 'SIMPLE' || format === 'SIMPLE_LIST';
  const shaped = simple ? frames.map(toSimpleFrame) : frames;
  if (format === 'JSON_LIST' || format === 'SIMPLE_LIST') return [stringifyWire(shaped)];
  return shaped.map((frame) => stringifyWire(frame));
}
