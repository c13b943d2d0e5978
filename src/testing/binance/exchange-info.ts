/**
 * The simulator's `GET /api/v3/exchangeInfo` body: the 2025 capture's keys and filter list, with each
 * symbol's tick and step from {@link BinanceMarkets} and the 2026 rate limits.
 */
import { Big } from '../../model/decimal.js';
import type { BinanceMarket } from './markets.js';
import { p8 } from './wire.js';
import type { WireValue } from '../server/wire-json.js';

const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];

/**
 * One `exchangeInfo` symbol, keys as in the 2025 capture.
 *
 * @example
 * ```ts
 * toExchangeInfoSymbol(market).filters;
 * ```
 */
export function toExchangeInfoSymbol(market: BinanceMarket, showPermissionSets = true): WireValue {
  return {
    symbol: market.symbol,
    status: 'TRADING',
    baseAsset: market.base,
    baseAssetPrecision: 8,
    quoteAsset: market.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ORDER_TYPES,
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: p8(market.tickSize), maxPrice: p8(new Big(1_000_000)), tickSize: p8(market.tickSize) },
      { filterType: 'LOT_SIZE', minQty: p8(market.stepSize), maxQty: p8(new Big(9_000_000)), stepSize: p8(market.stepSize) },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: p8(new Big(0)), maxQty: p8(new Big(1_000_000)), stepSize: p8(new Big(0)) },
      { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
      { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
      { filterType: 'NOTIONAL', minNotional: p8(new Big(5)), applyMinToMarket: true, maxNotional: p8(new Big(9_000_000)), applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: showPermissionSets ? [['SPOT', 'MARGIN']] : [],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
  };
}

/**
 * The `exchangeInfo` body (rate limits as of 2026: 6000 weight/min, 300 000 raw requests per 5 min).
 *
 * @example
 * ```ts
 * toExchangeInfo(markets.listed(now), now);
 * ```
 */
export function toExchangeInfo(symbols: readonly BinanceMarket[], serverTime: number, tf = 1, showPermissionSets = true): WireValue {
  return {
    timezone: 'UTC',
    serverTime: serverTime * tf,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map((market) => toExchangeInfoSymbol(market, showPermissionSets)),
  };
}

