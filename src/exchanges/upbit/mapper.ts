/**
 * Upbit replies → model objects. Pure functions: validate, convert every price and amount exactly
 * with `toBig`, keep the order the exchange sent.
 *
 * @see https://docs.upbit.com/kr/reference/list-trading-pairs (GET /v1/market/all)
 * @see https://docs.upbit.com/kr/docs/first-quotation-api-call (GET /v1/ticker, a real reply)
 * @see https://docs.upbit.com/kr/reference/list-quote-tickers (GET /v1/ticker/all, same fields)
 * @see https://docs.upbit.com/kr/reference/list-orderbooks (GET /v1/orderbook)
 * @see https://docs.upbit.com/kr/reference/recent-trades-history (GET /v1/trades/ticks)
 * @see https://docs.upbit.com/kr/reference/list-candles-seconds (GET /v1/candles/seconds)
 * @see https://docs.upbit.com/kr/reference/list-candles-minutes (GET /v1/candles/minutes/{unit})
 * @see https://docs.upbit.com/kr/reference/list-candles-days (GET /v1/candles/days; weeks, months, years alike)
 * @see https://docs.upbit.com/kr/reference/rate-limits (Remaining-Req, 429, 418)
 * @see https://docs.upbit.com/kr/reference/rest-api-guide (error bodies)
 *
 * The `to*` functions take one record and a key table (see `fields.ts`), so the WebSocket mappers
 * (`DEFAULT` and `SIMPLE` formats) reuse them with their own tables.
 */
import type { Candle, CandleInterval } from '../../model/candle.js';
import { toBig, toIdString } from '../../model/decimal.js';
import type { Market } from '../../model/market.js';
import type { OrderBook, OrderBookLevel } from '../../model/order-book.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import type { MapContext } from '../../core/exchange-adapter.js';
import {
  readArray,
  readMillis,
  readNumber,
  readRecord,
  readString,
  readSymbol,
  readUtcTime,
  toParseError,
  UPBIT_REST_CANDLE_KEYS,
  UPBIT_REST_ORDER_BOOK_KEYS,
  UPBIT_REST_TICKER_KEYS,
  UPBIT_REST_TRADE_KEYS,
  type UpbitCandleKeys,
  type UpbitOrderBookKeys,
  type UpbitRecord,
  type UpbitTickerKeys,
  type UpbitTradeKeys,
} from './fields.js';
import { toUpbitCandlePath, UPBIT_PATHS } from './rest.js';
import { parseUpbitMarket, UPBIT_ID } from './symbols.js';

/**
 * One market of `GET /v1/market/all`. `warning` is `market_warning: 'CAUTION'` (older replies) or
 * `market_event.warning` (newer ones).
 *
 * @example
 * ```ts
 * toMarket(record, '/v1/market/all', Date.now()).names; // { ko: '비트코인', en: 'Bitcoin' }
 * ```
 */
export function toMarket(record: UpbitRecord, channel: string, receivedAt: number): Market {
  const market = readString(record, 'market', channel);
  const parts = parseUpbitMarket(market);
  if (parts === undefined) throw toParseError(channel, `not a market code: ${market}`, record);
  return {
    type: 'market',
    exchange: UPBIT_ID,
    symbol: `${parts.base}/${parts.quote}`,
    market,
    base: parts.base,
    quote: parts.quote,
    names: { ko: readString(record, 'korean_name', channel), en: readString(record, 'english_name', channel) },
    warning: readWarning(record, channel),
    receivedAt,
  };
}

/** `true` when either warning form flags the market; a present flag of the wrong type is an error. */
function readWarning(record: UpbitRecord, channel: string): boolean {
  const legacy = record['market_warning'];
  if (legacy !== undefined && typeof legacy !== 'string') throw toParseError(channel, '"market_warning" is not a string', record);
  const event = record['market_event'];
  if (event === undefined) return legacy === 'CAUTION';
  const warning = typeof event === 'object' && event !== null ? (event as { readonly warning?: unknown }).warning : undefined;
  if (typeof warning !== 'boolean') throw toParseError(channel, '"market_event.warning" is not a boolean', record);
  return warning || legacy === 'CAUTION';
}

