/**
 * The public REST v2 routes of the Coinone simulator. Handlers are pure functions of the
 * {@link CoinoneMarket}, the instant and the query; they throw {@link CoinoneReplyError} for Coinone's
 * error replies, which the server sends with HTTP 200 like every other reply.
 *
 * Paths take the quote first (`/public/v2/orderbook/KRW/BTC`) and accept lower case. A list endpoint
 * with an unknown quote answers success with an empty list; an unknown target (or a single-market
 * endpoint with an unknown quote) gives 108; a bad parameter value gives 107.
 */
import { Big } from '../../model/decimal.js';
import { COINONE_CHART_INTERVALS, COINONE_QUOTE, type CoinoneChartInterval, type CoinoneMarket } from './market.js';
import { dotted, success, toCandleRow, toMarketRow, toOrderBookReply, toTickerRow, toTradeRow, type WireObject } from './wire.js';
import { tickTable } from '../market/ticks.js';

/** REST error codes the simulator sends. */
export const COINONE_ERRORS = {
  rateLimit: { code: '4', message: 'Blocked user access' },
  parameter: { code: '107', message: 'Parameter value is wrong' },
  unknownCurrency: { code: '108', message: 'Unknown CryptoCurrency' },
} as const;

/**
 * A Coinone error reply (`{"result":"error","error_code":…,"error_msg":…}` with HTTP 200).
 *
 * @example
 * ```ts
 * throw CoinoneReplyError.parameter();
 * ```
 */
export class CoinoneReplyError extends Error {
  override name = 'CoinoneReplyError';

  constructor(
    readonly code: string,
    readonly errorMessage: string,
  ) {
    super(`Coinone simulator error ${code}: ${errorMessage}`);
  }

  /** 107: a parameter value is wrong. */
  static parameter(): CoinoneReplyError {
    return new CoinoneReplyError(COINONE_ERRORS.parameter.code, COINONE_ERRORS.parameter.message);
  }

  /** 108: an unknown currency. */
  static unknownCurrency(): CoinoneReplyError {
    return new CoinoneReplyError(COINONE_ERRORS.unknownCurrency.code, COINONE_ERRORS.unknownCurrency.message);
  }

  /** The reply body. */
  get body(): WireObject {
    return { result: 'error', error_code: this.code, error_msg: this.errorMessage };
  }
}

/** What a handler gets. */
export interface CoinoneRouteRequest {
  readonly market: CoinoneMarket;
  readonly now: number;
  readonly query: URLSearchParams;
  /** Upper-cased path currencies. */
  readonly quote: string;
  readonly target: string | undefined;
}

type Handler = (request: CoinoneRouteRequest) => WireObject;

/** An optional parameter from a fixed set of spellings; anything else is 107. */
function choice<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const found = allowed.find((value) => value === text);
  if (found === undefined) throw CoinoneReplyError.parameter();
  return found;
}

/** An optional integer parameter within `[min, max]`; anything else is 107. */
function integer(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d{1,15}$/.test(text)) throw CoinoneReplyError.parameter();
  const value = Number(text);
  if (value < min || value > max) throw CoinoneReplyError.parameter();
  return value;
}

/** The listed target of a single-market endpoint (108 otherwise). */
function knownTarget({ market, now, quote, target }: CoinoneRouteRequest): string {
  if (quote !== COINONE_QUOTE || target === undefined || !market.has(target, now)) throw CoinoneReplyError.unknownCurrency();
  return target;
}

function marketRow(request: CoinoneRouteRequest, target: string): WireObject {
  const { tick, lot } = request.market.units(target, request.now);
  return toMarketRow(target, tick, lot, request.market.bookUnits(target, request.now));
}

function tickers(request: CoinoneRouteRequest, utcDay: boolean): WireObject {
  const additional = choice(request.query, 'additional_data', ['true', 'false'], 'false') === 'true';
  const { market, now, quote } = request;
  const targets = request.target !== undefined ? [knownTarget(request)] : quote === COINONE_QUOTE ? market.targets(now) : [];
  const rows = targets.flatMap((target) => {
    const ticker = market.ticker(target, now, utcDay);
    return ticker === undefined ? [] : [toTickerRow(ticker, additional)];
  });
  return success({ server_time: now, tickers: rows });
}

