/**
 * Reading the fields of a value spec (`{ last: '100' }`): exact decimals from strings, numbers or `Big`s,
 * times, and the check that a spec names only fields it may have. Every failure is an
 * {@link InvalidArgumentError} whose `argument` names the field (`ticker.last`, `values.a.bids[1].price`).
 */
import { invalid } from '../../client/arguments.js';
import { Big, isAmount, toBig } from '../../model/decimal.js';

/**
 * A decimal in a spec: decimal text (`'101.5'`, `'1e-8'`: every digit kept), a `Big`, or a JS number
 * (`101.5`: read from its shortest text, so `0.1` is exactly 0.1; integers beyond 2^53 are refused, as
 * their digits are already lost).
 */
export type DecimalSpec = Big | string | number;

/** Decimal text as big.js reads it: optional sign, digits, optional fraction and exponent. */
const DECIMAL_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What a decimal field may hold: any sign, not negative, or more than zero. */
export type DecimalKind = 'signed' | 'amount' | 'positive';

/**
 * The exact `Big` of a spec's decimal field, or an {@link InvalidArgumentError} naming `field`.
 *
 * @example
 * ```ts
 * readDecimal('100.10', 'ticker.last', 'amount').toFixed(); // '100.1'
 * readDecimal('1,000', 'ticker.last', 'amount');            // throws: ticker.last is not a decimal
 * ```
 */
export function readDecimal(value: unknown, field: string, kind: DecimalKind): Big {
  let big: Big;
  if (value instanceof Big) big = value;
  else if (typeof value === 'string' && DECIMAL_TEXT.test(value)) big = toBig(value);
  else if (typeof value === 'number' && Number.isFinite(value) && !(Number.isInteger(value) && !Number.isSafeInteger(value))) big = toBig(String(value));
  else return invalid(field, value, 'a decimal is text such as "101.5", a Big, or a finite number (integers up to 2^53; use text beyond)');
  if (kind !== 'signed' && !isAmount(big)) return invalid(field, value, 'a price or amount is not negative');
  if (kind === 'positive' && big.eq(0)) return invalid(field, value, 'this amount is more than zero');
  return big;
}

/**
 * A time in ms (a whole number of at least 0), or `fallback` when the field is absent.
 *
 * @example
 * ```ts
 * readTime(undefined, 'ticker.timestamp', 5); // 5
 * ```
 */
export function readTime(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return invalid(field, value, 'a time is whole ms of at least 0');
  return value;
}

/**
 * `spec` as a record after checking it is a plain object naming only `known` fields; `required` ones
 * must be present. The error names the first unknown or missing field.
 *
 * @example
 * ```ts
 * readSpec({ lst: '1' }, 'ticker', ['last'], ['last']); // throws: ticker.lst is not a field of a ticker spec
 * ```
 */
export function readSpec(spec: unknown, field: string, known: readonly string[], required: readonly string[] = []): Readonly<Record<string, unknown>> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || spec instanceof Big) {
    return invalid(field, spec, `a spec is an object with some of the fields ${known.join(', ')}`);
  }
  const record = spec as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) invalid(`${field}.${key}`, record[key], `not a field of this spec; the fields are ${known.join(', ')}`);
  }
  for (const key of required) {
    if (record[key] === undefined) invalid(`${field}.${key}`, undefined, 'this field is required');
  }
  return record;
}

/**
 * The optional decimal field `key` of `spec`, or `undefined` when absent.
 *
 * @example
 * ```ts
 * optionalDecimal({ open: '99' }, 'ticker', 'open', 'amount')?.toFixed(); // '99'
 * ```
 */
export function optionalDecimal(spec: Readonly<Record<string, unknown>>, field: string, key: string, kind: DecimalKind): Big | undefined {
  const value = spec[key];
  return value === undefined ? undefined : readDecimal(value, `${field}.${key}`, kind);
}

/**
 * Checks `lower <= upper` for two prices of one spec (a low and the open), naming `field` and its
 * `value` (by default `upper`) when they are not.
 *
 * @example
 * ```ts
 * checkOrder(toBig('101'), toBig('100'), 'ticker.high', 'high is at least the other prices');
 * ```
 */
export function checkOrder(lower: Big, upper: Big, field: string, why: string, value: Big = upper): void {
  if (lower.gt(upper)) invalid(field, value.toFixed(), why);
}
