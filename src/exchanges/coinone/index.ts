/**
 * The Coinone adapter: market codes `QUOTE-TARGET` (`KRW-BTC`), public REST v2 requests and mappers,
 * and the public WebSocket. Data plus pure functions; the transport sends and receives.
 */
import { withAmountsChecked } from '../kit/amount-check.js';
import type { ExchangeAdapter, ExchangeRestAdapter } from '../../core/exchange-adapter.js';
import {
  parseCoinoneCandles,
  parseCoinoneMarkets,
  parseCoinoneOrderBooks,
  parseCoinoneTickers,
  parseCoinoneTrades,
} from './mapper.js';
import { buildCoinoneRangeUnitsRequest, parseCoinoneRangeUnits } from './range-units.js';
import { readCoinoneFeedback, toCoinoneError } from './reply.js';
import {
  buildCoinoneCandlesRequest,
  buildCoinoneMarketsRequest,
  buildCoinoneOrderBooksRequest,
  buildCoinoneTickersRequest,
  buildCoinoneTradesRequest,
  COINONE_MAX_BATCH,
  COINONE_SIZES,
  COINONE_RATE_LIMITS,
  COINONE_REST_URL,
} from './rest.js';
import { COINONE_ID, formatCoinoneMarket, parseCoinoneMarket } from './symbols.js';
import { coinoneWs } from './ws.js';

/**
 * Coinone's REST half: request builders, reply mappers, the per-IP limit and error mapping (errors
 * arrive as HTTP 200 with `result: "error"`).
 *
 * Several tickers are one call to the all-markets `ticker_new/KRW`, which the caller filters; order
 * books are one market per call. Chart replies do not name their market: pass it as `context.market`
 * to `parseCandles` (see `CoinoneMapContext`).
 *
 * @example
 * ```ts
 * import { coinoneRest } from 'market-data-backbone';
 * coinoneRest.tickers(['KRW-BTC', 'KRW-ETH']); // GET /public/v2/ticker_new/KRW?additional_data=true
 * ```
 */
export const coinoneRest: ExchangeRestAdapter = {
  baseUrl: COINONE_REST_URL,
  rateLimits: COINONE_RATE_LIMITS,
  maxBatch: COINONE_MAX_BATCH,
  maxCount: { trades: Math.max(...COINONE_SIZES.trades), candles: COINONE_SIZES.candlesMax, orderBookDepth: Math.max(...COINONE_SIZES.orderBook) },
  readFeedback: readCoinoneFeedback,
  toError: toCoinoneError,
  markets: buildCoinoneMarketsRequest,
  parseMarkets: parseCoinoneMarkets,
  tickers: buildCoinoneTickersRequest,
  parseTickers: withAmountsChecked(parseCoinoneTickers, COINONE_ID, 'tickers'),
  orderBooks: buildCoinoneOrderBooksRequest,
  parseOrderBooks: withAmountsChecked(parseCoinoneOrderBooks, COINONE_ID, 'orderbooks'),
  trades: buildCoinoneTradesRequest,
  parseTrades: withAmountsChecked(parseCoinoneTrades, COINONE_ID, 'trades'),
  candles: buildCoinoneCandlesRequest,
  parseCandles: withAmountsChecked(parseCoinoneCandles, COINONE_ID, 'candles'),
  priceBands: buildCoinoneRangeUnitsRequest,
  parsePriceBands: parseCoinoneRangeUnits,
};

/**
 * The Coinone exchange: id `'coinone'`, market codes `KRW-BTC` ↔ unified `BTC/KRW`, {@link coinoneRest}
 * and {@link coinoneWs}.
 *
 * @example
 * ```ts
 * import { coinoneAdapter } from 'market-data-backbone';
 * coinoneAdapter.parseMarket('KRW-BTC'); // { base: 'BTC', quote: 'KRW' }
 * coinoneAdapter.formatMarket({ base: 'BTC', quote: 'KRW' }); // 'KRW-BTC'
 * ```
 */
export const coinoneAdapter = {
  id: COINONE_ID,
  parseMarket: parseCoinoneMarket,
  formatMarket: formatCoinoneMarket,
  rest: coinoneRest,
  ws: coinoneWs,
} satisfies ExchangeAdapter;

export { COINONE_ID, formatCoinoneMarket, parseCoinoneMarket, toCoinoneMarket, toCoinonePair } from './symbols.js';
export type { CoinonePair } from './symbols.js';
export {
  buildCoinoneCandlesRequest,
  buildCoinoneMarketsRequest,
  buildCoinoneOrderBooksRequest,
  buildCoinoneTickersRequest,
  buildCoinoneTradesRequest,
  COINONE_CANDLE_INTERVALS,
  COINONE_MAX_BATCH,
  COINONE_PUBLIC_GROUP,
  COINONE_QUOTE,
  COINONE_RATE_LIMITS,
  COINONE_REST_URL,
  COINONE_SIZES,
  toCoinoneInterval,
} from './rest.js';
export { COINONE_ERROR_CODES, COINONE_RATE_LIMIT_WAIT_MS, readCoinoneFeedback, toCoinoneError } from './reply.js';
export {
  COINONE_REST_CHANNELS,
  parseCoinoneCandles,
  parseCoinoneMarkets,
  parseCoinoneOrderBooks,
  parseCoinoneTickers,
  parseCoinoneTrades,
  toCoinoneCandle,
  toCoinoneMarketInfo,
  toCoinoneOrderBook,
  toCoinoneTicker,
  toCoinoneTrade,
} from './mapper.js';
export type { CoinoneMapContext } from './mapper.js';
export { buildCoinoneRangeUnitsRequest, COINONE_RANGE_UNITS_CHANNEL, parseCoinoneRangeUnits } from './range-units.js';
export { COINONE_DEFAULT_KEYS, COINONE_SHORT_KEYS } from './fields.js';
export type {
  CoinoneCandleKeys,
  CoinoneKeySet,
  CoinoneMarketKeys,
  CoinoneOrderBookKeys,
  CoinoneRecord,
  CoinoneTickerKeys,
  CoinoneTradeKeys,
} from './fields.js';
export type * from './wire.js';
export {
  COINONE_WS_CLOSE_CODES,
  buildCoinoneWsFrames,
  COINONE_WS_CHANNELS,
  COINONE_WS_KEEPALIVE,
  COINONE_WS_URL,
  coinoneWs,
  createCoinoneWs,
  isCoinoneWsCandleInterval,
} from './ws.js';
export type { CoinoneWsFormat, CoinoneWsOptions } from './ws.js';
export { COINONE_WS_CANDLE_INTERVALS, COINONE_WS_CHANNEL, decodeCoinoneFrame } from './ws-decode.js';
