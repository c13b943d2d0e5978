/**
 * Value builders: complete, typed {@link Ticker}, {@link Trade}, {@link OrderBook}, {@link CandleUpdate}
 * and {@link StatusEvent} values from short specs, with exact decimals and defaults derived from what the
 * spec gives. `createTestBackbone` builds every marble value with them; tests use them directly too.
 */
import type { CandleUpdate } from '../../../operators/candlesFromTrades.js';
import { invalid } from '../../client/arguments.js';
import type { ExchangeId } from '../../exchanges/registry.js';
import { CANDLE_INTERVALS, isCandleInterval, type CandleInterval } from '../../model/candle.js';
import { periodStart } from '../../model/candle-periods.js';
import { Big } from '../../model/decimal.js';
import type { MarketRef } from '../../model/market.js';
import type { StatusEvent } from '../../model/market-event.js';
import type { OrderBook, OrderBookLevel } from '../../model/order-book.js';
import type { Ticker } from '../../model/ticker.js';
import type { Trade } from '../../model/trade.js';
import { checkExchange, resolveMarket } from './market-ref.js';
import { checkOrder, optionalDecimal, readDecimal, readSpec, readTime, type DecimalSpec } from './spec-fields.js';

/**
 * Where and when a built value belongs. Inside a test backbone these come from the driven key and the
 * scheduler's frame.
 */
export interface BuildContext {
  /** @default 'upbit' */
  readonly exchange?: ExchangeId | undefined;
  /** The market, native (`KRW-BTC`) or unified (`BTC/KRW`). @default 'BTC/KRW' */
  readonly symbol?: string | undefined;
  /** The time (ms) of `timestamp` and `receivedAt` unless the spec gives them. @default 0 */
  readonly at?: number | undefined;
  /** The value's position in its stream, 1-based: a trade's default id. @default 1 */
  readonly sequence?: number | undefined;
  /** Candle interval (candles only). @default '1m' */
  readonly interval?: CandleInterval | undefined;
  /** How errors name the spec (`'values.a'`). @default the kind: 'ticker', 'trade', 'orderBook', 'candle', 'status' */
  readonly field?: string | undefined;
}

/** Fields every spec may set: the exchange's time and our receive time (ms). Both default to the context's `at`. */
export interface TimeSpec {
  readonly timestamp?: number | undefined;
  readonly receivedAt?: number | undefined;
}

/**
 * A ticker spec: `last` and whatever the test cares about. `open` and `prevClose` default to each other
 * (then to `last`), `high`/`low` to the extremes of `open` and `last`, `change` = `last − prevClose`,
 * `changeRate` = `change ÷ prevClose` (10 places, half-up), volumes to 0 (`quoteVolume` = `baseVolume × last`),
 * the 24 h volumes to the day's.
 */
export interface TickerSpec extends TimeSpec {
  readonly last: DecimalSpec;
  readonly open?: DecimalSpec | undefined;
  readonly high?: DecimalSpec | undefined;
  readonly low?: DecimalSpec | undefined;
  readonly prevClose?: DecimalSpec | undefined;
  readonly change?: DecimalSpec | undefined;
  readonly changeRate?: DecimalSpec | undefined;
  readonly baseVolume?: DecimalSpec | undefined;
  readonly quoteVolume?: DecimalSpec | undefined;
  readonly baseVolume24h?: DecimalSpec | undefined;
  readonly quoteVolume24h?: DecimalSpec | undefined;
  readonly lastAmount?: DecimalSpec | undefined;
}

/** A trade spec: `price`; `amount` defaults to 1, `side` to `'buy'`, `id` to the context's `sequence`. */
export interface TradeSpec extends TimeSpec {
  readonly price: DecimalSpec;
  readonly amount?: DecimalSpec | undefined;
  readonly side?: 'buy' | 'sell' | undefined;
  readonly id?: string | undefined;
}

/** One order-book level: `[price, amount]` or `{ price, amount }`. */
export type LevelSpec = readonly [DecimalSpec, DecimalSpec] | { readonly price: DecimalSpec; readonly amount: DecimalSpec };

