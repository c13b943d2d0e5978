/**
 * Exact JSON parsing for exchange replies and frames.
 *
 * Exchanges send prices as JSON numbers with up to 27 significant digits and ids beyond 2^53, which a
 * plain `JSON.parse` rounds. `lossless-json` keeps every digit but is several times slower than the
 * native parser, and frames arrive by the thousand per second. So the text is first scanned for number
 * tokens that a double might not hold exactly; only when one of them really does not round-trip does
 * the parse go through `lossless-json`. Either way every number reaches `toBig` with its exact value.
 */
import { parse as parseLossless } from 'lossless-json';

/** A run of 16 or more digits (and dots): the only tokens that may not survive a double. */
const LONG_NUMBER = /-?[\d.]{16,}(?:[eE][+-]?\d+)?/g;

/** Significant digits of a plain decimal token, without sign, dot, leading or trailing zeros. */
function significantDigits(token: string): string {
  const unsigned = token.startsWith('-') ? token.slice(1) : token;
  const dot = unsigned.indexOf('.');
  const digits = dot < 0 ? unsigned : unsigned.slice(0, dot) + unsigned.slice(dot + 1);
  let start = 0;
  while (start < digits.length - 1 && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start + 1 && digits[end - 1] === '0') end--;
  return digits.slice(start, end);
}

/** `true` when `Number(token)` holds the token's exact decimal value. */
function roundTrips(token: string): boolean {
  if (/[eE]/.test(token)) return false;
  const n = Number(token);
  if (!Number.isFinite(n)) return false;
  const back = Math.abs(n).toString();
  if (/e/.test(back)) return false;
  return significantDigits(back) === significantDigits(token);
}

/** `true` when every number in `text` survives `JSON.parse` exactly. */
function nativeIsExact(text: string): boolean {
  LONG_NUMBER.lastIndex = 0;
  for (let match = LONG_NUMBER.exec(text); match !== null; match = LONG_NUMBER.exec(text)) {
    if (!roundTrips(match[0])) return false;
  }
  return true;
}

/**
 * Parses JSON text so that every number keeps its exact value.
 *
 * Numbers come back as JS numbers when that is exact, otherwise as `LosslessNumber`s; pass either to
 * `toBig`/`toIdString`. Throws `SyntaxError` on malformed text (callers wrap it in a `ParseError`).
 *
 * @example
 * ```ts
 * const [trade] = parseJsonExact('[{"sequential_id":17103275719220001}]') as [{ sequential_id: WireNumber }];
 * toIdString(trade.sequential_id); // '17103275719220001'
 * ```
 */
export function parseJsonExact(text: string): unknown {
  return nativeIsExact(text) ? JSON.parse(text) : parseLossless(text);
}
