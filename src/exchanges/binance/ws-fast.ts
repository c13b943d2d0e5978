/**
 * The fast path of `decodeBinanceFrame` for the frames that make up nearly all depth traffic: one
 * `depthUpdate` payload, combined (`{"stream":…,"data":{…}}`) or raw (the bare payload).
 *
 * Instead of parsing the frame into objects (`parseJsonExact`), checking every field and building each
 * level's `Big` from a parsed string, it walks the text once and builds the levels straight from the
 * source digits, which is exact by construction. It gives up (returns `undefined`) on anything outside
 * that narrow shape: other event types, other keys in a combined frame, a key of interest given twice,
 * nested values other than `b`/`a`, escapes, levels that are not `[price, qty]` of plain non-negative
 * decimals, ids that are not digits, times that are not plain integers. The general path then decodes
 * the frame or throws the error it would always have thrown, so both paths give the same result for
 * every text; in particular every negative or exponent-spelled value goes the general way.
 */
import { toPlainBigAt, type Big } from '../../model/decimal.js';
import type { DepthDiffEvent } from '../../model/market-event.js';
import type { OrderBookLevel } from '../../model/order-book.js';
import { skipSpace, STRING_STOP } from '../../transport/json/json-scan.js';
import { BINANCE_ID, toBinanceSymbol } from './symbols.js';

const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** Index of the closing quote of the string whose content starts at `i`, or -1 (escape, control character, end of text). */
function stringClose(text: string, i: number): number {
  while (STRING_STOP[text.charCodeAt(i)] === 0) i++;
  return text.charCodeAt(i) === QUOTE ? i : -1;
}

/** Index after a JSON number token starting at `i` (`-?int frac? exp?`), or -1. */
function numberEnd(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (c === MINUS) c = text.charCodeAt(++i);
  if (c === 48) c = text.charCodeAt(++i);
  else if (c >= 49 && c <= 57) {
    do c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  } else return -1;
  if (c === 46) {
    c = text.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  }
  return i;
}

/** Index after the scalar value (string, number, `true`, `false`, `null`) starting at `i`, or -1. */
function scalarEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) {
    const close = stringClose(text, i + 1);
    return close < 0 ? -1 : close + 1;
  }
  if (c === 116) return text.startsWith('true', i) ? i + 4 : -1;
  if (c === 102) return text.startsWith('false', i) ? i + 5 : -1;
  if (c === 110) return text.startsWith('null', i) ? i + 4 : -1;
  return numberEnd(text, i);
}

/** `true` when text[start, end) is a non-empty run of decimal digits. */
function isDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Where the last value read by {@link readDecimal} ended. */
let valueEnd = 0;

/**
 * The `Big` of the price or quantity at `i` (decimal text in a string, or a number token), or
 * `undefined` unless it is a plain non-negative decimal; sets {@link valueEnd}.
 */
function readDecimal(text: string, i: number): Big | undefined {
  let start = i;
  let end: number;
  if (text.charCodeAt(i) === QUOTE) {
    start = i + 1;
    end = stringClose(text, start);
    if (end < 0) return undefined;
    valueEnd = end + 1;
  } else {
    end = numberEnd(text, i);
    if (end < 0) return undefined;
    valueEnd = end;
  }
  if (text.charCodeAt(start) === MINUS) return undefined;
  return toPlainBigAt(text, start, end);
}

/**
 * Reads the level list `[[price, qty], ...]` whose `[` is at `i` into `levels`; returns the index
 * after its `]`, or -1 to give up.
 */
function readLevels(text: string, i: number, levels: OrderBookLevel[]): number {
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== OPEN_BRACKET) return -1;
    const price = readDecimal(text, skipSpace(text, i + 1));
    if (price === undefined) return -1;
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== COMMA) return -1;
    const amount = readDecimal(text, skipSpace(text, i + 1));
    if (amount === undefined) return -1;
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== CLOSE_BRACKET) return -1;
    levels.push({ price, amount });
    i = skipSpace(text, i + 1);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return i + 1;
    if (c !== COMMA) return -1;
    i = skipSpace(text, i + 1);
  }
}