/**
 * An order-book spec: the best levels as `bid`/`ask` (sizes `bidSize`/`askSize`, default 1), or whole sides
 * as `bids` (highest first) and `asks` (lowest first). A side left out is empty.
 */
export interface OrderBookSpec extends TimeSpec {
  readonly bid?: DecimalSpec | undefined;
  readonly ask?: DecimalSpec | undefined;
  readonly bidSize?: DecimalSpec | undefined;
  readonly askSize?: DecimalSpec | undefined;
  readonly bids?: readonly LevelSpec[] | undefined;
  readonly asks?: readonly LevelSpec[] | undefined;
  readonly updateId?: string | undefined;
}

/**
 * A candle spec: `close`; `open` defaults to it, `high`/`low` to the extremes of both, `baseVolume` to 0,
 * `quoteVolume` to `baseVolume × close`, `openTime` to the start of the period holding `timestamp`, `closed` to false.
 */
export interface CandleSpec extends TimeSpec {
  readonly close: DecimalSpec;
  readonly open?: DecimalSpec | undefined;
  readonly high?: DecimalSpec | undefined;
  readonly low?: DecimalSpec | undefined;
  readonly baseVolume?: DecimalSpec | undefined;
  readonly quoteVolume?: DecimalSpec | undefined;
  readonly openTime?: number | undefined;
  readonly closed?: boolean | undefined;
}

/** A status spec: the status and, for `disconnect`/`reconnect`, why and which attempt. */
export interface StatusSpec {
  readonly status: StatusEvent['status'];
  readonly reason?: string | undefined;
  readonly attempt?: number | undefined;
  readonly retryInMs?: number | undefined;
  readonly timestamp?: number | undefined;
}

/** The field names of a spec type, checked complete against it at compile time. */
const fieldsOf = <S>() => <const K extends readonly (keyof S & string)[]>(keys: K & ([Exclude<keyof S, K[number]>] extends [never] ? unknown : never)): K => keys;

const TIME_FIELDS = ['timestamp', 'receivedAt'] as const;
const TICKER_FIELDS = fieldsOf<TickerSpec>()(['last', 'open', 'high', 'low', 'prevClose', 'change', 'changeRate', 'baseVolume', 'quoteVolume', 'baseVolume24h', 'quoteVolume24h', 'lastAmount', ...TIME_FIELDS]);
const TRADE_FIELDS = fieldsOf<TradeSpec>()(['price', 'amount', 'side', 'id', ...TIME_FIELDS]);
const BOOK_FIELDS = fieldsOf<OrderBookSpec>()(['bid', 'ask', 'bidSize', 'askSize', 'bids', 'asks', 'updateId', ...TIME_FIELDS]);
const CANDLE_FIELDS = fieldsOf<CandleSpec>()(['close', 'open', 'high', 'low', 'baseVolume', 'quoteVolume', 'openTime', 'closed', ...TIME_FIELDS]);
const STATUS_FIELDS = fieldsOf<StatusSpec>()(['status', 'reason', 'attempt', 'retryInMs', 'timestamp']);
const STATUSES: readonly StatusEvent['status'][] = ['connecting', 'connected', 'disconnect', 'reconnect', 'closed'];

const ONE = new Big(1);
const ZERO = new Big(0);
/** `changeRate` places: Upbit sends rates such as 0.0127 with up to 10. */
const RateDecimal = Object.assign(Big(), { DP: 10, RM: Big.roundHalfUp });

/** The context's market, times and the spec's own time fields. */
function refOf(spec: Readonly<Record<string, unknown>>, context: BuildContext, field: string): MarketRef {
  const { exchange, symbol, market } = resolveMarket(checkExchange(context.exchange, 'context.exchange'), context.symbol ?? 'BTC/KRW', 'context.symbol');
  const at = readTime(context.at, 'context.at', 0);
  return { exchange, symbol, market, timestamp: readTime(spec['timestamp'], `${field}.timestamp`, at), receivedAt: readTime(spec['receivedAt'], `${field}.receivedAt`, at) };
}

