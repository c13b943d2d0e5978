/**
 * Binance Spot REST replies → model objects. Pure functions: validate, convert every price and amount
 * exactly with `toBig`, keep the order the exchange sent, ignore keys they do not read.
 *
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints (exchangeInfo)
 * @see https://developers.binance.com/docs/binance-spot-api-docs/filters (PRICE_FILTER, LOT_SIZE, NOTIONAL)
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints
 *
 * Depth, trades and klines replies name no market, so their mappers read it from
 * {@link BinanceMapContext}`.market` (the market the request was built for).
 */
import { MarketDataError } from '../../errors/index.js';
import type { Candle, CandleInterval } from '../../model/candle.js';
import type { Big } from '../../model/decimal.js';
import type { Market } from '../../model/market.js';
import type { OrderBook } from '../../model/order-book.js';
import type { DepthSnapshot } from '../../model/order-book-state.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import type { MapContext } from '../../core/exchange-adapter.js';
import {
  type BinanceRecord,
  readArray,
  readBoolean,
  readDecimal,
  readId,
  readLevels,
  readMillis,
  readRecord,
  readString,
  toBinanceParseError,
  toDecimal,
  toMillis,
} from './fields.js';
import { BINANCE_PATHS } from './rest.js';
import { BINANCE_ID, toBinanceSymbol } from './symbols.js';

/**
 * What the Binance mappers are told about a reply: {@link MapContext} plus the market the request was
 * for, which depth, trades and klines bodies do not carry.
 */
export interface BinanceMapContext extends MapContext {
  /** Native market code of the request (`BTCUSDT`). */
  readonly market?: string | undefined;
}

/** The market of a body that names none, or a {@link MarketDataError} when the context has none either. */
function requireMarket(context: BinanceMapContext, channel: string): string {
  if (context.market !== undefined) return context.market;
  throw new MarketDataError(`Binance ${channel} reply could not be mapped: it names no market and the context gives none`, { exchange: BINANCE_ID });
}

/** A filter value as a `Big`, or `undefined` when absent or zero (Binance: zero disables the check). */
function readFilterValue(filters: readonly BinanceRecord[], type: string, key: string, channel: string): Big | undefined {
  const filter = filters.find((item) => item['filterType'] === type);
  if (filter === undefined || filter[key] === undefined) return undefined;
  const value = readDecimal(filter, key, channel);
  return value.eq(0) ? undefined : value;
}

/**
 * One symbol of `exchangeInfo`. Base and quote come from `baseAsset`/`quoteAsset` (never from splitting
 * the code); `tickSize` from `PRICE_FILTER`, `stepSize` from `LOT_SIZE`, `minNotional` from `NOTIONAL`,
 * else the older `MIN_NOTIONAL` (a zero value, which disables a check, leaves the field out).
 * `warning` is `true` while the symbol is not `TRADING` (`HALT`, `BREAK`, `CANCEL_ONLY`). Binance
 * publishes no display names, so `names` is empty.
 *
 * @example
 * ```ts
 * toMarket(symbolRecord, Date.now()).tickSize?.toFixed(); // '0.00001'
 * ```
 */
export function toMarket(record: BinanceRecord, receivedAt: number): Market {
  const channel = BINANCE_PATHS.exchangeInfo;
  const market = readString(record, 'symbol', channel);
  const base = readString(record, 'baseAsset', channel);
  const quote = readString(record, 'quoteAsset', channel);
  const rawFilters = record['filters'] ?? [];
  const filters = readArray(rawFilters, channel).map((item) => readRecord(item, channel));
  return {
    type: 'market',
    exchange: BINANCE_ID,
    symbol: `${base}/${quote}`,
    market,
    base,
    quote,
    names: {},
    warning: readString(record, 'status', channel) !== 'TRADING',
    tickSize: readFilterValue(filters, 'PRICE_FILTER', 'tickSize', channel),
    stepSize: readFilterValue(filters, 'LOT_SIZE', 'stepSize', channel),
    minNotional:
      readFilterValue(filters, 'NOTIONAL', 'minNotional', channel) ?? readFilterValue(filters, 'MIN_NOTIONAL', 'minNotional', channel),
    receivedAt,
  };
}

