/**
 * Exact JSON parsing for exchange replies and frames.
 *
 * Exchanges send prices as JSON numbers with up to 27 significant digits and ids beyond 2^53, which a
 * plain `JSON.parse` rounds. `lossless-json` keeps every digit but is several times slower than the
 * native parser, and frames arrive by the thousand per second. So the text is first scanned for number
 * tokens that a double might not hold exactly; only when one of them really does not round-trip does
 * the parse go through `lossless-json`. Either way every number reaches `toBig` with its exact value.
 */
import { LosslessNumber, parse as parseLossless } from 'lossless-json';

/** A run of 16 or more digits (and dots): the only tokens that may not survive a double. */
const LONG_NUMBER = /(?<![\d.])-?[\d.]{16,}(?:[eE][+-]?\d+)?/g;

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
  if (first < 0) return 1;
  // digits from the first to the last non-zero one: `between` counts them and the trailing zeros after
  let trailing = 0;
  for (let i = token.length - 1; i > last; i--) if (token.charCodeAt(i) !== 46) trailing++;
  return between - trailing;
}

/**
 * `true` when `Number(token)` holds the token's exact decimal value. Any decimal of at most 15
 * significant digits does (a double carries 15.95 decimal digits), so only longer ones are converted.
 */
function roundTrips(token: string): boolean {
  if (/[eE]/.test(token)) return false;
  if (countSignificant(token) <= 15) return true;
  const n = Number(token);
  if (!Number.isFinite(n)) return false;
  const back = Math.abs(n).toString();
  if (/e/.test(back)) return false;
  return significantDigits(back) === significantDigits(token);
}

/** Marks a number token that was quoted to survive `JSON.parse`: a Unicode noncharacter, absent from real data. */
const MARK = '\uffff';

/** `true` when the text itself may hold the marker (raw or escaped), so quoting could be ambiguous. */
function mayHoldMark(text: string): boolean {
  return text.includes(MARK) || /\\u[fF]{4}/.test(text);
}

/** `true` when the quote at `index` is escaped (preceded by an odd number of backslashes). */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * Start indexes of the number tokens (outside strings) that a double would change, or `undefined` when
 * there are none. Only long digit runs are candidates, so typical frames cost one regex scan.
 */
function inexactTokens(text: string): { index: number; token: string }[] | undefined {
  let found: { index: number; token: string }[] | undefined;
  let quotePos = 0;
  let inString = false;
  LONG_NUMBER.lastIndex = 0;
  for (let match = LONG_NUMBER.exec(text); match !== null; match = LONG_NUMBER.exec(text)) {
    if (roundTrips(match[0])) continue;
    // Walk the quotes up to the match to learn whether it sits inside a string.
    for (let q = text.indexOf('"', quotePos); q !== -1 && q < match.index; q = text.indexOf('"', q + 1)) {
      if (!isEscaped(text, q)) inString = !inString;
      quotePos = q + 1;
    }
    if (!inString) (found ??= []).push({ index: match.index, token: match[0] });
  }
  return found;
}

/** Replaces marked strings left by {@link quoteTokens} with `LosslessNumber`s, in place. */
function reviveMarked(value: unknown): unknown {
  if (typeof value === 'string') return value.charCodeAt(0) === 0xffff ? new LosslessNumber(value.slice(1)) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveMarked(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key in record) record[key] = reviveMarked(record[key]);
  }
  return value;
}

/** `text` with each inexact token wrapped in a marked string. */
function quoteTokens(text: string, tokens: readonly { index: number; token: string }[]): string {
  let out = '';
  let from = 0;
  for (const { index, token } of tokens) {
    out += `${text.slice(from, index)}"${MARK}${token}"`;
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
 * The native parser does the work in every case: the few number tokens a double would change are
 * quoted first and turned into `LosslessNumber`s afterwards. Text that already holds the marker
 * character (U+FFFF, raw or escaped) goes through `lossless-json` instead.
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
  if (mayHoldMark(text)) return parseLossless(text);
  return reviveMarked(JSON.parse(quoteTokens(text, tokens)));
}
