/**
 * What the analytics functions (book metrics, slippage, volatility, trade flow) share: their option checks,
 * which throw an {@link InvalidArgumentError} naming the option, and one rounded division.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { Big } from './decimal.js';

/**
 * Returns `value` when `ok`, else throws an {@link InvalidArgumentError} "Argument `argument` is not valid: `why`".
 *
 * @example
 * ```ts
 * const levels = checkOption('options.levels', 0, (v) => Number.isInteger(v) && v > 0, 'a whole number above 0'); // throws
 * ```
 */
export function checkOption<T>(argument: string, value: T, ok: (value: T) => boolean, why: string): T {
  if (ok(value)) return value;
  throw new InvalidArgumentError(`Argument ${argument} is not valid: ${why} (got ${describeValue(value)})`, { argument, value });
}

/** `true` for a whole number from `min` to `max`. */
export const isWholeIn = (min: number, max: number) => (value: number): boolean => Number.isInteger(value) && value >= min && value <= max;

/** `true` for a finite number above 0. */
export const isPositive = (value: number): boolean => Number.isFinite(value) && value > 0;

/**
 * The `decimals` option of every analytics function: a whole number of places from 0 to 1,000.
 *
 * @example
 * ```ts
 * checkDecimals(8); // 8
 * ```
 */
export function checkDecimals(decimals: number): number {
  return checkOption('options.decimals', decimals, isWholeIn(0, 1_000), 'a whole number of decimal places from 0');
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  if (typeof value === 'object' && value !== null && !(value instanceof Big)) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A division rounded once to `decimals` places, half-up. */
export type Divide = (dividend: Big, divisor: Big) => Big;

/**
 * A division rounded to `decimals` places (half-up unless `rounding` says otherwise), leaving the global
 * `Big.DP`/`Big.RM` alone.
 *
 * @example
 * ```ts
 * createDivide(2)(toBig('2'), toBig('3')).toString(); // '0.67'
 * createDivide(2, Big.roundDown)(toBig('2'), toBig('3')).toString(); // '0.66'
 * ```
 */
export function createDivide(decimals: number, rounding: Big.RoundingMode = Big.roundHalfUp): Divide {
  const Dec = Object.assign(Big(), { DP: decimals, RM: rounding });
  return (dividend, divisor) => new Big(new Dec(dividend).div(divisor));
}