const max = (a: Big, b: Big): Big => (a.gt(b) ? a : b);
const min = (a: Big, b: Big): Big => (a.lt(b) ? a : b);

/** `high`/`low` of a spec, defaulting to the extremes of `prices`, checked to enclose them. */
function extremes(spec: Readonly<Record<string, unknown>>, field: string, prices: readonly [Big, Big]): { high: Big; low: Big } {
  const [a, b] = prices;
  const high = optionalDecimal(spec, field, 'high', 'amount') ?? max(a, b);
  const low = optionalDecimal(spec, field, 'low', 'amount') ?? min(a, b);
  checkOrder(max(a, b), high, `${field}.high`, 'high is at least every other price of the spec');
  checkOrder(low, min(a, b), `${field}.low`, 'low is at most every other price of the spec', low);
  return { high, low };
}

/**
 * A complete {@link Ticker} from a spec: give `last`, and what else the test is about.
 *
 * @example
 * ```ts
 * import { buildTicker } from 'market-data-backbone/testing';
 * const ticker = buildTicker({ last: '101', prevClose: '100' }, { symbol: 'KRW-BTC', at: 5 });
 * ticker.changeRate.toFixed(); // '0.01'
 * ticker.market;               // 'KRW-BTC'
 * ```
 * @param spec `last` and optional overrides; every decimal is exact.
 * @param context Exchange, market and time. @default upbit, BTC/KRW, 0
 * @returns The ticker, or throws an `InvalidArgumentError` naming the bad field.
 */
export function buildTicker(spec: TickerSpec, context: BuildContext = {}): Ticker {
  const field = context.field ?? 'ticker';
  const s = readSpec(spec, field, TICKER_FIELDS, ['last']);
  const ref = refOf(s, context, field);
  const last = readDecimal(s['last'], `${field}.last`, 'amount');
  const given = optionalDecimal(s, field, 'open', 'amount');
  const prevClose = optionalDecimal(s, field, 'prevClose', 'amount') ?? given ?? last;
  const open = given ?? prevClose;
  const change = optionalDecimal(s, field, 'change', 'signed') ?? last.minus(prevClose);
  const changeRate = optionalDecimal(s, field, 'changeRate', 'signed') ?? (prevClose.eq(0) ? ZERO : new Big(new RateDecimal(change).div(prevClose)));
  const baseVolume = optionalDecimal(s, field, 'baseVolume', 'amount') ?? ZERO;
  const quoteVolume = optionalDecimal(s, field, 'quoteVolume', 'amount') ?? baseVolume.times(last);
  return {
    type: 'ticker',
    ...ref,
    last,
    open,
    ...extremes(s, field, [open, last]),
    prevClose,
    change,
    changeRate,
    baseVolume,
    quoteVolume,
    baseVolume24h: optionalDecimal(s, field, 'baseVolume24h', 'amount') ?? baseVolume,
    quoteVolume24h: optionalDecimal(s, field, 'quoteVolume24h', 'amount') ?? quoteVolume,
    ...(s['lastAmount'] === undefined ? {} : { lastAmount: readDecimal(s['lastAmount'], `${field}.lastAmount`, 'amount') }),
  };
}

/**
 * A complete {@link Trade} from a spec: give `price`.
 *
 * @example
 * ```ts
 * import { buildTrade } from 'market-data-backbone/testing';
 * const trade = buildTrade({ price: '100', amount: 0.5, side: 'sell' }, { symbol: 'BTC/KRW', sequence: 7 });
 * trade.id; // '7'
 * ```
 * @param spec `price` and optional `amount`, `side`, `id`, times.
 * @param context Exchange, market, time and position in the stream.
 * @returns The trade, or throws an `InvalidArgumentError` naming the bad field.
 */
