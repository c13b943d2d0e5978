/**
 * Coinone replies and frames → model objects. Pure functions: check every field, convert every price
 * and amount exactly with `toBig` from Coinone's NumberStrings, upper-case the currencies (some
 * endpoints answer in lower case).
 *
 * @see https://docs.coinone.co.kr/reference/ (Public API v2: markets, ticker_new, orderbook, trades, chart)
 * @see https://docs.coinone.co.kr/reference/public-websocket-orderbook (WebSocket ORDERBOOK)
 * @see https://docs.coinone.co.kr/reference/public-websocket-ticker (WebSocket TICKER)
 *
 * Conventions (the model leaves them to each exchange):
 * - Ticker: `open` is `first`, `prevClose` is `yesterday_last` (the close of the previous window; equal to
 *   `first` on the wire) and falls back to `first` when the reply has no `yesterday_*` fields; `change`
 *   and `changeRate` are derived from them. Coinone's volumes cover the last 24 h, so `baseVolume` and
 *   `baseVolume24h` (and the quote pair) carry the same value.
 * - Trade: `is_seller_maker: true` means the seller was the resting order, so the taker bought: side
 *   `'buy'` (ccxt maps it the other way; the field's name is taken at its word here).
 * - Order book: both sides come out best-first whatever order the wire uses (WebSocket asks arrive
 *   worst-first).
 * - REST candles carry only the period start, so `timestamp` equals `openTime` there.
 * - Market: no `tickSize` (it varies by price band: `getPriceBands`; see {@link toCoinoneMarketInfo}).
 */
import type { Candle, CandleInterval } from '../../model/candle.js';
import { type Big, toBig } from '../../model/decimal.js';
import type { Market } from '../../model/market.js';
import type { OrderBook, OrderBookLevel } from '../../model/order-book.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import type { MapContext } from '../../core/exchange-adapter.js';
import {
  COINONE_DEFAULT_KEYS,
  type CoinoneCandleKeys,
  type CoinoneOrderBookKeys,
  type CoinoneRecord,
  type CoinoneTickerKeys,
  type CoinoneTradeKeys,
  readBoolean,
  readDecimal,
  readId,
  readList,
  readMarket,
  readMillis,
  readOptionalDecimal,
  readOptionalId,
  readRecord,
  toCoinoneParseError,
} from './fields.js';
import { COINONE_ID, toCoinoneMarket } from './symbols.js';

/** `ParseError.channel` of each REST reply (the path without its market segments). */
export const COINONE_REST_CHANNELS = {
  markets: '/public/v2/markets',
  tickers: '/public/v2/ticker_new',
  orderBook: '/public/v2/orderbook',
  trades: '/public/v2/trades',
  chart: '/public/v2/chart',
} as const;

/**
 * A map context that may name the market of a single-market request. Chart replies do not name their
 * market, so {@link parseCoinoneCandles} needs it.
 */
export interface CoinoneMapContext extends MapContext {
  /** The native market code the request addressed (`KRW-BTC`). */
  readonly market?: string | undefined;
}

const ZERO = toBig('0');

/** `BTC/KRW` of `KRW-BTC` (codes built by {@link toCoinoneMarket}, so the dash is always there). */
function toSymbol(market: string): string {
  const dash = market.indexOf('-');
  return `${market.slice(dash + 1)}/${market.slice(0, dash)}`;
}

/** An optional integer status field; absent reads as `fallback`. */
function readStatus(record: CoinoneRecord, key: string, channel: string, fallback: number): number {
  const value = record[key];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw toCoinoneParseError(channel, `"${key}" is not an integer`, record);
}

/**
 * One row of `markets`. `stepSize` is `qty_unit`, `minNotional` is `min_order_amount`; `warning` flags
 * a market under maintenance or not open to both buying and selling. `tickSize` stays `undefined`:
 * Coinone's tick depends on the price band (`GET /public/v2/range_units/{quote}/{target}`, one call
 * per market, which `getPriceBands` reads), and the row's `price_unit` is deprecated and is not the
 * tick at every price, so it is not read.
 *
 * @example
 * ```ts
 * toCoinoneMarketInfo(row, '/public/v2/markets', Date.now()).market; // 'KRW-BTC'
 * ```
 */
export function toCoinoneMarketInfo(record: CoinoneRecord, channel: string, receivedAt: number): Market {
  const market = readMarket(record, COINONE_DEFAULT_KEYS.ticker, channel);
  const dash = market.indexOf('-');
  const maintenance = readStatus(record, 'maintenance_status', channel, 0);
  const tradeStatus = readStatus(record, 'trade_status', channel, 1);
  return {
    type: 'market',
    exchange: COINONE_ID,
    symbol: toSymbol(market),
    market,
    base: market.slice(dash + 1),
    quote: market.slice(0, dash),
    names: {},
    warning: maintenance !== 0 || tradeStatus !== 1,
    stepSize: readOptionalDecimal(record, 'qty_unit', channel),
    minNotional: readOptionalDecimal(record, 'min_order_amount', channel),
    receivedAt,
  };
}

