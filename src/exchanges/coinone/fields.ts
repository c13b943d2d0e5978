/**
 * Checked field readers and the key tables of Coinone records.
 *
 * REST v2 and WebSocket `DEFAULT` frames share their long keys (`quote_currency`, `last`, `qty`);
 * WebSocket `SHORT` frames abbreviate them (`qc`, `la`, `q`). A record mapper takes a key table saying
 * where each field lives, so one `toTicker` serves every format. The readers throw a
 * {@link ParseError} naming the field and allocate nothing on the good path.
 */
import { ParseError } from '../../errors.js';
import { type Big, isWireNumber, toBig } from '../../model/decimal.js';
import { isLosslessNumber } from 'lossless-json';
import { toRawText } from '../raw-text.js';
import { COINONE_ID, toCoinoneMarket } from './symbols.js';

/** A JSON object as it came off the wire. */
export type CoinoneRecord = Readonly<Record<string, unknown>>;

/** Where the market of a record lives. */
export interface CoinoneMarketKeys {
  readonly quote: string;
  readonly target: string;
}

/** Where each ticker field lives. */
export interface CoinoneTickerKeys extends CoinoneMarketKeys {
  readonly timestamp: string;
  readonly first: string;
  readonly high: string;
  readonly low: string;
  readonly last: string;
  readonly quoteVolume: string;
  readonly targetVolume: string;
  readonly yesterdayLast: string;
}

/** Where each trade field lives. */
export interface CoinoneTradeKeys extends CoinoneMarketKeys {
  readonly timestamp: string;
  readonly id: string;
  readonly price: string;
  readonly qty: string;
  readonly sellerMaker: string;
}

/** Where the order-book fields live, in the record and in each level. */
export interface CoinoneOrderBookKeys extends CoinoneMarketKeys {
  readonly timestamp: string;
  /** The book version (`id` / `i`): ms time and a 3-digit counter; a larger one is newer. */
  readonly id: string;
  readonly asks: string;
  readonly bids: string;
  readonly price: string;
  readonly qty: string;
}

/** Where each candle field lives (WebSocket CHART; REST rows carry no market and use other names). */
export interface CoinoneCandleKeys extends CoinoneMarketKeys {
  readonly interval: string;
  readonly timestamp: string;
  readonly openTime: string;
  readonly first: string;
  readonly high: string;
  readonly low: string;
  readonly last: string;
  readonly quoteVolume: string;
  readonly targetVolume: string;
}

/** The key tables of one record format. */
export interface CoinoneKeySet {
  readonly ticker: CoinoneTickerKeys;
  readonly trade: CoinoneTradeKeys;
  readonly orderBook: CoinoneOrderBookKeys;
  readonly candle: CoinoneCandleKeys;
}

/** Long keys: REST v2 and WebSocket `DEFAULT`. */
export const COINONE_DEFAULT_KEYS = {
  ticker: {
    quote: 'quote_currency',
    target: 'target_currency',
    timestamp: 'timestamp',
    first: 'first',
    high: 'high',
    low: 'low',
    last: 'last',
    quoteVolume: 'quote_volume',
    targetVolume: 'target_volume',
    yesterdayLast: 'yesterday_last',
  },
  trade: {
    quote: 'quote_currency',
    target: 'target_currency',
    timestamp: 'timestamp',
    id: 'id',
    price: 'price',
    qty: 'qty',
    sellerMaker: 'is_seller_maker',
  },
  orderBook: {
    quote: 'quote_currency',
    target: 'target_currency',
    timestamp: 'timestamp',
    id: 'id',
    asks: 'asks',
    bids: 'bids',
    price: 'price',
    qty: 'qty',
  },
  candle: {
    quote: 'quote_currency',
    target: 'target_currency',
    interval: 'interval',
    timestamp: 'timestamp',
    openTime: 'candle_timestamp',
    first: 'first',
    high: 'high',
    low: 'low',
    last: 'last',
    quoteVolume: 'quote_volume',
    targetVolume: 'target_volume',
  },
} as const satisfies CoinoneKeySet;

/** Abbreviated keys: WebSocket `SHORT`. */
export const COINONE_SHORT_KEYS = {
  ticker: {
    quote: 'qc',
    target: 'tc',
    timestamp: 't',
    first: 'fi',
    high: 'hi',
    low: 'lo',
    last: 'la',
    quoteVolume: 'qv',
    targetVolume: 'tv',
    yesterdayLast: 'yla',
  },
  trade: { quote: 'qc', target: 'tc', timestamp: 't', id: 'i', price: 'p', qty: 'q', sellerMaker: 'sm' },
  orderBook: { quote: 'qc', target: 'tc', timestamp: 't', id: 'i', asks: 'a', bids: 'b', price: 'p', qty: 'q' },
  candle: {
    quote: 'qc',
    target: 'tc',
    interval: 'iv',
    timestamp: 't',
    openTime: 'ct',
    first: 'fi',
    high: 'hi',
    low: 'lo',
    last: 'la',
    quoteVolume: 'qv',
    targetVolume: 'tv',
  },
} as const satisfies CoinoneKeySet;