const HANDLERS: Readonly<Record<string, { readonly list?: Handler; readonly one: Handler }>> = {
  markets: {
    list: (request) => {
      const targets = request.quote === COINONE_QUOTE ? request.market.targets(request.now) : [];
      return success({ server_time: request.now, markets: targets.map((target) => marketRow(request, target)) });
    },
    one: (request) => success({ server_time: request.now, markets: [marketRow(request, knownTarget(request))] }),
  },
  ticker_new: { list: (request) => tickers(request, false), one: (request) => tickers(request, false) },
  ticker_utc_new: { list: (request) => tickers(request, true), one: (request) => tickers(request, true) },
  orderbook: {
    one: (request) => {
      const target = knownTarget(request);
      const size = Number(choice(request.query, 'size', ['5', '10', '15', '16'], '15'));
      const unitText = request.query.get('order_book_unit') ?? '';
      if (unitText !== '' && !/^\d+(?:\.\d+)?$/.test(unitText)) throw CoinoneReplyError.parameter();
      const unit = new Big(unitText === '' ? 0 : unitText);
      if (!request.market.bookUnits(target, request.now).some((allowed) => allowed.eq(unit))) throw CoinoneReplyError.parameter();
      const book = request.market.book(target, request.now, size, unit);
      if (book === undefined) throw CoinoneReplyError.unknownCurrency();
      return toOrderBookReply(book);
    },
  },
  trades: {
    one: (request) => {
      const target = knownTarget(request);
      const size = Number(choice(request.query, 'size', ['10', '50', '100', '150', '200'], '200'));
      const transactions = request.market.trades(target, request.now, size).map(toTradeRow);
      return success({ server_time: request.now, quote_currency: COINONE_QUOTE, target_currency: target, transactions });
    },
  },
  chart: {
    one: (request) => {
      const target = knownTarget(request);
      const interval = request.query.get('interval') ?? '';
      if (!(COINONE_CHART_INTERVALS as readonly string[]).includes(interval)) throw CoinoneReplyError.parameter();
      const upTo = integer(request.query, 'timestamp', 0, Number.MAX_SAFE_INTEGER, request.now);
      const size = integer(request.query, 'size', 1, 500, 200);
      const { candles, isLast } = request.market.chart(target, interval as CoinoneChartInterval, upTo, size, request.now);
      return success({ is_last: isLast, chart: candles.map(toCandleRow) });
    },
  },
  range_units: {
    one: (request) => {
      knownTarget(request);
      const rows = [...tickTable(COINONE_QUOTE)].reverse();
      const range_price_units = rows.map((row, index) => ({
        range_min: dotted(row.min),
        next_range_min: rows[index + 1] === undefined ? null : dotted(rows[index + 1]?.min ?? row.min),
        price_unit: dotted(row.tick),
      }));
      return success({ server_time: request.now, range_price_units });
    },
  },
};

const PATH = /^\/public\/v2\/([a-z_]+)\/([A-Za-z0-9]+)(?:\/([A-Za-z0-9]+))?\/?$/;

/**
 * The handler serving `path` with its currencies, or `undefined` for a path the API does not have.
 *
 * @example
 * ```ts
 * findCoinoneRoute('/public/v2/orderbook/krw/btc')?.quote; // 'KRW'
 * ```
 */
export function findCoinoneRoute(path: string): { readonly handle: Handler; readonly quote: string; readonly target: string | undefined } | undefined {
  const match = PATH.exec(path);
  const entry = match?.[1] === undefined || !Object.hasOwn(HANDLERS, match[1]) ? undefined : HANDLERS[match[1]];
  if (match === null || entry === undefined || match[2] === undefined) return undefined;
  const target = match[3]?.toUpperCase();
  const handle = target === undefined ? entry.list : entry.one;
  return handle === undefined ? undefined : { handle, quote: match[2].toUpperCase(), target };
}

/**
 * `true` for the legacy V1 public paths (`/ticker`, `/orderbook`, `/trades`), which count double.
 *
 * @example
 * ```ts
 * isCoinoneV1Path('/ticker'); // true
 * ```
 */
export function isCoinoneV1Path(path: string): boolean {
  return /^\/(?:ticker|orderbook|trades)\/?$/.test(path);
}