/**
 * One ticker record (REST row, WebSocket `DEFAULT` or `SHORT` data, by `keys`).
 *
 * @example
 * ```ts
 * toCoinoneTicker(row, COINONE_DEFAULT_KEYS.ticker, '/public/v2/ticker_new', Date.now()).last.toString();
 * ```
 */
export function toCoinoneTicker(record: CoinoneRecord, keys: CoinoneTickerKeys, channel: string, receivedAt: number): Ticker {
  const market = readMarket(record, keys, channel);
  const open = readDecimal(record, keys.first, channel);
  const last = readDecimal(record, keys.last, channel);
  const prevClose = readOptionalDecimal(record, keys.yesterdayLast, channel) ?? open;
  const change = last.minus(prevClose);
  const baseVolume = readDecimal(record, keys.targetVolume, channel);
  const quoteVolume = readDecimal(record, keys.quoteVolume, channel);
  return {
    type: 'ticker',
    exchange: COINONE_ID,
    symbol: toSymbol(market),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    last,
    open,
    high: readDecimal(record, keys.high, channel),
    low: readDecimal(record, keys.low, channel),
    prevClose,
    change,
    changeRate: prevClose.eq(ZERO) ? ZERO : change.div(prevClose),
    baseVolume,
    quoteVolume,
    baseVolume24h: baseVolume,
    quoteVolume24h: quoteVolume,
  };
}

/**
 * One trade record of `market` (REST rows carry no market: the reply does). Side is the taker's:
 * `is_seller_maker: true` → `'buy'`.
 *
 * @example
 * ```ts
 * toCoinoneTrade(row, COINONE_DEFAULT_KEYS.trade, 'KRW-BTC', '/public/v2/trades', Date.now()).side; // 'buy'
 * ```
 */
export function toCoinoneTrade(record: CoinoneRecord, keys: CoinoneTradeKeys, market: string, channel: string, receivedAt: number): Trade {
  return {
    type: 'trade',
    exchange: COINONE_ID,
    symbol: toSymbol(market),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    id: readId(record, keys.id, channel),
    price: readDecimal(record, keys.price, channel),
    amount: readDecimal(record, keys.qty, channel),
    side: readBoolean(record, keys.sellerMaker, channel) ? 'buy' : 'sell',
  };
}

/** The levels of one side, in wire order. */
function readLevels(record: CoinoneRecord, key: string, keys: CoinoneOrderBookKeys, channel: string): OrderBookLevel[] {
  const levels: OrderBookLevel[] = [];
  for (const item of readList(record, key, channel)) {
    const level = readRecord(item, channel);
    levels.push({ price: readDecimal(level, keys.price, channel), amount: readDecimal(level, keys.qty, channel) });
  }
  return levels;
}

/** `levels` best-first: reversed when its ends say it runs the other way (`better(a, b)`: a beats b). */
function bestFirst(levels: OrderBookLevel[], better: (a: Big, b: Big) => boolean): OrderBookLevel[] {
  const first = levels[0];
  const last = levels[levels.length - 1];
  return first !== undefined && last !== undefined && better(last.price, first.price) ? levels.reverse() : levels;
}

/**
 * One order-book record (REST reply, WebSocket `DEFAULT` or `SHORT` data). Both sides come out
 * best-first: bids descending, asks ascending (WebSocket asks arrive descending and are reversed).
 * `updateId` is the book's `id` (`i` in `SHORT`), exact, or `undefined` when the record has none: a
 * frame whose id is not greater than the last one is stale. `timestamp` is taken as sent, though the
 * first frame after subscribing may carry one older than its id.
 *
 * @example
 * ```ts
 * toCoinoneOrderBook(data, COINONE_DEFAULT_KEYS.orderBook, 'ws orderbook', Date.now()).asks[0]?.price; // the best ask
 * ```
 */
export function toCoinoneOrderBook(record: CoinoneRecord, keys: CoinoneOrderBookKeys, channel: string, receivedAt: number): OrderBook {
  const market = readMarket(record, keys, channel);
  return {
    type: 'orderBook',
    exchange: COINONE_ID,
    symbol: toSymbol(market),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    bids: bestFirst(readLevels(record, keys.bids, keys, channel), (a, b) => a.gt(b)),
    asks: bestFirst(readLevels(record, keys.asks, keys, channel), (a, b) => a.lt(b)),
    updateId: readOptionalId(record, keys.id, channel),
  };
}

/**
 * One WebSocket CHART record as a candle of `interval` (the caller maps Coinone's interval).
 *
 * @example
 * ```ts
 * toCoinoneCandle(data, COINONE_DEFAULT_KEYS.candle, '1m', 'ws chart', Date.now()).openTime; // candle_timestamp
 * ```
 */
