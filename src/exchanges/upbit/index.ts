/**
 * The Upbit adapter: market codes `QUOTE-BASE` (`KRW-BTC`), REST quotation requests and mappers.
 * Data plus pure functions; the transport sends the requests and hands the replies back.
 */
import { withAmountsChecked } from '../kit/amount-check.js';
import type { ExchangeAdapter, ExchangeRestAdapter } from '../../core/exchange-adapter.js';
import { parseCandles, parseMarkets, parseOrderBooks, parseTickers, parseTrades } from './mapper.js';
import { readUpbitFeedback, toUpbitError } from './reply.js';
import {
  buildCandlesRequest,
  buildMarketsRequest,
  buildOrderBooksRequest,
  buildTickersRequest,
  buildTradesRequest,
  UPBIT_MAX_BATCH,
  UPBIT_MAX_COUNT,
  UPBIT_ORIGIN_LIMITS,
  UPBIT_RATE_LIMITS,
  UPBIT_REST_URL,
} from './rest.js';
import { formatUpbitMarket, parseUpbitMarket, UPBIT_ID } from './symbols.js';
import { upbitWs } from './ws.js';
import { upbitPriceBands } from './price-units.js';

/**
 * Upbit's REST half: request builders, reply mappers, limits and error mapping.
 *
 * @example
 * ```ts
 * import { upbitRest } from 'market-data-backbone';
 * const request = upbitRest.tickers(['KRW-BTC', 'KRW-ETH']); // GET /v1/ticker?markets=KRW-BTC,KRW-ETH
 * ```
 */
export const upbitRest: ExchangeRestAdapter = {
  baseUrl: UPBIT_REST_URL,
  rateLimits: UPBIT_RATE_LIMITS,
  originLimits: UPBIT_ORIGIN_LIMITS,
  maxBatch: UPBIT_MAX_BATCH,
  maxCount: UPBIT_MAX_COUNT,
  readFeedback: readUpbitFeedback,
  toError: toUpbitError,
  markets: buildMarketsRequest,
  parseMarkets,
  tickers: buildTickersRequest,
  parseTickers: withAmountsChecked(parseTickers, UPBIT_ID, 'tickers'),
  orderBooks: buildOrderBooksRequest,
  parseOrderBooks: withAmountsChecked(parseOrderBooks, UPBIT_ID, 'orderbooks'),
  trades: buildTradesRequest,
  parseTrades: withAmountsChecked(parseTrades, UPBIT_ID, 'trades'),
  candles: buildCandlesRequest,
  parseCandles: withAmountsChecked(parseCandles, UPBIT_ID, 'candles'),
  staticPriceBands: upbitPriceBands,
};

/**
 * The Upbit exchange: id `'upbit'`, market codes `KRW-BTC` ↔ unified `BTC/KRW`, {@link upbitRest} and
 * {@link upbitWs}.
 *
 * @example
 * ```ts
 * import { upbitAdapter } from 'market-data-backbone';
 * upbitAdapter.parseMarket('KRW-BTC'); // { base: 'BTC', quote: 'KRW' }
 * upbitAdapter.formatMarket({ base: 'BTC', quote: 'KRW' }); // 'KRW-BTC'
 * ```
 */
export const upbitAdapter = {
  id: UPBIT_ID,
  parseMarket: parseUpbitMarket,
  formatMarket: formatUpbitMarket,
  rest: upbitRest,
  ws: upbitWs,
} satisfies ExchangeAdapter;

export { formatUpbitMarket, parseUpbitMarket, toUpbitSymbol, UPBIT_ID } from './symbols.js';
export { formatUpbitTime, toUpbitCandlePath, UPBIT_MAX_BATCH, UPBIT_MAX_COUNT, UPBIT_ORIGIN_LIMITS, UPBIT_RATE_LIMITS } from './rest.js';
export { parseRemainingReq, UPBIT_BLOCK_WAIT_MS, UPBIT_RATE_LIMIT_WAIT_MS } from './reply.js';
export { toCandle, toMarket, toOrderBook, toTicker, toTrade } from './mapper.js';
export { UPBIT_BTC_PRICE_BANDS, UPBIT_KRW_PRICE_BANDS, upbitPriceBands } from './price-units.js';
export {
  UPBIT_REST_CANDLE_KEYS,
  UPBIT_REST_ORDER_BOOK_KEYS,
  UPBIT_REST_TICKER_KEYS,
  UPBIT_REST_TRADE_KEYS,
} from './fields.js';
export type { UpbitCandleKeys, UpbitOrderBookKeys, UpbitRecord, UpbitTickerKeys, UpbitTradeKeys } from './fields.js';
export type * from './wire.js';
export { createUpbitWs, upbitWs, UPBIT_WS_KEEPALIVE, UPBIT_WS_ORIGIN_LIMITS, UPBIT_WS_SEND_LIMITS, UPBIT_WS_URL } from './ws.js';
export type { UpbitWsOptions } from './ws.js';
export { buildUpbitWsRequest } from './ws-request.js';
export type { UpbitWsFormat, UpbitWsRequestOptions } from './ws-request.js';
export { decodeUpbitFrame, UPBIT_WS_CHANNEL } from './ws-decode.js';
export {
  isUpbitWsCandleInterval,
  UPBIT_WS_CANDLE_TYPES,
  UPBIT_WS_DEFAULT_KEYS,
  UPBIT_WS_SIMPLE_KEYS,
} from './ws-keys.js';
export type { UpbitWsCandleInterval, UpbitWsKeySet } from './ws-keys.js';