export function buildTrade(spec: TradeSpec, context: BuildContext = {}): Trade {
  const field = context.field ?? 'trade';
  const s = readSpec(spec, field, TRADE_FIELDS, ['price']);
  const side = s['side'] ?? 'buy';
  if (side !== 'buy' && side !== 'sell') invalid(`${field}.side`, side, "a side is 'buy' or 'sell' (the taker's)");
  const id = s['id'] ?? String(context.sequence ?? 1);
  if (typeof id !== 'string' || !/^\d+$/.test(id)) invalid(`${field}.id`, id, 'a trade id is decimal digits, as text');
  return {
    type: 'trade',
    ...refOf(s, context, field),
    id,
    price: readDecimal(s['price'], `${field}.price`, 'positive'),
    amount: s['amount'] === undefined ? ONE : readDecimal(s['amount'], `${field}.amount`, 'positive'),
    side,
  };
}

/** One level, from `[price, amount]` or `{ price, amount }`. */
function readLevel(level: unknown, at: string): OrderBookLevel {
  if (Array.isArray(level)) {
    if (level.length !== 2) invalid(at, level, 'a level is [price, amount]');
    return { price: readDecimal(level[0], `${at}[0]`, 'positive'), amount: readDecimal(level[1], `${at}[1]`, 'positive') };
  }
  const s = readSpec(level, at, ['price', 'amount'], ['price', 'amount']);
  return { price: readDecimal(s['price'], `${at}.price`, 'positive'), amount: readDecimal(s['amount'], `${at}.amount`, 'positive') };
}

/** The levels of one side, best first, each strictly worse than the one before. */
function readSide(s: Readonly<Record<string, unknown>>, field: string, side: 'bids' | 'asks'): OrderBookLevel[] {
  const best = side === 'bids' ? 'bid' : 'ask';
  const levels = s[side];
  if (levels === undefined) {
    const price = optionalDecimal(s, field, best, 'positive');
    const amount = optionalDecimal(s, field, `${best}Size`, 'positive') ?? ONE;
    return price === undefined ? [] : [{ price, amount }];
  }
  for (const shorthand of [best, `${best}Size`]) {
    if (s[shorthand] !== undefined) invalid(`${field}.${shorthand}`, s[shorthand], `${best} and ${best}Size are the short form of ${side}: give one or the other`);
  }
  if (!Array.isArray(levels)) return invalid(`${field}.${side}`, levels, 'levels are an array of [price, amount] or { price, amount }');
  const parsed = levels.map((level: unknown, i) => readLevel(level, `${field}.${side}[${i}]`));
  parsed.forEach(({ price }, i) => {
    const before = parsed[i - 1]?.price;
    if (before !== undefined && (side === 'bids' ? !before.gt(price) : !before.lt(price))) {
      invalid(`${field}.${side}[${i}]`, price.toFixed(), side === 'bids' ? 'bids are highest first, each below the one before' : 'asks are lowest first, each above the one before');
    }
  });
  return parsed;
}

/**
 * A complete {@link OrderBook} from a spec: the best bid and ask (`{ bid: '99', ask: '101' }`, size 1 each),
 * or whole sides.
 *
 * @example
 * ```ts
 * import { buildOrderBook } from 'market-data-backbone/testing';
 * const book = buildOrderBook({ bids: [['99', '2'], ['98', '1']], ask: '101', askSize: '0.5' }, { exchange: 'binance', symbol: 'BTC/USDT' });
 * book.market; // 'BTCUSDT'
 * ```
 * @param spec Best prices or whole sides, optional `updateId` and times.
 * @param context Exchange, market and time.
 * @returns The book, or throws an `InvalidArgumentError` naming the bad field (out-of-order levels too).
 */
export function buildOrderBook(spec: OrderBookSpec, context: BuildContext = {}): OrderBook {
  const field = context.field ?? 'orderBook';
  const s = readSpec(spec, field, BOOK_FIELDS);
  const updateId = s['updateId'];
  if (updateId !== undefined && (typeof updateId !== 'string' || !/^\d+$/.test(updateId))) invalid(`${field}.updateId`, updateId, 'an update id is decimal digits, as text');
  return {
    type: 'orderBook',
    ...refOf(s, context, field),
    bids: readSide(s, field, 'bids'),
    asks: readSide(s, field, 'asks'),
    ...(updateId === undefined ? {} : { updateId }),
  };
}

