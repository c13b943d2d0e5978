/**
 * Exact decimals: every price and amount in the model is a `Big` (big.js), built here from the
 * wire text, never from float arithmetic.
 */
import Big from 'big.js';
import { isLosslessNumber, type LosslessNumber } from 'lossless-json';

export { Big };

/**
 * A JSON number as {@link parseJsonExact} hands it over: a JS `number` when that number holds the
 * reply's exact decimal value, otherwise a `LosslessNumber` carrying the original digits.
 */
export type WireNumber = number | LosslessNumber;

/** Anything {@link toBig} accepts: a wire number or a decimal string (`"0.00012345"`, `"1.2E-4"`). */
export type DecimalInput = WireNumber | string;

/**
 * Turns a wire number or decimal string into a `Big` without losing a digit.
 *
 * `number` inputs are only ever produced by {@link parseJsonExact} when they round-trip exactly, so
 * `String(n)` gives back the exchange's value.
 *
 * @example
 * ```ts
 * toBig('0.00012345').toString(); // '0.00012345'
 * ```
 */
export function toBig(value: DecimalInput): Big {
  if (typeof value === 'string') return new Big(value);
  if (typeof value === 'number') return new Big(value);
  return new Big(value.value);
}

/**
 * Like {@link toBig}, but `null`/`undefined` give `undefined` (for optional fields).
 *
 * @example
 * ```ts
 * toBigOrUndefined(message.converted_trade_price); // Big | undefined
 * ```
 */
export function toBigOrUndefined(value: DecimalInput | null | undefined): Big | undefined {
  return value === null || value === undefined ? undefined : toBig(value);
}

/**
 * The exact digits of an integer id (such as Upbit's `sequential_id`, beyond 2^53) as a string.
 *
 * @example
 * ```ts
 * toIdString(parseJsonExact('[17103275719220001]')[0]); // '17103275719220001'
 * ```
 */
export function toIdString(value: DecimalInput): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : new Big(value).toFixed();
  return value.value;
}

/**
 * `true` for a JSON number as parsed by {@link parseJsonExact} (either representation).
 *
 * @example
 * ```ts
 * isWireNumber(parseJsonExact('1.10')); // true
 * ```
 */
export function isWireNumber(value: unknown): value is WireNumber {
  return typeof value === 'number' || isLosslessNumber(value);
}
