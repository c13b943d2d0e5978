/**
 * The Binance Spot market-data REST routes of the simulator (`/api/v3/...`): path → request weight →
 * handler. Handlers are functions of the markets, the books, the instant and the query; they throw
 * {@link BinanceReplyError} for Binance's error replies. Weights are the 2025 values of the reference.
 */
import { Big } from '../../model/decimal.js';
import type { BinanceMarket, BinanceMarkets } from './markets.js';
import { BinanceReplyError, checkParams, intParam, symbolStatusParam, symbolsParam } from './params.js';
import { isBinanceInterval, klineRange, tickerStats, type BinanceTop } from './stats.js';
import type { DepthBook } from './depth.js';
import { toExchangeInfo } from './exchange-info.js';
import { p8, toBookTicker, toDepth, toKlineRow, toRestAggTrade, toRestTrade, toTicker24hr } from './wire.js';
import type { WireValue } from '../server/wire-json.js';

/** What a handler gets. */
export interface BinanceRouteRequest {
  readonly markets: BinanceMarkets;
  /** The symbol's book, advanced to `now`. */
  book(market: BinanceMarket): DepthBook;
  /** Simulator clock time of arrival (ms). */
  readonly now: number;
  readonly query: URLSearchParams;
  /** Time-field multiplier: 1000 under `X-MBX-TIME-UNIT: MICROSECOND`. */
  readonly tf: number;
}

/** One REST endpoint. */
export interface BinanceRoute {
  readonly path: string;
  /** Request weight for this query (charged before validation, as Binance does). */
  weight(query: URLSearchParams): number;
  handle(request: BinanceRouteRequest): WireValue;
}

const MINUTE_MS = 60_000;
const SELECTED = ['symbol', 'symbols', 'symbolStatus'];

function marketOf(request: BinanceRouteRequest, name: string | null): BinanceMarket {
  if (name === null) throw BinanceReplyError.mandatory('symbol');
  const market = request.markets.get(name, request.now);
  if (market === undefined) throw BinanceReplyError.invalidSymbol();
  return market;
}

/** The symbols selected by `symbol`/`symbols`/`symbolStatus`, and whether the reply is one object. */
function selected(request: BinanceRouteRequest): { readonly list: BinanceMarket[]; readonly single: boolean } {
  const { query } = request;
  const status = symbolStatusParam(query);
  const names = symbolsParam(query);
  const one = query.get('symbol');
  if (one !== null) {
    const market = marketOf(request, one);
    if (status !== undefined && status !== 'TRADING') {
      throw new BinanceReplyError(400, -1220, "The symbol's status does not match the requested symbolStatus.");
    }
    return { list: [market], single: true };
  }
  const list = names === undefined ? request.markets.listed(request.now) : names.map((name) => marketOf(request, name));
  return { list: status === undefined || status === 'TRADING' ? list : [], single: false };
}

function topOf(request: BinanceRouteRequest, market: BinanceMarket): BinanceTop {
  const zero = new Big(0);
  return request.book(market).top() ?? { bidPrice: zero, bidQty: zero, askPrice: zero, askQty: zero };
}

function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

function countWeight(query: URLSearchParams, single: number, many: (count: number) => number): number {
  if (query.has('symbol')) return single;
  const text = query.get('symbols');
  if (text === null) return many(Number.POSITIVE_INFINITY);
  return many(text.split(',').length);
}

function safeLimit(query: URLSearchParams): number {
  const limit = Number(query.get('limit') ?? 100);
  return Number.isFinite(limit) ? limit : 100;
}

function timeParams(query: URLSearchParams): { startTime: number | undefined; endTime: number | undefined } {
  const read = (name: string): number | undefined => {
    const value = intParam(query, name);
    // Times may come in µs (16 digits): Binance reads both.
    return value !== undefined && value > 1e14 ? Math.floor(value / 1000) : value;
  };
  return { startTime: read('startTime'), endTime: read('endTime') };
}

function klines(request: BinanceRouteRequest): WireValue {
  const { query } = request;
  checkParams(query, ['symbol', 'interval', 'startTime', 'endTime', 'timeZone', 'limit']);
  const market = marketOf(request, query.get('symbol'));
  const interval = query.get('interval');
  if (interval === null) throw BinanceReplyError.mandatory('interval');
  if (!isBinanceInterval(interval)) throw new BinanceReplyError(400, -1120, 'Invalid interval.');
  const timeZone = query.get('timeZone');
  if (timeZone !== null && !/^(?:[+-]?0{1,2}(?::00)?)$/.test(timeZone)) {
    throw new BinanceReplyError(400, -1130, 'Invalid data sent for a parameter.');
  }
  const limit = intParam(query, 'limit', { min: 1, max: 1000, fallback: 500 }) ?? 500;
  const { startTime, endTime } = timeParams(query);
  const rows = klineRange(request.markets, market, interval, { startTime, endTime, limit }, request.now);
  return rows.map((row) => toKlineRow(row, request.tf));
}