/** Last market seen and its symbol, so a stream of one market slices and looks up nothing. */
let lastMarket = '';
let lastSymbol = '';

/** The fields of one `depthUpdate` payload, filled by {@link readPayload}. */
class PayloadFields {
  type = -1;
  typeEnd = -1;
  market = -1;
  marketEnd = -1;
  time = -1;
  timeEnd = -1;
  first = -1;
  firstEnd = -1;
  final = -1;
  finalEnd = -1;
  bids: OrderBookLevel[] | undefined;
  asks: OrderBookLevel[] | undefined;

  reset(): void {
    this.type = this.market = this.time = this.first = this.final = -1;
    this.bids = this.asks = undefined;
  }
}

const fields = new PayloadFields();

/**
 * Reads the payload object whose `{` is at `i` into {@link fields}: `e` and `s` as string bounds, `E`,
 * `U` and `u` as value bounds, `b` and `a` as levels; other keys must hold scalars. Returns the index
 * after its `}`, or -1 to give up. `combined` marks a payload inside `data`, where `stream`/`data` keys
 * are just other keys; in a raw payload they would make the general path read it as a combined frame.
 */
function readPayload(text: string, i: number, combined: boolean): number {
  const f = fields;
  f.reset();
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const keyStart = i + 1;
    const keyEnd = stringClose(text, keyStart);
    if (keyEnd < 0) return -1;
    i = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(i) !== COLON) return -1;
    i = skipSpace(text, i + 1);
    const start = i;
    const key = keyEnd - keyStart === 1 ? text.charCodeAt(keyStart) : 0;
    if (key === 98 /* b */ || key === 97 /* a */) {
      if ((key === 98 ? f.bids : f.asks) !== undefined || text.charCodeAt(i) !== OPEN_BRACKET) return -1;
      const levels: OrderBookLevel[] = [];
      i = readLevels(text, i, levels);
      if (key === 98) f.bids = levels;
      else f.asks = levels;
    } else {
      i = scalarEnd(text, i);
      if (i < 0) return -1;
      if (key === 101 /* e */) {
        if (f.type >= 0 || text.charCodeAt(start) !== QUOTE) return -1;
        // Binance sends the event type first: anything but a depth update is declined here, not after
        // scanning the rest of the frame.
        if (i - 1 - (start + 1) !== 11 || !text.startsWith('depthUpdate', start + 1)) return -1;
        f.type = start + 1;
        f.typeEnd = i - 1;
      } else if (key === 115 /* s */) {
        if (f.market >= 0 || text.charCodeAt(start) !== QUOTE) return -1;
        f.market = start + 1;
        f.marketEnd = i - 1;
      } else if (key === 69 /* E */) {
        if (f.time >= 0) return -1;
        f.time = start;
        f.timeEnd = i;
      } else if (key === 85 /* U */) {
        if (f.first >= 0) return -1;
        f.first = start;
        f.firstEnd = i;
      } else if (key === 117 /* u */) {
        if (f.final >= 0) return -1;
        f.final = start;
        f.finalEnd = i;
      } else if (!combined && (text.startsWith('stream"', keyStart) || text.startsWith('data"', keyStart))) {
        return -1;
      }
    }
    if (i < 0) return -1;
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return i + 1;
    if (c !== COMMA) return -1;
    i = skipSpace(text, i + 1);
  }
}

/** The id digits in text[start, end) (an integer token or digit text), or `undefined`. */
function readId(text: string, start: number, end: number): string | undefined {
  if (text.charCodeAt(start) === QUOTE) {
    start++;
    end--;
  }
  // A number token of digits only is a non-negative integer without fraction or exponent; JSON allows
  // no leading zero, so its digits are what the general path gives for it in every representation.
  return isDigits(text, start, end) ? text.slice(start, end) : undefined;
}

