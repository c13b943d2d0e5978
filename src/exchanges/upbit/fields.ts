/**
 * Checked field readers and key tables shared by the REST and (later) WebSocket mappers.
 *
 * Upbit sends the same records over REST and WebSocket, under full keys (`trade_price`, REST and WS
 * `DEFAULT`) or abbreviated ones (`tp`, WS `SIMPLE`); only the market key differs between REST
 * (`market`) and WS (`code`/`cd`). A mapper takes a key table saying where each model field lives, so
 * one `toTicker` serves every format: the WS mapper passes its own table. The readers throw a
 * {@link ParseError} naming the field; they allocate nothing on the good path.
 */
import { isWireNumber, type WireNumber } from '../../model/decimal.js';
import { type FieldRecord, fieldReaders } from '../kit/field-kit.js';
import { toUpbitSymbol, UPBIT_ID } from './symbols.js';
import type { UpbitOrderBookUnit, UpbitRestCandle, UpbitRestOrderBook, UpbitRestTicker, UpbitRestTrade } from './wire.js';

/** A JSON object as it came off the wire. */
export type UpbitRecord = FieldRecord;

/** Where each {@link Ticker} field lives in an Upbit ticker record. */
export interface UpbitTickerKeys {
  readonly market: string;
  readonly timestamp: string;
  readonly last: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly prevClose: string;
  readonly change: string;
  readonly changeRate: string;
  readonly baseVolume: string;
  readonly quoteVolume: string;
  readonly baseVolume24h: string;
  readonly quoteVolume24h: string;
  readonly lastAmount: string;
}

/** Where each {@link Trade} field lives in an Upbit trade record. */
export interface UpbitTradeKeys {
  readonly market: string;
  readonly timestamp: string;
  readonly id: string;
  readonly price: string;
  readonly amount: string;
  readonly side: string;
}

/** Where the order-book fields live in an Upbit orderbook record and its units. */
export interface UpbitOrderBookKeys {
  readonly market: string;
  readonly timestamp: string;
  readonly units: string;
  readonly askPrice: string;
  readonly askSize: string;
  readonly bidPrice: string;
  readonly bidSize: string;
}

/** Where each {@link Candle} field lives in an Upbit candle record. */
export interface UpbitCandleKeys {
  readonly market: string;
  readonly openTime: string;
  readonly timestamp: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly baseVolume: string;
  readonly quoteVolume: string;
}

type KeysOf<Keys, Wire> = { readonly [K in keyof Keys]: keyof Wire & string };

/** REST ticker keys (also WS `DEFAULT` apart from `market` → `code`). */
export const UPBIT_REST_TICKER_KEYS = {
  market: 'market',
  timestamp: 'timestamp',
  last: 'trade_price',
  open: 'opening_price',
  high: 'high_price',
  low: 'low_price',
  prevClose: 'prev_closing_price',
  change: 'signed_change_price',
  changeRate: 'signed_change_rate',
  baseVolume: 'acc_trade_volume',
  quoteVolume: 'acc_trade_price',
  baseVolume24h: 'acc_trade_volume_24h',
  quoteVolume24h: 'acc_trade_price_24h',
  lastAmount: 'trade_volume',
} as const satisfies KeysOf<UpbitTickerKeys, UpbitRestTicker>;

/** REST trade keys. REST `timestamp` is the trade time (WS has `trade_timestamp` for it). */
export const UPBIT_REST_TRADE_KEYS = {
  market: 'market',
  timestamp: 'timestamp',
  id: 'sequential_id',
  price: 'trade_price',
  amount: 'trade_volume',
  side: 'ask_bid',
} as const satisfies KeysOf<UpbitTradeKeys, UpbitRestTrade>;

/** REST orderbook keys (also WS `DEFAULT` apart from `market` → `code`). */
export const UPBIT_REST_ORDER_BOOK_KEYS = {
  market: 'market',
  timestamp: 'timestamp',
  units: 'orderbook_units',
  askPrice: 'ask_price',
  askSize: 'ask_size',
  bidPrice: 'bid_price',
  bidSize: 'bid_size',
} as const satisfies KeysOf<UpbitOrderBookKeys, UpbitRestOrderBook & UpbitOrderBookUnit>;

/** REST candle keys (also WS `DEFAULT` apart from `market` → `code`). */
export const UPBIT_REST_CANDLE_KEYS = {
  market: 'market',
  openTime: 'candle_date_time_utc',
  timestamp: 'timestamp',
  open: 'opening_price',
  high: 'high_price',
  low: 'low_price',
  close: 'trade_price',
  baseVolume: 'candle_acc_trade_volume',
  quoteVolume: 'candle_acc_trade_price',
} as const satisfies KeysOf<UpbitCandleKeys, UpbitRestCandle>;

/**
 * The exchange-neutral readers of `field-kit.ts` bound to Upbit: `toParseError(channel, problem, raw)`
 * builds a {@link ParseError} for an Upbit payload (`raw` stringified exactly), `readArray(value,
 * channel)` takes a whole reply as an array, `readRecord(value, channel)` a value as a JSON object, and
 * `readString`/`readMillis(record, key, channel)` a string field and an integer millisecond timestamp.
 *
 * @example
 * ```ts
 * for (const item of readArray(body, '/v1/ticker')) readMillis(readRecord(item, '/v1/ticker'), 'timestamp', '/v1/ticker');
 * throw toParseError('/v1/ticker', 'reply is not an array', body);
 * ```
 */
export const { toParseError, readArray, readRecord, readString, readMillis } = fieldReaders(UPBIT_ID);

/**
 * A JSON number field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * toBig(readNumber(record, 'trade_price', '/v1/ticker'));
 * ```
 */
export function readNumber(record: UpbitRecord, key: string, channel: string): WireNumber {
  const value = record[key];
  if (isWireNumber(value)) return value;
  throw toParseError(channel, `"${key}" is not a number`, record);
}

/** An ISO date-time that carries its own zone (`Z`, `+09:00`, `+0900`). */
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * A date-time string field as ms since epoch. Upbit's `candle_date_time_utc` has no zone
 * (`2025-07-29T00:00:00`) and would be read as local time by `Date.parse`, so a zone-less value is
 * read as UTC.
 *
 * @example
 * ```ts
 * readUtcTime(record, 'candle_date_time_utc', '/v1/candles/days'); // 1753747200000
 * ```
 */
export function readUtcTime(record: UpbitRecord, key: string, channel: string): number {
  const value = record[key];
  if (typeof value === 'string') {
    const ms = Date.parse(HAS_ZONE.test(value) ? value : `${value}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  throw toParseError(channel, `"${key}" is not a date-time`, record);
}

/**
 * The unified symbol of a market code read from `record`, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readSymbol('KRW-BTC', record, '/v1/ticker'); // 'BTC/KRW'
 * ```
 */
export function readSymbol(market: string, record: UpbitRecord, channel: string): string {
  const symbol = toUpbitSymbol(market);
  if (symbol !== undefined) return symbol;
  throw toParseError(channel, `not a market code: ${market}`, record);
}