/**
 * One `ticker/24hr` record. Binance's window is a rolling 24 h, so the day and 24 h volumes are the
 * same numbers. `open` is the window's first trade, `prevClose` the last price before it
 * (`prevClosePrice`); `change` and `changeRate` are Binance's own `priceChange` and
 * `priceChangePercent / 100`, which are measured against `open`. `timestamp` is `closeTime`.
 * `type=MINI` records lack `prevClosePrice`, `priceChange`, `priceChangePercent` and `lastQty`: there
 * `prevClose` is `open`, `change` is `last − open` and `changeRate` `change / open` (0 when `open` is 0).
 *
 * @example
 * ```ts
 * toTicker(record, Date.now()).changeRate.toFixed(); // '-0.9596' for priceChangePercent "-95.960"
 * ```
 */
export function toTicker(record: BinanceRecord, receivedAt: number): Ticker {
  const channel = BINANCE_PATHS.ticker24hr;
  const market = readString(record, 'symbol', channel);
  const last = readDecimal(record, 'lastPrice', channel);
  const open = readDecimal(record, 'openPrice', channel);
  const baseVolume = readDecimal(record, 'volume', channel);
  const quoteVolume = readDecimal(record, 'quoteVolume', channel);
  const full = record['priceChange'] !== undefined;
  const change = full ? readDecimal(record, 'priceChange', channel) : last.minus(open);
  const changeRate = full ? readDecimal(record, 'priceChangePercent', channel).div(100) : open.eq(0) ? open : change.div(open);
  return {
    type: 'ticker',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'closeTime', channel),
    receivedAt,
    last,
    open,
    high: readDecimal(record, 'highPrice', channel),
    low: readDecimal(record, 'lowPrice', channel),
    prevClose: full ? readDecimal(record, 'prevClosePrice', channel) : open,
    change,
    changeRate,
    baseVolume,
    quoteVolume,
    baseVolume24h: baseVolume,
    quoteVolume24h: quoteVolume,
    lastAmount: record['lastQty'] === undefined ? undefined : readDecimal(record, 'lastQty', channel),
  };
}

/**
 * One `trades` record. `isBuyerMaker: true` means the buyer's order rested, so the taker sold.
 *
 * @example
 * ```ts
 * toTrade(record, 'BTCUSDT', Date.now()).side; // 'sell' when isBuyerMaker is true
 * ```
 */
export function toTrade(record: BinanceRecord, market: string, receivedAt: number): Trade {
  const channel = BINANCE_PATHS.trades;
  return {
    type: 'trade',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: readMillis(record, 'time', channel),
    receivedAt,
    id: readId(record, 'id', channel),
    price: readDecimal(record, 'price', channel),
    amount: readDecimal(record, 'qty', channel),
    side: readBoolean(record, 'isBuyerMaker', channel) ? 'sell' : 'buy',
  };
}

/**
 * One `klines` row. Binance reports no last-trade time, so `timestamp` is the row's close time
 * (the next open − 1 ms; in the future while the candle is open). Rows of periods without trades
 * (volume 0, the previous close repeated) are kept as Binance sends them.
 *
 * @example
 * ```ts
 * toCandle(row, '1m', 'ETHBTC', Date.now()).openTime; // 1750477740000
 * ```
 */
export function toCandle(row: unknown, interval: CandleInterval, market: string, receivedAt: number): Candle {
  const channel = BINANCE_PATHS.klines;
  if (!Array.isArray(row) || row.length < 8) throw toBinanceParseError(channel, 'row is not a kline array', row);
  return {
    type: 'candle',
    exchange: BINANCE_ID,
    symbol: toBinanceSymbol(market),
    market,
    timestamp: toMillis(row[6], 'closeTime', row, channel),
    receivedAt,
    interval,
    openTime: toMillis(row[0], 'openTime', row, channel),
    open: toDecimal(row[1], 'open', row, channel),
    high: toDecimal(row[2], 'high', row, channel),
    low: toDecimal(row[3], 'low', row, channel),
    close: toDecimal(row[4], 'close', row, channel),
    baseVolume: toDecimal(row[5], 'volume', row, channel),
    quoteVolume: toDecimal(row[7], 'quoteVolume', row, channel),
  };
}