/** A millisecond time token in text[start, end) (a plain integer of at most 15 digits), or -1. */
function readMillis(text: string, start: number, end: number): number {
  if (end - start > 15 || !isDigits(text, start, end)) return -1;
  let ms = 0;
  for (let i = start; i < end; i++) ms = ms * 10 + text.charCodeAt(i) - 48;
  return ms;
}

/** The market in text[start, end) (a string's content), reusing the last one when it repeats. */
function readMarket(text: string, start: number, end: number): string {
  if (end - start === lastMarket.length && text.startsWith(lastMarket, start)) return lastMarket;
  const market = text.slice(start, end);
  lastSymbol = toBinanceSymbol(market);
  lastMarket = market;
  return market;
}

/** The event of the payload in {@link fields}, or `undefined` when it is not a complete `depthUpdate`. */
function toDepthDiff(text: string, receivedAt: number): DepthDiffEvent | undefined {
  const f = fields;
  const { bids, asks } = f;
  if (bids === undefined || asks === undefined || f.market < 0 || f.time < 0 || f.first < 0 || f.final < 0) return undefined;
  if (f.type < 0 || f.typeEnd - f.type !== 11 || !text.startsWith('depthUpdate', f.type)) return undefined;
  const timestamp = readMillis(text, f.time, f.timeEnd);
  if (timestamp < 0) return undefined;
  const firstUpdateId = readId(text, f.first, f.firstEnd);
  const finalUpdateId = readId(text, f.final, f.finalEnd);
  if (firstUpdateId === undefined || finalUpdateId === undefined) return undefined;
  const market = readMarket(text, f.market, f.marketEnd);
  return {
    type: 'depthDiff',
    exchange: BINANCE_ID,
    symbol: lastSymbol,
    market,
    timestamp,
    receivedAt,
    firstUpdateId,
    finalUpdateId,
    bids,
    asks,
  };
}

/**
 * The depth diff of a `depthUpdate` frame, or `undefined` when the frame needs the general path. Only
 * frames whose every field the general path would accept come out here, with the same values.
 *
 * @example
 * ```ts
 * const text = '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":6,"b":[["1.5","2"]],"a":[]}}';
 * decodeBinanceFastDepth(text, Date.now())?.bids[0]?.price.toFixed(); // '1.5'
 * ```
 */
export function decodeBinanceFastDepth(text: string, receivedAt: number): DepthDiffEvent | undefined {
  const brace = skipSpace(text, 0);
  if (text.charCodeAt(brace) !== OPEN_BRACE) return undefined;
  let i = skipSpace(text, brace + 1);
  if (text.startsWith('"stream"', i) || text.startsWith('"data"', i)) i = readCombined(text, i);
  else i = readPayload(text, brace, false);
  if (i < 0 || skipSpace(text, i) !== text.length) return undefined;
  return toDepthDiff(text, receivedAt);
}

/**
 * Reads the keys of a combined frame from the first one at `i`: exactly `stream` (a string) and `data`
 * (the payload, read by {@link readPayload}), in either order. Returns the index after the frame's `}`, or -1.
 */
function readCombined(text: string, i: number): number {
  let stream = false;
  let data = false;
  for (;;) {
    if (!stream && text.startsWith('"stream"', i)) {
      stream = true;
      i = skipSpace(text, i + 8);
      if (text.charCodeAt(i) !== COLON) return -1;
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) !== QUOTE) return -1;
      const close = stringClose(text, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else if (!data && text.startsWith('"data"', i)) {
      data = true;
      i = skipSpace(text, i + 6);
      if (text.charCodeAt(i) !== COLON) return -1;
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) !== OPEN_BRACE) return -1;
      i = readPayload(text, i, true);
      if (i < 0) return -1;
    } else return -1;
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return stream && data ? i + 1 : -1;
    if (c !== COMMA) return -1;
    i = skipSpace(text, i + 1);
  }
}
