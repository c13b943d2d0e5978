/**
 * The Binance Spot adapter: market codes `BASEQUOTE` (`BTCUSDT`), REST market-data requests weighted
 * against the IP's `REQUEST_WEIGHT`, combined-stream WebSocket with diff order books.
 * Data plus pure functions; the transport sends the requests and hands the replies back.
 */
import { withAmountsChecked } from '../kit/amount-check.js';
import type { ExchangeAdapter, ExchangeRestAdapter } from '../../core/exchange-adapter.js';
import { parseCandles, parseDepthSnapshot, parseMarkets, parseOrderBooks, parseTickers, parseTrades } from './mapper.js';
import { readBinanceFeedback, toBinanceError } from './reply.js';
import {
  BINANCE_MAX_BATCH,
  BINANCE_MAX_LIMIT,
  BINANCE_RATE_LIMITS,
  BINANCE_REST_URL,
  buildCandlesRequest,
  buildDepthSnapshotRequest,
  buildMarketsRequest,
  buildOrderBooksRequest,
  buildTickersRequest,
  buildTradesRequest,
} from './rest.js';
import { BINANCE_ID, formatBinanceMarket, parseBinanceMarket } from './symbols.js';
import { binanceWs } from './ws.js';

/**
 * Binance's REST half: request builders (each with its request weight as `cost`), reply mappers,
 * the weight limit and error mapping. Depth, trades and klines bodies name no market: their mappers
 * read it from the context's `market` (see {@link BinanceMapContext}).
 *
 * @example
 * ```ts
 * import { binanceRest } from 'market-data-backbone';
 * const request = binanceRest.tickers(['BTCUSDT', 'ETHUSDT']); // GET /api/v3/ticker/24hr?symbols=["BTCUSDT","ETHUSDT"], cost 2
 * ```
 */
export const binanceRest: ExchangeRestAdapter = {
  baseUrl: BINANCE_REST_URL,
  rateLimits: BINANCE_RATE_LIMITS,
  maxBatch: BINANCE_MAX_BATCH,
  maxCount: { trades: BINANCE_MAX_LIMIT.trades, candles: BINANCE_MAX_LIMIT.klines, orderBookDepth: BINANCE_MAX_LIMIT.depth },
  readFeedback: readBinanceFeedback,
  toError: toBinanceError,
  markets: buildMarketsRequest,
  parseMarkets,
  tickers: buildTickersRequest,
  parseTickers: withAmountsChecked(parseTickers, BINANCE_ID, 'tickers'),
  orderBooks: buildOrderBooksRequest,
  parseOrderBooks: withAmountsChecked(parseOrderBooks, BINANCE_ID, 'orderbooks'),
  trades: buildTradesRequest,
  parseTrades: withAmountsChecked(parseTrades, BINANCE_ID, 'trades'),
  candles: buildCandlesRequest,
  parseCandles: withAmountsChecked(parseCandles, BINANCE_ID, 'candles'),
  depthSnapshot: buildDepthSnapshotRequest,
  parseDepthSnapshot: withAmountsChecked(parseDepthSnapshot, BINANCE_ID, 'depthsnapshot'),
};

/**
 * The Binance Spot exchange: id `'binance'`, market codes `BTCUSDT` ↔ unified `BTC/USDT`,
 * {@link binanceRest} and {@link binanceWs}.
 *
 * @example
 * ```ts
 * import { binanceAdapter } from 'market-data-backbone';
 * binanceAdapter.parseMarket('BTCUSDT'); // { base: 'BTC', quote: 'USDT' }
 * binanceAdapter.formatMarket({ base: 'ETH', quote: 'BTC' }); // 'ETHBTC'
 * ```
 */
export const binanceAdapter = {
  id: BINANCE_ID,
  parseMarket: parseBinanceMarket,
  formatMarket: formatBinanceMarket,
  rest: binanceRest,
  ws: binanceWs,
} satisfies ExchangeAdapter;

export { BINANCE_ID, BINANCE_QUOTE_ASSETS, formatBinanceMarket, parseBinanceMarket, toBinanceSymbol } from './symbols.js';
export {
  BINANCE_MAX_BATCH,
  BINANCE_MAX_LIMIT,
  BINANCE_PATHS,
  BINANCE_RATE_LIMITS,
  BINANCE_REST_URL,
  BINANCE_SNAPSHOT_LIMIT,
  BINANCE_FULL_SNAPSHOT_LIMIT,
  BINANCE_WEIGHT_GROUP,
  depthWeight,
  fromBinanceKlineInterval,
  isBinanceCandleInterval,
  requireBinanceKlineInterval,
  tickerWeight,
  toBinanceKlineInterval,
} from './rest.js';
export { BINANCE_BAN_WAIT_MS, BINANCE_INVALID_SYMBOL, BINANCE_RATE_LIMIT_WAIT_MS, readBinanceFeedback, toBinanceError } from './reply.js';
export { toCandle, toMarket, toTicker, toTrade } from './mapper.js';
export type { BinanceMapContext } from './mapper.js';
export type { BinanceRecord } from './fields.js';
export type * from './wire.js';
export {
  BINANCE_WS_CLOSE_CODES,
  binanceWs,
  BINANCE_WS_KEEPALIVE,
  BINANCE_WS_MAX_AGE_MS,
  BINANCE_WS_MAX_PARAMS,
  BINANCE_WS_MAX_STREAMS,
  BINANCE_WS_SEND_LIMITS,
  BINANCE_WS_URL,
  buildBinanceWsFrames,
  createBinanceWs,
  toBinanceStreamName,
} from './ws.js';
export type { BinanceWsOptions } from './ws.js';
export { BINANCE_WS_CHANNEL, decodeBinanceFrame, toDepthDiff, toWsCandle, toWsTicker, toWsTrade } from './ws-decode.js';