/**
 * One ticker record. `change`/`changeRate` are the signed values, against `prevClose`.
 *
 * @example
 * ```ts
 * toTicker(record, UPBIT_REST_TICKER_KEYS, '/v1/ticker', Date.now()).last.toString(); // '162876000'
 * ```
 */
export function toTicker(record: UpbitRecord, keys: UpbitTickerKeys, channel: string, receivedAt: number): Ticker {
  const market = readString(record, keys.market, channel);
  return {
    type: 'ticker',
    exchange: UPBIT_ID,
    symbol: readSymbol(market, record, channel),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    last: toBig(readNumber(record, keys.last, channel)),
    open: toBig(readNumber(record, keys.open, channel)),
    high: toBig(readNumber(record, keys.high, channel)),
    low: toBig(readNumber(record, keys.low, channel)),
    prevClose: toBig(readNumber(record, keys.prevClose, channel)),
    change: toBig(readNumber(record, keys.change, channel)),
    changeRate: toBig(readNumber(record, keys.changeRate, channel)),
    baseVolume: toBig(readNumber(record, keys.baseVolume, channel)),
    quoteVolume: toBig(readNumber(record, keys.quoteVolume, channel)),
    baseVolume24h: toBig(readNumber(record, keys.baseVolume24h, channel)),
    quoteVolume24h: toBig(readNumber(record, keys.quoteVolume24h, channel)),
    lastAmount: toBig(readNumber(record, keys.lastAmount, channel)),
  };
}

/**
 * One trade record. `ask_bid` is the taker side: `BID` → `'buy'`, `ASK` → `'sell'`.
 *
 * @example
 * ```ts
 * toTrade(record, UPBIT_REST_TRADE_KEYS, '/v1/trades/ticks', Date.now()).id; // '17510687993360000'
 * ```
 */
export function toTrade(record: UpbitRecord, keys: UpbitTradeKeys, channel: string, receivedAt: number): Trade {
  const market = readString(record, keys.market, channel);
  const askBid = readString(record, keys.side, channel);
  const side = askBid === 'BID' ? 'buy' : askBid === 'ASK' ? 'sell' : undefined;
  if (side === undefined) throw toParseError(channel, `"${keys.side}" is neither ASK nor BID`, record);
  return {
    type: 'trade',
    exchange: UPBIT_ID,
    symbol: readSymbol(market, record, channel),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    id: toIdString(readNumber(record, keys.id, channel)),
    price: toBig(readNumber(record, keys.price, channel)),
    amount: toBig(readNumber(record, keys.amount, channel)),
    side,
  };
}

/**
 * One orderbook record. Each unit holds the n-th best ask and bid, so both sides come out best-first
 * in unit order.
 *
 * @example
 * ```ts
 * toOrderBook(record, UPBIT_REST_ORDER_BOOK_KEYS, '/v1/orderbook', Date.now()).asks[0]?.price;
 * ```
 */
export function toOrderBook(record: UpbitRecord, keys: UpbitOrderBookKeys, channel: string, receivedAt: number): OrderBook {
  const market = readString(record, keys.market, channel);
  const units = record[keys.units];
  if (!Array.isArray(units)) throw toParseError(channel, `"${keys.units}" is not an array`, record);
  const asks: OrderBookLevel[] = [];
  const bids: OrderBookLevel[] = [];
  for (const item of units) {
    const unit = readRecord(item, channel);
    asks.push({ price: toBig(readNumber(unit, keys.askPrice, channel)), amount: toBig(readNumber(unit, keys.askSize, channel)) });
    bids.push({ price: toBig(readNumber(unit, keys.bidPrice, channel)), amount: toBig(readNumber(unit, keys.bidSize, channel)) });
  }
  return {
    type: 'orderBook',
    exchange: UPBIT_ID,
    symbol: readSymbol(market, record, channel),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    bids,
    asks,
  };
}