function aggTrades(request: BinanceRouteRequest): WireValue {
  const { query, markets, now, tf } = request;
  checkParams(query, ['symbol', 'fromId', 'startTime', 'endTime', 'limit']);
  const market = marketOf(request, query.get('symbol'));
  const limit = intParam(query, 'limit', { min: 1, max: 1000, fallback: 500 }) ?? 500;
  const fromId = intParam(query, 'fromId');
  const { startTime, endTime } = timeParams(query);
  if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) {
    throw new BinanceReplyError(400, -1128, 'Combination of optional parameters invalid.');
  }
  if (fromId !== undefined) return markets.tradesFromId(market, fromId, limit, now).map((t) => toRestAggTrade(t, tf));
  const end = Math.min(endTime ?? now, now);
  if (startTime === undefined) return markets.recentTrades(market, end, limit).map((t) => toRestAggTrade(t, tf));
  const out = [];
  for (let from = startTime; from <= end && out.length < limit; from += 3_600_000) {
    out.push(...markets.trades(market, from, Math.min(from + 3_600_000, end + 1)));
  }
  return out.slice(0, limit).map((t) => toRestAggTrade(t, tf));
}

function tickers(request: BinanceRouteRequest): WireValue {
  const { query } = request;
  checkParams(query, [...SELECTED, 'type']);
  const type = query.get('type') ?? 'FULL';
  if (type !== 'FULL' && type !== 'MINI') throw new BinanceReplyError(400, -1139, 'Invalid ticker type.');
  const { list, single } = selected(request);
  const rows = list.map((m) => toTicker24hr(tickerStats(request.markets, m, request.now, type === 'FULL' ? topOf(request, m) : undefined), type, request.tf));
  return single ? (rows[0] ?? null) : rows;
}

const ROUTES: readonly BinanceRoute[] = [
  {
    path: '/api/v3/ping',
    weight: () => 1,
    handle: ({ query }) => {
      checkParams(query, []);
      return {};
    },
  },
  {
    path: '/api/v3/time',
    weight: () => 1,
    handle: ({ query, now, tf }) => {
      checkParams(query, []);
      return { serverTime: now * tf };
    },
  },
  {
    path: '/api/v3/exchangeInfo',
    weight: () => 20,
    handle: (request) => {
      checkParams(request.query, [...SELECTED, 'permissions', 'showPermissionSets']);
      const show = request.query.get('showPermissionSets') !== 'false';
      return toExchangeInfo(selected(request).list, request.now, request.tf, show);
    },
  },
  {
    path: '/api/v3/depth',
    weight: (query) => depthWeight(safeLimit(query)),
    handle: (request) => {
      checkParams(request.query, ['symbol', 'limit', 'symbolStatus']);
      if (!request.query.has('symbol')) throw BinanceReplyError.mandatory('symbol');
      const market = selected(request).list[0] ?? marketOf(request, null);
      const limit = intParam(request.query, 'limit', { min: 1, max: 5000, fallback: 100 }) ?? 100;
      const { lastUpdateId, bids, asks } = request.book(market).snapshot(limit);
      return toDepth(lastUpdateId, bids, asks);
    },
  },
  {
    path: '/api/v3/trades',
    weight: () => 25,
    handle: (request) => {
      checkParams(request.query, ['symbol', 'limit']);
      const market = marketOf(request, request.query.get('symbol'));
      const limit = intParam(request.query, 'limit', { min: 1, max: 1000, fallback: 500 }) ?? 500;
      return request.markets.recentTrades(market, request.now, limit).map((t) => toRestTrade(t, request.tf));
    },
  },
  { path: '/api/v3/aggTrades', weight: () => 4, handle: aggTrades },
  { path: '/api/v3/klines', weight: () => 2, handle: klines },
  { path: '/api/v3/uiKlines', weight: () => 2, handle: klines },
  {
    path: '/api/v3/ticker/24hr',
    weight: (query) => countWeight(query, 2, (n) => (n <= 20 ? 2 : n <= 100 ? 40 : 80)),
    handle: tickers,
  },
  {
    path: '/api/v3/ticker/price',
    weight: (query) => countWeight(query, 2, () => 4),
    handle: (request) => {
      checkParams(request.query, SELECTED);
      const { list, single } = selected(request);
      const rows = list.map((m) => ({ symbol: m.symbol, price: p8(request.markets.lastTrade(m, request.now)?.price ?? new Big(0)) }));
      return single ? (rows[0] ?? null) : rows;
    },
  },
  {
    path: '/api/v3/ticker/bookTicker',
    weight: (query) => countWeight(query, 2, () => 4),
    handle: (request) => {
      checkParams(request.query, SELECTED);
      const { list, single } = selected(request);
      const rows = list.map((m) => toBookTicker(m, topOf(request, m)));
      return single ? (rows[0] ?? null) : rows;
    },
  },
  {
    path: '/api/v3/avgPrice',
    weight: () => 2,
    handle: (request) => {
      checkParams(request.query, ['symbol']);
      const market = marketOf(request, request.query.get('symbol'));
      const window = request.markets.aggregate(market, request.now - 5 * MINUTE_MS, request.now + 1);
      const price = window === undefined || window.volume.eq(0) ? new Big(0) : window.quoteVolume.div(window.volume).round(8, Big.roundHalfUp);
      const last = request.markets.lastTrade(market, request.now);
      return { mins: 5, price: p8(price), closeTime: (last?.time ?? request.now) * request.tf };
    },
  },
];

/**
 * The route serving `path`, or `undefined` (404; `/api/v1` is retired).
 *
 * @example
 * ```ts
 * findBinanceRoute('/api/v3/depth')?.weight(new URLSearchParams('limit=5000')); // 250
 * ```
 */
export function findBinanceRoute(path: string): BinanceRoute | undefined {
  return ROUTES.find((route) => route.path === path);
}
