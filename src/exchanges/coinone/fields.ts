/**
 * Checked field readers and the key tables of Coinone records.
 *
 * REST v2 and WebSocket `DEFAULT` frames share their long keys (`quote_currency`, `last`, `qty`);
 * WebSocket `SHORT` frames abbreviate them (`qc`, `la`, `q`). A record mapper takes a key table saying
 * where each field lives, so one `toTicker` serves every format. The readers are the exchange-neutral
 * ones of `field-kit.ts` bound to Coinone: each throws a `ParseError` naming the field and allocates
 * nothing on the good path.
 */
import { type FieldRecord, fieldReaders } from '../kit/field-kit.js';
import { COINONE_ID, toCoinoneMarket } from './symbols.js';

/** A JSON object as it came off the wire. */
export type CoinoneRecord = FieldRecord;

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
 * The checked readers bound to Coinone (see {@link fieldReaders} for what each accepts):
 * `readRecord(value, channel)`, `readList`/`readString`/`readDecimal`/`readOptionalDecimal`/`readId`/
 * `readOptionalId`/`readMillis`/`readBoolean(record, key, channel)`, and
 * `toCoinoneParseError(channel, problem, raw, cause?)` for any other shape problem.
 *
 * @example
 * ```ts
 * readDecimal(record, 'last', '/public/v2/ticker_new').toString(); // '50062000'
 * readOptionalId(record, 'id', '/public/v2/orderbook'); // '1644488410702001' | undefined
 * ```
 */
export const {
  readRecord,
  readList,
  readString,
  readDecimal,
  readOptionalDecimal,
  readId,
  readOptionalId,
  readMillis,
  readBoolean,
  toParseError: toCoinoneParseError,
} = fieldReaders(COINONE_ID);

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