/**
 * One candle record. `openTime` comes from `candle_date_time_utc`, which has no zone and is UTC.
 *
 * @example
 * ```ts
 * toCandle(record, UPBIT_REST_CANDLE_KEYS, '1d', '/v1/candles/days', Date.now()).openTime;
 * ```
 */
export function toCandle(
  record: UpbitRecord,
  keys: UpbitCandleKeys,
  interval: CandleInterval,
  channel: string,
  receivedAt: number,
): Candle {
  const market = readString(record, keys.market, channel);
  return {
    type: 'candle',
    exchange: UPBIT_ID,
    symbol: readSymbol(market, record, channel),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    interval,
    openTime: readUtcTime(record, keys.openTime, channel),
    open: toBig(readNumber(record, keys.open, channel)),
    high: toBig(readNumber(record, keys.high, channel)),
    low: toBig(readNumber(record, keys.low, channel)),
    close: toBig(readNumber(record, keys.close, channel)),
    baseVolume: toBig(readNumber(record, keys.baseVolume, channel)),
    quoteVolume: toBig(readNumber(record, keys.quoteVolume, channel)),
  };
}

/** Maps every element of a JSON array reply with `toItem`; `ParseError` when it is not an array of objects. */
function mapRecords<T>(body: unknown, channel: string, toItem: (record: UpbitRecord) => T): T[] {
  const items: T[] = [];
  for (const item of readArray(body, channel)) items.push(toItem(readRecord(item, channel)));
  return items;
}

/**
 * Maps a `GET /v1/market/all` body.
 *
 * @example
 * ```ts
 * parseMarkets(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseMarkets(body: unknown, context: MapContext): Market[] {
  const channel = UPBIT_PATHS.markets;
  return mapRecords(body, channel, (record) => toMarket(record, channel, context.receivedAt));
}

/**
 * Maps a `GET /v1/ticker` (or `/v1/ticker/all`) body.
 *
 * @example
 * ```ts
 * const [btc] = parseTickers(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseTickers(body: unknown, context: MapContext): Ticker[] {
  const channel = UPBIT_PATHS.ticker;
  return mapRecords(body, channel, (record) => toTicker(record, UPBIT_REST_TICKER_KEYS, channel, context.receivedAt));
}

/**
 * Maps a `GET /v1/orderbook` body.
 *
 * @example
 * ```ts
 * const [book] = parseOrderBooks(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseOrderBooks(body: unknown, context: MapContext): OrderBook[] {
  const channel = UPBIT_PATHS.orderBook;
  return mapRecords(body, channel, (record) => toOrderBook(record, UPBIT_REST_ORDER_BOOK_KEYS, channel, context.receivedAt));
}

/**
 * Maps a `GET /v1/trades/ticks` body, newest first as sent.
 *
 * @example
 * ```ts
 * parseTrades(parseJsonExact(text), { receivedAt: Date.now() })[0]?.id;
 * ```
 */
export function parseTrades(body: unknown, context: MapContext): Trade[] {
  const channel = UPBIT_PATHS.trades;
  return mapRecords(body, channel, (record) => toTrade(record, UPBIT_REST_TRADE_KEYS, channel, context.receivedAt));
}

/**
 * Maps a `GET /v1/candles/...` body, newest first as sent (the facade sorts and merges pages).
 *
 * @example
 * ```ts
 * parseCandles(parseJsonExact(text), '1d', { receivedAt: Date.now() });
 * ```
 */
export function parseCandles(body: unknown, interval: CandleInterval, context: MapContext): Candle[] {
  const channel = toUpbitCandlePath(interval);
  return mapRecords(body, channel, (record) => toCandle(record, UPBIT_REST_CANDLE_KEYS, interval, channel, context.receivedAt));
}