/**
 * A complete candle update (a {@link Candle} with `closed`) from a spec: give `close`.
 *
 * @example
 * ```ts
 * import { buildCandle } from 'market-data-backbone/testing';
 * const candle = buildCandle({ open: '100', close: '104', baseVolume: '2' }, { interval: '1m', at: 90_000 });
 * candle.openTime;              // 60000
 * candle.quoteVolume.toFixed(); // '208'
 * ```
 * @param spec `close` and optional prices, volumes, `openTime`, `closed`, times.
 * @param context Exchange, market, interval and time.
 * @returns The candle, or throws an `InvalidArgumentError` naming the bad field.
 */
export function buildCandle(spec: CandleSpec, context: BuildContext = {}): CandleUpdate {
  const field = context.field ?? 'candle';
  const s = readSpec(spec, field, CANDLE_FIELDS, ['close']);
  const interval = context.interval ?? '1m';
  if (!isCandleInterval(interval)) invalid('context.interval', interval, `an interval is one of ${CANDLE_INTERVALS.join(', ')}`);
  const ref = refOf(s, context, field);
  const close = readDecimal(s['close'], `${field}.close`, 'amount');
  const open = optionalDecimal(s, field, 'open', 'amount') ?? close;
  const baseVolume = optionalDecimal(s, field, 'baseVolume', 'amount') ?? ZERO;
  const closed = s['closed'] ?? false;
  if (typeof closed !== 'boolean') invalid(`${field}.closed`, closed, 'true or false');
  const openTime = readTime(s['openTime'], `${field}.openTime`, periodStart(interval, ref.timestamp));
  if (periodStart(interval, openTime) !== openTime) invalid(`${field}.openTime`, openTime, `an open time is the start of a ${interval} period`);
  return {
    type: 'candle',
    ...ref,
    interval,
    openTime,
    open,
    ...extremes(s, field, [open, close]),
    close,
    baseVolume,
    quoteVolume: optionalDecimal(s, field, 'quoteVolume', 'amount') ?? baseVolume.times(close),
    closed,
  };
}

/**
 * A {@link StatusEvent} from a spec, of the context's exchange at its time.
 *
 * @example
 * ```ts
 * import { buildStatus } from 'market-data-backbone/testing';
 * buildStatus({ status: 'disconnect', reason: 'stale', attempt: 1, retryInMs: 1000 }, { exchange: 'binance', at: 30 });
 * ```
 * @param spec The status and its optional details.
 * @param context Exchange and time.
 * @returns The event, or throws an `InvalidArgumentError` naming the bad field.
 */
export function buildStatus(spec: StatusSpec, context: BuildContext = {}): StatusEvent {
  const field = context.field ?? 'status';
  const s = readSpec(spec, field, STATUS_FIELDS, ['status']);
  const status = s['status'];
  if (!STATUSES.includes(status as StatusEvent['status'])) invalid(`${field}.status`, status, `a status is one of ${STATUSES.join(', ')}`);
  const reason = s['reason'];
  if (reason !== undefined && typeof reason !== 'string') invalid(`${field}.reason`, reason, 'a reason is text');
  const count = (key: 'attempt' | 'retryInMs'): number | undefined => (s[key] === undefined ? undefined : readTime(s[key], `${field}.${key}`, 0));
  const [attempt, retryInMs] = [count('attempt'), count('retryInMs')];
  return {
    type: 'status',
    exchange: checkExchange(context.exchange, 'context.exchange'),
    status: status as StatusEvent['status'],
    ...(reason === undefined ? {} : { reason }),
    ...(attempt === undefined ? {} : { attempt }),
    ...(retryInMs === undefined ? {} : { retryInMs }),
    timestamp: readTime(s['timestamp'], `${field}.timestamp`, readTime(context.at, 'context.at', 0)),
  };
}
