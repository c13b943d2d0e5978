/**
 * The quotation REST routes of the Upbit simulator: path → rate-limit group → handler. Handlers are
 * pure functions of the model, the instant and the query; they throw {@link UpbitReplyError} for
 * Upbit's error replies.
 */
import { Big } from '../../model/decimal.js';
import { candleRoutes } from './candle-routes.js';
import { boolParam, intParam, listParam, requireParam, UpbitReplyError } from './params.js';
import { knownMarket, type RouteRequest, type UpbitRoute } from './route-kit.js';
import { toMarketWire, toOrderBookWire, toTickerWire, toTradeWire } from './wire.js';
import { parseTimeOfDay } from '../market/time-format.js';
import type { WireValue } from '../server/wire-json.js';

const DAY_MS = 86_400_000;

function tickers(request: RouteRequest, codes: readonly string[]): WireValue {
  return codes.map((code) => {
    const ticker = request.model.ticker(code, request.now);
    if (ticker === undefined) throw UpbitReplyError.codeNotFound();
    return toTickerWire(ticker);
  });
}

function orderBooks(request: RouteRequest): WireValue {
  const codes = listParam(request.query, 'markets').map((code) => knownMarket(request, code));
  const count = intParam(request.query, 'count', { min: 1, max: 30, fallback: 30 });
  const levelText = request.query.get('level') ?? '';
  if (levelText !== '' && !/^\d+(?:\.\d+)?$/.test(levelText)) throw UpbitReplyError.typeMismatch();
  const level = new Big(levelText === '' ? 0 : levelText);
  return codes.map((code) => {
    const market = request.model.market(code);
    // Grouping is a KRW-market feature; the level must be a multiple of the market's tick.
    if (level.gt(0) && (market?.quote !== 'KRW' || !level.mod(market.tickSize).eq(0))) throw UpbitReplyError.invalid();
    const book = request.model.orderBook(code, request.now, count, level);
    if (book === undefined) throw UpbitReplyError.codeNotFound();
    return toOrderBookWire(book);
  });
}

/**
 * Recent trades. `days_ago` (1-7) picks an earlier UTC day; `to` (`HHmmss`/`HH:mm:ss`, UTC, exclusive)
 * a time on that day; `cursor` a `sequential_id` to page back from (exclusive). Results stay within
 * the chosen UTC day (simulator choice; Upbit documents the day-based `days_ago` only).
 */
function trades(request: RouteRequest): WireValue {
  const { model, now, query } = request;
  const code = knownMarket(request, requireParam(query, 'market'));
  const count = intParam(query, 'count', { min: 1, max: 500, fallback: 1 });
  const daysAgo = intParam(query, 'days_ago', { min: 1, max: 7, fallback: 0 });
  const toText = query.get('to') ?? '';
  const timeOfDay = toText === '' ? undefined : parseTimeOfDay(toText);
  if (toText !== '' && timeOfDay === undefined) throw UpbitReplyError.invalid();
  const cursorText = query.get('cursor') ?? '';
  if (cursorText !== '' && !/^\d+$/.test(cursorText)) throw UpbitReplyError.typeMismatch();
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS - daysAgo * DAY_MS;
  const dayEnd = timeOfDay !== undefined ? dayStart + timeOfDay : dayStart + DAY_MS;
  let bound = { ts: Math.min(dayEnd, now + 1), seq: 0 };
  if (cursorText !== '') {
    const cursor = BigInt(cursorText);
    const cursorBound = { ts: Number(cursor / 10_000n), seq: Number(cursor % 10_000n) };
    if (cursorBound.ts < bound.ts || (cursorBound.ts === bound.ts && cursorBound.seq < bound.seq)) bound = cursorBound;
  }
  const page = model.tradesBefore(code, bound.ts, bound.seq, dayStart, count);
  const first = page[page.length - 1];
  const prevClose = model.lastTrade(code, dayStart - 1)?.price ?? first?.price ?? new Big(0);
  return page.map((trade) => toTradeWire(trade, prevClose));
}

const QUOTATION_ROUTES: readonly UpbitRoute[] = [
  {
    pattern: /^\/v1\/market\/all$/,
    group: 'market',
    handle: ({ model, now, query }) => {
      const details = boolParam(query, ['isDetails', 'is_details']) ?? false;
      return model.markets(now).map((market) => toMarketWire(market, details));
    },
  },
  {
    pattern: /^\/v1\/ticker$/,
    group: 'ticker',
    handle: (request) => tickers(request, listParam(request.query, 'markets').map((code) => knownMarket(request, code))),
  },
  {
    pattern: /^\/v1\/ticker\/all$/,
    group: 'ticker',
    handle: (request) => {
      const listed = request.model.markets(request.now);
      const known = new Set(listed.map((m) => m.quote));
      const text = request.query.get('quote_currencies') ?? '';
      const quotes = text.trim() === '' ? [...known] : listParam(request.query, 'quote_currencies');
      if (quotes.some((quote) => !known.has(quote))) throw UpbitReplyError.codeNotFound();
      return tickers(request, listed.filter((m) => quotes.includes(m.quote)).map((m) => m.market));
    },
  },
  { pattern: /^\/v1\/orderbook$/, group: 'orderbook', handle: orderBooks },
  { pattern: /^\/v1\/trades\/ticks$/, group: 'trade', handle: trades },
  ...candleRoutes,
];

/**
 * The route serving `path`, with its captured segments, or `undefined` for an unknown path.
 *
 * @example
 * ```ts
 * findRoute('/v1/candles/minutes/5')?.params; // ['5']
 * ```
 */
export function findRoute(path: string): { readonly route: UpbitRoute; readonly params: readonly string[] } | undefined {
  for (const route of QUOTATION_ROUTES) {
    const match = route.pattern.exec(path);
    if (match !== null) return { route, params: match.slice(1) };
  }
  return undefined;
}
