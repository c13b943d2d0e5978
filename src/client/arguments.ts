/**
 * Checks of what callers pass to the public methods, run before any request: each returns the value
 * (narrowed) or throws an {@link InvalidArgumentError} naming the argument and the value. TypeScript
 * callers rarely get here; JavaScript callers, form inputs and CLI flags do.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { CANDLE_INTERVALS, isCandleInterval, type CandleInterval } from '../model/candle.js';
import type { ExchangeAdapter, ExchangeRestAdapter } from '../core/exchange-adapter.js';

/** What a symbol may look like: `KRW-BTC`, `BTC/KRW`, `BTCUSDT`, `1000SATS/USDT`. */
const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,31})?$/;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Throws an {@link InvalidArgumentError}: "`argument` is not valid: `why` (got `value`)".
 *
 * @example
 * ```ts
 * if (depth > 30) invalid('options.depth', depth, 'Upbit serves at most 30 levels');
 * ```
 */
export function invalid(argument: string, value: unknown, why: string, exchange?: string): never {
  throw new InvalidArgumentError(`Argument ${argument} is not valid: ${why} (got ${describe(value)})`, { argument, value, exchange });
}

/**
 * A market symbol, native (`KRW-BTC`, `BTCUSDT`) or unified (`BTC/KRW`).
 *
 * @example
 * ```ts
 * checkSymbol('KRW-BTC'); // 'KRW-BTC'
 * checkSymbol(123);       // throws InvalidArgumentError
 * ```
 */
export function checkSymbol(value: unknown, argument = 'symbol'): string {
  if (typeof value !== 'string') return invalid(argument, value, 'a symbol is a string such as "KRW-BTC" or "BTC/KRW"');
  if (!SYMBOL.test(value)) return invalid(argument, value, 'a symbol is letters and digits such as "KRW-BTC" or "BTC/KRW"');
  return value;
}

/**
 * An options object: `undefined` (then `{}`) or a plain object.
 *
 * @example
 * ```ts
 * const { depth } = checkOptions<{ depth?: number }>(options);
 * ```
 */
export function checkOptions<T extends object>(value: T | undefined, argument = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(argument, value, 'options are an object');
  return value;
}

/**
 * A whole count of at least 1 and at most `max`, or `undefined` when none was given.
 *
 * @example
 * ```ts
 * checkCount(50, 'options.count', 500); // 50
 * checkCount(1.5, 'options.count');     // throws
 * ```
 */
export function checkCount(value: unknown, argument: string, max = Number.MAX_SAFE_INTEGER, exchange?: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) return invalid(argument, value, 'a whole number of at least 1', exchange);
  if (value > max) return invalid(argument, value, `${exchange ?? 'the exchange'} serves at most ${max}`, exchange);
  return value;
}

/**
 * A boolean option, or `undefined`.
 *
 * @example
 * ```ts
 * checkFlag(options.fill, 'options.fill');
 * ```
 */
export function checkFlag(value: unknown, argument: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return invalid(argument, value, 'true or false');
}

/**
 * A freshness bound in ms (`maxAgeMs`): a finite number of at least 0, or `undefined`.
 *
 * @example
 * ```ts
 * checkMaxAge(500, 'options.maxAgeMs'); // 500
 * checkMaxAge(-1, 'options.maxAgeMs');  // throws InvalidArgumentError
 * ```
 */
export function checkMaxAge(value: unknown, argument: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return invalid(argument, value, 'a maximum age is a number of ms, 0 or more');
  return value;
}

/**
 * A point in time as ms since the epoch (a number or a `Date`), or `undefined`.
 *
 * @example
 * ```ts
 * checkTime(new Date('2026-01-01'), 'options.from'); // 1767225600000
 * ```
 */
export function checkTime(value: unknown, argument: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return invalid(argument, value, 'a time is a Date or ms since 1970');
  return ms;
}

/**
 * A time range: both ends checked, `from` not after `to`.
 *
 * @example
 * ```ts
 * checkRange(Date.parse('2026-02-01'), Date.parse('2026-01-01')); // throws: from is after to
 * ```
 */
export function checkRange(from: unknown, to: unknown, prefix = 'options.'): { from: number | undefined; to: number | undefined } {
  const start = checkTime(from, `${prefix}from`);
  const end = checkTime(to, `${prefix}to`);
  if (start !== undefined && end !== undefined && start > end) invalid(`${prefix}from`, from, `from is after to (${new Date(end).toISOString()})`);
  return { from: start, to: end };
}

/**
 * A candle interval the exchange serves (`1m`, `1h`, `1d`, ...): one of {@link CANDLE_INTERVALS}, and
 * one the adapter can build a request for.
 *
 * @example
 * ```ts
 * checkInterval('2m', upbitRest); // throws InvalidArgumentError: not one of 1s, 1m, 3m, ...
 * ```
 */
export function checkInterval(value: unknown, rest: Pick<ExchangeRestAdapter, 'candles'>, exchange?: string, argument = 'interval'): CandleInterval {
  if (!isCandleInterval(value)) return invalid(argument, value, `an interval is one of ${CANDLE_INTERVALS.join(', ')}`, exchange);
  const interval = value;
  try {
    // Request builders are pure: one that cannot express the interval says so by throwing.
    rest.candles('CHECK-CHECK', interval, {});
  } catch (error) {
    return invalid(argument, value, error instanceof Error ? error.message : `${exchange ?? 'the exchange'} has no such candles`, exchange);
  }
  return interval;
}

/**
 * An order-book depth for a stream: a whole number the exchange's socket can subscribe to (a book
 * streams what the exchange has, so no REST cap applies: Upbit streams 30 levels for a depth of 50).
 * Asked of the adapter's own pure request builder too, so that a depth it refuses fails here instead
 * of in the socket's open handler.
 *
 * @example
 * ```ts
 * checkStreamDepth(upbitAdapter, 0); // throws InvalidArgumentError
 * ```
 */
export function checkStreamDepth(adapter: Pick<ExchangeAdapter, 'id' | 'ws'>, value: unknown, argument = 'depth'): number | undefined {
  const depth = checkCount(value, argument, undefined, adapter.id);
  if (depth === undefined || adapter.ws === undefined) return depth;
  try {
    adapter.ws.subscriptionFrames([{ channel: 'orderBook', market: 'CHECK-CHECK', depth }], []);
  } catch (error) {
    return invalid(argument, value, error instanceof Error ? error.message : 'the exchange cannot stream this depth', adapter.id);
  }
  return depth;
}