/**
 * A {@link ParseError} for a Coinone payload; `raw` is the offending value, stringified exactly.
 *
 * @example
 * ```ts
 * throw toCoinoneParseError('/public/v2/markets/KRW', '"markets" is not an array', body);
 * ```
 */
export function toCoinoneParseError(channel: string, problem: string, raw: unknown, cause?: unknown): ParseError {
  return new ParseError(`Coinone ${channel} reply could not be parsed: ${problem}`, { exchange: COINONE_ID, channel, raw: toRawText(raw), cause });
}

/**
 * The value as a JSON object, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * const record = readRecord(body, '/public/v2/orderbook');
 * ```
 */
export function readRecord(value: unknown, channel: string): CoinoneRecord {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as CoinoneRecord;
  throw toCoinoneParseError(channel, 'item is not an object', value);
}

/**
 * An array field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * for (const item of readList(body, 'tickers', '/public/v2/ticker_new')) readRecord(item, channel);
 * ```
 */
export function readList(record: CoinoneRecord, key: string, channel: string): readonly unknown[] {
  const value = record[key];
  if (Array.isArray(value)) return value;
  throw toCoinoneParseError(channel, `"${key}" is not an array`, record);
}

/**
 * A string field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readString(record, 'quote_currency', '/public/v2/orderbook'); // 'KRW'
 * ```
 */
export function readString(record: CoinoneRecord, key: string, channel: string): string {
  const value = record[key];
  if (typeof value === 'string') return value;
  throw toCoinoneParseError(channel, `"${key}" is not a string`, record);
}

/**
 * A decimal field (a NumberString, or a JSON number) as an exact `Big`, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readDecimal(record, 'last', '/public/v2/ticker_new').toString(); // '50062000'
 * ```
 */
export function readDecimal(record: CoinoneRecord, key: string, channel: string): Big {
  const value = record[key];
  if (typeof value === 'string' || isWireNumber(value)) {
    try {
      return toBig(value);
    } catch (error) {
      throw toCoinoneParseError(channel, `"${key}" is not a decimal`, record, error);
    }
  }
  throw toCoinoneParseError(channel, `"${key}" is not a decimal`, record);
}

/**
 * Like {@link readDecimal}, but an absent or `null` field gives `undefined`.
 *
 * @example
 * ```ts
 * readOptionalDecimal(record, 'yesterday_last', '/public/v2/ticker_new'); // Big | undefined
 * ```
 */
export function readOptionalDecimal(record: CoinoneRecord, key: string, channel: string): Big | undefined {
  const value = record[key];
  return value === undefined || value === null ? undefined : readDecimal(record, key, channel);
}

/**
 * An id field (a numeric string, or an integer) as its exact decimal digits, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readId(record, 'id', '/public/v2/trades'); // '1416893212001'
 * ```
 */
export function readId(record: CoinoneRecord, key: string, channel: string): string {
  const value = record[key];
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (isLosslessNumber(value) && /^\d+$/.test(value.value)) return value.value;
  throw toCoinoneParseError(channel, `"${key}" is not an id`, record);
}

/**
 * Like {@link readId}, but an absent or `null` field gives `undefined`.
 *
 * @example
 * ```ts
 * readOptionalId(record, 'id', '/public/v2/orderbook'); // '1644488410702001' | undefined
 * ```
 */
export function readOptionalId(record: CoinoneRecord, key: string, channel: string): string | undefined {
  const value = record[key];
  return value === undefined || value === null ? undefined : readId(record, key, channel);
}

/**
 * A millisecond timestamp field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readMillis(record, 'timestamp', '/public/v2/trades'); // 1416895634000
 * ```
 */
export function readMillis(record: CoinoneRecord, key: string, channel: string): number {
  const value = record[key];
  const ms = typeof value === 'number' ? value : isLosslessNumber(value) ? Number(value.value) : Number.NaN;
  if (Number.isSafeInteger(ms)) return ms;
  throw toCoinoneParseError(channel, `"${key}" is not a millisecond timestamp`, record);
}

/**
 * A boolean field, or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readBoolean(record, 'is_seller_maker', '/public/v2/trades'); // true
 * ```
 */
export function readBoolean(record: CoinoneRecord, key: string, channel: string): boolean {
  const value = record[key];
  if (typeof value === 'boolean') return value;
  throw toCoinoneParseError(channel, `"${key}" is not a boolean`, record);
}

/**
 * The market code of a record's quote and target currency fields (any case), or a {@link ParseError}.
 *
 * @example
 * ```ts
 * readMarket({ quote_currency: 'krw', target_currency: 'btc' }, COINONE_DEFAULT_KEYS.ticker, channel); // 'KRW-BTC'
 * ```
 */
export function readMarket(record: CoinoneRecord, keys: CoinoneMarketKeys, channel: string): string {
  const quote = readString(record, keys.quote, channel);
  const target = readString(record, keys.target, channel);
  if (!/^[A-Za-z0-9]+$/.test(quote) || !/^[A-Za-z0-9]+$/.test(target)) {
    throw toCoinoneParseError(channel, `not a currency pair: ${quote}/${target}`, record);
  }
  return toCoinoneMarket(quote, target);
}