export function toCoinoneCandle(
  record: CoinoneRecord,
  keys: CoinoneCandleKeys,
  interval: CandleInterval,
  channel: string,
  receivedAt: number,
): Candle {
  const market = readMarket(record, keys, channel);
  return {
    type: 'candle',
    exchange: COINONE_ID,
    symbol: toSymbol(market),
    market,
    timestamp: readMillis(record, keys.timestamp, channel),
    receivedAt,
    interval,
    openTime: readMillis(record, keys.openTime, channel),
    open: readDecimal(record, keys.first, channel),
    high: readDecimal(record, keys.high, channel),
    low: readDecimal(record, keys.low, channel),
    close: readDecimal(record, keys.last, channel),
    baseVolume: readDecimal(record, keys.targetVolume, channel),
    quoteVolume: readDecimal(record, keys.quoteVolume, channel),
  };
}

/** The rows of a list field of a reply object. */
function readRows(body: unknown, key: string, channel: string): CoinoneRecord[] {
  return readList(readRecord(body, channel), key, channel).map((item) => readRecord(item, channel));
}

/**
 * Maps a `markets` body (an unknown quote gives an empty list).
 *
 * @example
 * ```ts
 * parseCoinoneMarkets(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseCoinoneMarkets(body: unknown, context: MapContext): Market[] {
  const channel = COINONE_REST_CHANNELS.markets;
  return readRows(body, 'markets', channel).map((row) => toCoinoneMarketInfo(row, channel, context.receivedAt));
}

/**
 * Maps a `ticker_new` body: one row for a single market, every market of the quote otherwise.
 *
 * @example
 * ```ts
 * const [btc] = parseCoinoneTickers(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseCoinoneTickers(body: unknown, context: MapContext): Ticker[] {
  const channel = COINONE_REST_CHANNELS.tickers;
  const keys = COINONE_DEFAULT_KEYS.ticker;
  return readRows(body, 'tickers', channel).map((row) => toCoinoneTicker(row, keys, channel, context.receivedAt));
}

/**
 * Maps an `orderbook` body as a one-element list (the adapter interface speaks of batches).
 *
 * @example
 * ```ts
 * const [book] = parseCoinoneOrderBooks(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseCoinoneOrderBooks(body: unknown, context: MapContext): OrderBook[] {
  const channel = COINONE_REST_CHANNELS.orderBook;
  return [toCoinoneOrderBook(readRecord(body, channel), COINONE_DEFAULT_KEYS.orderBook, channel, context.receivedAt)];
}

/**
 * Maps a `trades` body, newest first as sent; the market comes from the reply's envelope.
 *
 * @example
 * ```ts
 * parseCoinoneTrades(parseJsonExact(text), { receivedAt: Date.now() })[0]?.id;
 * ```
 */
export function parseCoinoneTrades(body: unknown, context: MapContext): Trade[] {
  const channel = COINONE_REST_CHANNELS.trades;
  const keys = COINONE_DEFAULT_KEYS.trade;
  const reply = readRecord(body, channel);
  const market = readMarket(reply, keys, channel);
  return readList(reply, 'transactions', channel).map((item) =>
    toCoinoneTrade(readRecord(item, channel), keys, market, channel, context.receivedAt),
  );
}

/** The market of a chart reply: the context's, else the reply's own currency fields if it has them. */
function readChartMarket(reply: CoinoneRecord, context: MapContext, channel: string): string {
  if ('market' in context && typeof context.market === 'string') {
    const market = context.market;
    const dash = market.indexOf('-');
    if (dash > 0) return toCoinoneMarket(market.slice(0, dash), market.slice(dash + 1));
  }
  if (reply['quote_currency'] !== undefined || reply['target_currency'] !== undefined) {
    return readMarket(reply, COINONE_DEFAULT_KEYS.ticker, channel);
  }
  throw toCoinoneParseError(channel, 'the reply names no market; pass it as context.market', reply);
}

/**
 * Maps a `chart` body, newest first as sent. The reply does not name its market: pass it as
 * `context.market` ({@link CoinoneMapContext}).
 *
 * @example
 * ```ts
 * parseCoinoneCandles(parseJsonExact(text), '15m', { receivedAt: Date.now(), market: 'KRW-BTC' });
 * ```
 */
export function parseCoinoneCandles(body: unknown, interval: CandleInterval, context: CoinoneMapContext): Candle[] {
  const channel = COINONE_REST_CHANNELS.chart;
  const reply = readRecord(body, channel);
  const market = readChartMarket(reply, context, channel);
  const symbol = toSymbol(market);
  return readList(reply, 'chart', channel).map((item) => {
    const row = readRecord(item, channel);
    const openTime = readMillis(row, 'timestamp', channel);
    return {
      type: 'candle',
      exchange: COINONE_ID,
      symbol,
      market,
      timestamp: openTime,
      receivedAt: context.receivedAt,
      interval,
      openTime,
      open: readDecimal(row, 'open', channel),
      high: readDecimal(row, 'high', channel),
      low: readDecimal(row, 'low', channel),
      close: readDecimal(row, 'close', channel),
      baseVolume: readDecimal(row, 'target_volume', channel),
      quoteVolume: readDecimal(row, 'quote_volume', channel),
    };
  });
}
