/**
 * Exact JSON parsing for exchange replies and frames.
 *
 * Exchanges send prices as JSON numbers with up to 27 significant digits and ids beyond 2^53, which a
 * plain `JSON.parse` rounds. `lossless-json` keeps every digit but is several times slower than the
 * native parser, and frames arrive by the thousand per second. So the text is first scanned for number
 * tokens that a double might not hold exactly; only those that really do not round-trip are quoted
 * before the native parse and revived as `LosslessNumber`s after it. Either way every number reaches
 * `toBig` with its exact value. (Flat Upbit ticker and trade frames skip all this: see `json-scan.ts`.)
 */
import { LosslessNumber, parse as parseLossless } from 'lossless-json';

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

/** Number of significant digits of a plain decimal token (no exponent), counted without allocating. */
function countSignificant(token: string): number {
  let first = -1;
  let last = -1;
  let between = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code < 48 || code > 57) continue; // sign, dot
    if (code !== 48) {
      if (first < 0) first = i;
      last = i;
    }
    if (first >= 0) between++;
  }
  if (first < 0) return 0;
  // digits from the first to the last non-zero one: `between` counts them and the trailing zeros after
  let trailing = 0;
  for (let i = token.length - 1; i > last; i--) if (token.charCodeAt(i) !== 46) trailing++;
  return between - trailing;
}

/** A complete JSON number token. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Smallest positive normal double: below it a double holds fewer than 15 significant digits. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * `true` when `String(Number(token))` has the token's exact decimal value. Any decimal of at most 15
 * significant digits in the normal range does (a double carries 15.95 decimal digits); longer ones are
 * converted and compared. Overflow (`1e400`), underflow and subnormals never count as exact.
 *
 * Integer tokens beyond 2^53 never count either, even when a double happens to hold them
 * (`17877285547970000`): ids are such integers, and id readers refuse a JS number beyond 2^53 because
 * they cannot tell it from one already rounded, so those ids must arrive as `LosslessNumber`s.
 */
function roundTrips(token: string): boolean {
  let e = token.indexOf('e');
  if (e < 0) e = token.indexOf('E');
  const mantissa = e < 0 ? token : token.slice(0, e);
  const significant = countSignificant(mantissa);
  const n = Number(token);
  if (significant === 0) return true; // a zero: JSON.parse gives (-)0, whose string is "0"
  if (!Number.isFinite(n) || Math.abs(n) < MIN_NORMAL) return false;
  if (e < 0 && !mantissa.includes('.') && Math.abs(n) > Number.MAX_SAFE_INTEGER) return false;
  if (significant <= 15) return true;
  if (e >= 0) return false;
  const back = Math.abs(n).toString();
  if (back.includes('e')) return false;
  return significantDigits(back) === significantDigits(token);
}

/**
 * Candidate marks for number tokens quoted to survive `JSON.parse`: Unicode noncharacters, absent from
 * real data. The first one the text does not hold (raw or escaped) is used, so a marked string can
 * only be one of ours.
 */
const MARKS: readonly { readonly char: string; readonly escaped: RegExp }[] = [0xffff, 0xfffe, ...Array.from({ length: 32 }, (_, i) => 0xfdd0 + i)].map(
  (code) => ({ char: String.fromCharCode(code), escaped: new RegExp(`\\\\u${code.toString(16)}`, 'i') }),
);

/** The first mark `text` does not hold, or `undefined` when it holds them all. */
function pickMark(text: string): string | undefined {
  for (const { char, escaped } of MARKS) if (!text.includes(char) && !escaped.test(text)) return char;
  return undefined;
}

/**
 * The number tokens (outside strings) that a double would change, or `undefined` when there are none.
 * Strings are skipped with `indexOf` (native); only characters between strings are looked at here, and
 * only tokens of 16 or more characters or with an exponent are converted to check them.
 */
function inexactTokens(text: string): { index: number; token: string }[] | undefined {
  let found: { index: number; token: string }[] | undefined;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      i = stringEnd(text, i + 1);
      continue;
    }
    if (code !== 45 /* - */ && (code < 48 || code > 57)) {
      i++;
      continue;
    }
    const start = i;
    let exponent = false;
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 101 || c === 69) exponent = true;
      else if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45)) break;
    }
    if (i - start < 16 && !exponent) continue; // at most 15 digits without exponent: always exact
    const token = text.slice(start, i);
    // A malformed run (`0012…`, `1-2`) stays as it is: quoting it would turn invalid JSON into a string.
    if (JSON_NUMBER.test(token) && !roundTrips(token)) (found ??= []).push({ index: start, token });
  }
  return found;
}

/** Index after the closing quote of the string whose content starts at `i` (past the end when unclosed). */
function stringEnd(text: string, i: number): number {
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let j = quote - 1; j >= i && text.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Replaces strings marked with `mark` (see {@link quoteTokens}) by `LosslessNumber`s, in place. */
function reviveMarked(value: unknown, mark: number): unknown {
  if (typeof value === 'string') return value.charCodeAt(0) === mark ? new LosslessNumber(value.slice(1)) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveMarked(value[i], mark);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      const revived = reviveMarked(item, mark);
      // defineProperty, not assignment: a "__proto__" key must stay an own property
      if (revived !== item) Object.defineProperty(record, key, { value: revived, writable: true, enumerable: true, configurable: true });
    }
  }
  return value;
}

/** `text` with each inexact token wrapped in a string that starts with `mark`. */
function quoteTokens(text: string, tokens: readonly { index: number; token: string }[], mark: string): string {
  let out = '';
  let from = 0;
  for (const { index, token } of tokens) {
    out += `${text.slice(from, index)}"${mark}${token}"`;
    from = index + token.length;
  }
  return out + text.slice(from);
}

/**
 * Parses JSON text so that every number keeps its exact value.
 *
 * Numbers come back as JS numbers when that is exact, otherwise as `LosslessNumber`s; pass either to
 * `toBig`/`toIdString`. Throws `SyntaxError` on malformed text (callers wrap it in a `ParseError`).
 *
 * The native parser does the work: the few number tokens a double would change (more than 15
 * significant digits that do not round-trip, ids beyond 2^53, exponents beyond the double range) are
 * quoted with a marker character first and turned into `LosslessNumber`s afterwards. The marker is a
 * Unicode noncharacter the text does not hold; only a text holding all 34 of them goes through
 * `lossless-json` instead.
 *
 * @example
 * ```ts
 * const [trade] = parseJsonExact('[{"sequential_id":17103275719220001}]') as [{ sequential_id: WireNumber }];
 * toIdString(trade.sequential_id); // '17103275719220001'
 * ```
 */
export function parseJsonExact(text: string): unknown {
  const tokens = inexactTokens(text);
  if (tokens === undefined) return JSON.parse(text);
  const mark = pickMark(text);
  if (mark === undefined) return parseLossless(text);
  return reviveMarked(JSON.parse(quoteTokens(text, tokens, mark)), mark.charCodeAt(0));
}
