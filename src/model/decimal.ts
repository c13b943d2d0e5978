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
  if (typeof value === 'string') return fromDecimalText(value);
  if (typeof value === 'number') return fromDecimalText(String(value));
  return fromDecimalText(value.value);
}

/** big.js's documented instance fields: sign, exponent, coefficient digits (most significant first). */
interface BigFields {
  s: number;
  e: number;
  c: number[];
  constructor: unknown;
}

/**
 * Builds a `Big` from decimal text, filling big.js's documented fields (`s`, `e`, `c`) in one pass.
 *
 * `new Big(text)` validates with a regular expression and then re-scans the string; on the stream hot
 * path (a dozen decimals per ticker frame, thousands of frames a second) this single pass measured about
 * 2.6 times faster. Anything that is not a plain decimal (`-12.5`, `1.2E-4`) goes to `new Big`, which
 * parses it or throws big.js's own error, so the result is always what `new Big(text)` would give.
 */
function fromDecimalText(text: string, start = 0, end = text.length): Big {
  let i = start;
  let sign = 1;
  if (text.charCodeAt(start) === 45 /* - */) {
    sign = -1;
    i++;
  }
  const digits: number[] = [];
  let exponent = -1;
  let dot = false;
  let sawDigit = false;
  let shift = 0;
  let zeros = 0;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */) {
      if (dot) return slowBig(text, start, end);
      dot = true;
      continue;
    }
    if (code === 101 /* e */ || code === 69 /* E */) {
      const tail = text.slice(i + 1, end);
      if (!sawDigit || !/^[+-]?\d+$/.test(tail)) return slowBig(text, start, end);
      shift = Number(tail);
      break;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return slowBig(text, start, end);
    sawDigit = true;
    if (digit === 0) {
      if (digits.length === 0) {
        if (dot) exponent--;
        continue;
      }
      zeros++; // pushed only if a non-zero digit follows, so trailing zeros cost nothing
    } else {
      for (; zeros > 0; zeros--) digits.push(0);
      digits.push(digit);
    }
    if (!dot) exponent++;
  }
  if (!sawDigit) return slowBig(text, start, end);
  if (digits.length === 0) return createBig(sign, 0, [0]);
  // `push` grew the array with spare capacity (17 slots for one digit); a model value may be kept for a
  // long time (replayed tickers, books), so keep an exact-size copy.
  return createBig(sign, exponent + shift, digits.slice());
}

/**
 * The `Big` of a plain decimal (`-?digits[.digits]`, no exponent) in text[start, end), or `undefined`
 * for anything else. Leading and trailing zeros are skipped from both ends first, so the coefficient
 * array is allocated once at its final size and filled in one pass over the significant digits.
 *
 * Only {@link toBigAt} and {@link toPlainBigAt} call it, on whole frame texts: fed also with the sliced strings of other
 * callers, the JIT's string access turned polymorphic and the stream fast path lost a quarter of its
 * speed (measured: 4.0 → 5.2 µs per ticker frame).
 */
function fromPlainDecimal(text: string, start: number, end: number): Big | undefined {
  let i = start;
  let sign = 1;
  if (text.charCodeAt(i) === 45 /* - */) {
    sign = -1;
    i++;
  }
  if (i >= end) return undefined;
  let dot = -1;
  let first = i;
  for (; first < end; first++) {
    const code = text.charCodeAt(first);
    if (code === 46 /* . */) {
      if (dot >= 0) return undefined;
      dot = first;
    } else if (code !== 48) break;
  }
  if (first === end) return end - i > (dot >= 0 ? 1 : 0) ? createBig(sign, 0, [0]) : undefined; // zero
  const lead = text.charCodeAt(first);
  if (lead < 49 || lead > 57) return undefined;
  let last = end - 1;
  for (; ; last--) {
    const code = text.charCodeAt(last);
    if (code === 46 /* . */) {
      if (dot >= 0) return undefined;
      dot = last;
    } else if (code !== 48) break;
  }
  if (dot < 0) {
    const inner = text.indexOf('.', first);
    dot = inner >= 0 && inner < last ? inner : end;
  }
  const digits: number[] = new Array<number>(last - first + 1 - (dot > first && dot < last ? 1 : 0));
  let k = 0;
  for (let j = first; j <= last; j++) {
    const digit = text.charCodeAt(j) - 48;
    if (digit >= 0 && digit <= 9) digits[k++] = digit;
    else if (j !== dot) return undefined;
  }
  return createBig(sign, first < dot ? dot - first - 1 : dot - first, digits);
}

/**
 * Builds a `Big` from its fields: `Big.prototype` is its prototype, so it is a `Big` in every respect
 * (`instanceof`, methods, `constructor`). A constructor function, because `new` with a fixed shape
 * allocated in about 6 ns where `Object.create` and four stores took 13 (a ticker frame builds a dozen).
 */
const BigShell = function BigShell(this: BigFields, sign: number, exponent: number, digits: number[]): void {
  this.constructor = Big;
  this.s = sign;
  this.e = exponent;
  this.c = digits;
} as unknown as new (sign: number, exponent: number, digits: number[]) => Big;
BigShell.prototype = Big.prototype;

/** A `Big` with the given fields, as big.js's constructor would leave it. */
function createBig(sign: number, exponent: number, digits: number[]): Big {
  return new BigShell(sign, exponent, digits);
}

/** `new Big` of text[start, end): parses what the fast pass leaves out, or throws big.js's error. */
function slowBig(text: string, start: number, end: number): Big {
  return new Big(start === 0 && end === text.length ? text : text.slice(start, end));
}