/**
 * Maps a `GET /api/v3/exchangeInfo` body: one market per symbol.
 *
 * @example
 * ```ts
 * parseMarkets(parseJsonExact(text), { receivedAt: Date.now() })[0]?.symbol; // 'ETH/BTC'
 * ```
 */
export function parseMarkets(body: unknown, context: MapContext): Market[] {
  const channel = BINANCE_PATHS.exchangeInfo;
  const symbols = readRecord(body, channel)['symbols'];
  return readArray(symbols, channel).map((item) => toMarket(readRecord(item, channel), context.receivedAt));
}

/**
 * Maps a `GET /api/v3/ticker/24hr` body: an object (`symbol=`) or an array (`symbols=` / all).
 *
 * @example
 * ```ts
 * const [btc] = parseTickers(parseJsonExact(text), { receivedAt: Date.now() });
 * ```
 */
export function parseTickers(body: unknown, context: MapContext): Ticker[] {
  const channel = BINANCE_PATHS.ticker24hr;
  const items = Array.isArray(body) ? body : [body];
  return items.map((item) => toTicker(readRecord(item, channel), context.receivedAt));
}

/**
 * Maps a `GET /api/v3/depth` body to the exchange-neutral snapshot diff streams sync against.
 * `lastUpdateId` keeps its exact digits.
 *
 * @example
 * ```ts
 * parseDepthSnapshot(parseJsonExact(text), { receivedAt: Date.now() }).lastUpdateId; // '1027024'
 * ```
 */
export function parseDepthSnapshot(body: unknown, _context?: MapContext): DepthSnapshot {
  const channel = BINANCE_PATHS.depth;
  const record = readRecord(body, channel);
  return {
    lastUpdateId: readId(record, 'lastUpdateId', channel),
    bids: readLevels(record['bids'], 'bids', channel),
    asks: readLevels(record['asks'], 'asks', channel),
  };
}

/**
 * Maps a `GET /api/v3/depth` body to one order book, both sides best-first as sent. The body has no
 * time, so `timestamp` is `receivedAt`; the market comes from the context; `updateId` is the exact
 * `lastUpdateId`.
 *
 * @example
 * ```ts
 * const [book] = parseOrderBooks(parseJsonExact(text), { receivedAt: Date.now(), market: 'BTCUSDT' });
 * ```
 */
export function parseOrderBooks(body: unknown, context: BinanceMapContext): OrderBook[] {
  const market = requireMarket(context, BINANCE_PATHS.depth);
  const { lastUpdateId, bids, asks } = parseDepthSnapshot(body);
  const { receivedAt } = context;
  const symbol = toBinanceSymbol(market);
  return [{ type: 'orderBook', exchange: BINANCE_ID, symbol, market, timestamp: receivedAt, receivedAt, bids, asks, updateId: String(lastUpdateId) }];
}

/**
 * Maps a `GET /api/v3/trades` body, oldest first as sent; the market comes from the context.
 *
 * @example
 * ```ts
 * parseTrades(parseJsonExact(text), { receivedAt: Date.now(), market: 'BTCUSDT' })[0]?.id;
 * ```
 */
export function parseTrades(body: unknown, context: BinanceMapContext): Trade[] {
  const channel = BINANCE_PATHS.trades;
  const market = requireMarket(context, channel);
  return readArray(body, channel).map((item) => toTrade(readRecord(item, channel), market, context.receivedAt));
}

/**
 * Maps a `GET /api/v3/klines` body, oldest first as sent; the market comes from the context.
 *
 * @example
 * ```ts
 * parseCandles(parseJsonExact(text), '1m', { receivedAt: Date.now(), market: 'ETHBTC' });
 * ```
 */
export function parseCandles(body: unknown, interval: CandleInterval, context: BinanceMapContext): Candle[] {
  const channel = BINANCE_PATHS.klines;
  const market = requireMarket(context, channel);
  return readArray(body, channel).map((row) => toCandle(row, interval, market, context.receivedAt));
}