/**
 * `toBig(text.slice(start, end))` without the slice: builds the `Big` straight from the digits of a
 * decimal inside a larger text, such as a number token of a JSON frame (the stream hot path).
 *
 * @example
 * ```ts
 * const text = '{"trade_price":109847000.0}';
 * toBigAt(text, 15, 26).toString(); // '109847000'
 * ```
 */
export function toBigAt(text: string, start: number, end: number): Big {
  return fromPlainDecimal(text, start, end) ?? fromDecimalText(text, start, end);
}

/**
 * The `Big` of a plain decimal (`-?digits[.digits]`, no exponent) in text[start, end), or `undefined`
 * for anything else; never throws. Equal to `toBig(text.slice(start, end))` whenever it gives a value,
 * so a decoder's fast path can build decimals from frame text and leave every other spelling (and every
 * error) to its general path.
 *
 * @example
 * ```ts
 * const text = '["97123.45000000","0.5"]';
 * toPlainBigAt(text, 2, 16)?.toString(); // '97123.45'
 * toPlainBigAt('[1e5]', 1, 4); // undefined
 * ```
 */
export function toPlainBigAt(text: string, start: number, end: number): Big | undefined {
  return fromPlainDecimal(text, start, end);
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

/** Digits per double of a packed coefficient: nine decimal digits stay a 32-bit integer, so packing and unpacking use integer arithmetic. */
const CHUNK_DIGITS = 9;
/** Longest coefficient {@link packDecimal} takes (a 6-bit count in the header). */
const MAX_PACKED_DIGITS = 63;
/** Offset that keeps the header's exponent part non-negative, and the header a 28-bit integer. */
const EXPONENT_OFFSET = 2 ** 20;

/**
 * Writes `value` at `out[at]` as small integers (a header with sign, exponent and digit count, then the
 * digits nine to a number) and returns the index after them, or -1 when it cannot be packed (64 digits or
 * more, an exponent of a million or more). The digits are taken as they are: every `Big` that big.js or
 * this module builds holds integers 0-9 (checking each one doubled the cost of packing a ticker). {@link unpackDecimal} gives back a `Big` with the same sign,
 * exponent and digits, negative zero included: packing is exact by construction. A ticker's dozen
 * decimals take about 250 bytes packed instead of about 2 KB as `Big`s (an object and a digit array
 * each), which is what a hot stream holds for replay.
 *
 * @example
 * ```ts
 * const out: number[] = [];
 * const end = packDecimal(toBig('-0.0125'), out, 0); // 2: a header and one chunk
 * unpackDecimal(out, 0).toString(); // '-0.0125'
 * ```
 */
export function packDecimal(value: Big, out: number[], at: number): number {
  const { s, e, c } = value as unknown as BigFields;
  const n = c.length;
  if (n === 0 || n > MAX_PACKED_DIGITS || (e | 0) !== e || e <= -EXPONENT_OFFSET || e >= EXPONENT_OFFSET) return -1;
  out[at++] = (((e + EXPONENT_OFFSET) << 6) | n) * 2 + (s < 0 ? 1 : 0);
  for (let i = 0; i < n; ) {
    const stop = i + CHUNK_DIGITS < n ? i + CHUNK_DIGITS : n;
    let chunk = 0;
    for (; i < stop; i++) {
      chunk = chunk * 10 + (c[i] as number);
    }
    out[at++] = chunk;
  }
  return at;
}

/**
 * The `Big` {@link packDecimal} wrote at `packed[at]`.
 *
 * @example
 * ```ts
 * unpackDecimal(packed, 0).toFixed();
 * ```
 */
export function unpackDecimal(packed: readonly number[], at: number): Big {
  const header = packed[at] as number;
  const rest = header >> 1;
  const n = rest & 63;
  const digits = new Array<number>(n);
  for (let start = 0, k = at + 1; start < n; start += CHUNK_DIGITS, k++) {
    let chunk = packed[k] as number;
    for (let i = (start + CHUNK_DIGITS < n ? start + CHUNK_DIGITS : n) - 1; i >= start; i--) {
      const next = (chunk / 10) | 0;
      digits[i] = chunk - next * 10;
      chunk = next;
    }
  }
  return createBig((header & 1) === 1 ? -1 : 1, (rest >> 6) - EXPONENT_OFFSET, digits);
}

/**
 * How many numbers the packed decimal at `packed[at]` takes (its header included).
 *
 * @example
 * ```ts
 * const next = at + packedDecimalLength(packed, at);
 * ```
 */
export function packedDecimalLength(packed: readonly number[], at: number): number {
  const n = ((packed[at] as number) >> 1) & 63;
  return 1 + ((n + CHUNK_DIGITS - 1) / CHUNK_DIGITS | 0);
}

/** Largest decimal exponent of a finite double (`Number.MAX_VALUE` is about 1.8e308). */
const MAX_FINITE_EXPONENT = 308;

/**
 * `true` when `value` can be a price, a size, a volume or an amount: not negative, and finite as a
 * double too (`1e400` is a valid `Big`, but no exchange quotes it and every float consumer reads it as
 * `Infinity`). Reads big.js's documented fields only (sign `s`, exponent `e`, digits `c`), so it costs
 * two comparisons on the stream hot path. Signed fields (change, change rate) are not amounts.
 *
 * @example
 * ```ts
 * isAmount(toBig('0.001')); // true
 * isAmount(toBig('-5'));    // false
 * isAmount(toBig('1e400')); // false
 * ```
 */
export function isAmount(value: Big): boolean {
  const { s, e, c } = value as unknown as BigFields;
  if (s < 0 && c[0] !== 0) return false;
  // Below 1e308 every value is a finite double; from 1.8e308 on (exponent 308 too) it is Infinity.
  return e < MAX_FINITE_EXPONENT || (e === MAX_FINITE_EXPONENT && Number(value) !== Infinity);
}
