/**
 * A one-pass scanner for flat JSON objects (`{"key": scalar, ...}`), the shape of most exchange
 * stream frames. It builds no object: it records where the value of each key of interest starts and
 * ends in the text, so a mapper can build exact decimals straight from the source digits and skip the
 * fields it does not need.
 *
 * The scanner accepts only text that `JSON.parse` accepts, and declines (returns `false`) anything
 * outside its narrow shape: nested values, escapes, the character U+FFFF, invalid syntax. Callers then
 * take the general path (`parseJsonExact`), which parses or reports the error, so declining is always
 * safe. A compact text (no whitespace between tokens, no escapes: what exchanges send) is checked by one
 * native regular-expression pass and then read by jumps; other texts are checked character by character.
 * A stream repeats a few key layouts frame after frame: the scanner learns each one as a regular
 * expression of its own (the keys spelled out), so a frame of a known layout is checked by that pass and
 * read without hashing or comparing a key. Measured on Upbit's compact frames (a micro-loop, min of 7):
 * the whole fast decode of a ticker (949 B) 3.0 → 2.4 µs, of a trade (447 B) 1.3 → 1.0 µs, where
 * `JSON.parse` alone takes 2.2 and 1.2 µs.
 */

/** {@link FlatJsonScanner.kind} of a key that did not occur. */
export const JSON_ABSENT = 0;
/** {@link FlatJsonScanner.kind} of a string value; start/end bound its content, without quotes. */
export const JSON_STRING = 1;
/** {@link FlatJsonScanner.kind} of a number value; start/end bound the token. */
export const JSON_NUMBER = 2;
/** {@link FlatJsonScanner.kind} of `true`, `false` or `null`. */
export const JSON_LITERAL = 3;

/** {@link FlatJsonScanner.flags} bit: the number token starts with `-`. */
export const NUMBER_NEGATIVE = 1;
/** {@link FlatJsonScanner.flags} bit: the number token has a fraction (`.`). */
export const NUMBER_FRACTION = 2;
/** {@link FlatJsonScanner.flags} bit: the number token has an exponent (`e`/`E`). */
export const NUMBER_EXPONENT = 4;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * Scans flat JSON objects for a fixed set of keys. One instance serves any number of texts, one at a
 * time: each {@link FlatJsonScanner.scan} overwrites the previous result, so nothing is allocated per
 * text. When a key occurs twice, the last occurrence wins, as in `JSON.parse`.
 *
 * @example
 * ```ts
 * const scanner = new FlatJsonScanner(['code', 'trade_price']);
 * const text = '{"code":"KRW-BTC","trade_price":109847000.0}';
 * if (scanner.scan(text)) {
 *   const price = scanner.slot('trade_price');
 *   text.slice(scanner.start(price), scanner.end(price)); // '109847000.0'
 * }
 * ```
 */
export class FlatJsonScanner {
  readonly #keys: readonly string[];
  /** Open-addressing table: key hash → slot + 1 (0 = empty). */
  readonly #hashes: Int32Array;
  readonly #entries: Int32Array;
  readonly #mask: number;
  readonly #kinds: Uint8Array;
  readonly #flags: Uint8Array;
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  /** Key layouts of compact texts seen before, the last one matched first (see {@link KeyLayout}). */
  readonly #layouts: KeyLayout[] = [];

  /** @param keys the (distinct) keys whose values {@link scan} records; each gets the slot of its index. */
  constructor(keys: readonly string[]) {
    this.#keys = [...keys];
    let size = 8;
    while (size < keys.length * 4) size *= 2;
    this.#mask = size - 1;
    this.#hashes = new Int32Array(size);
    this.#entries = new Int32Array(size);
    keys.forEach((key, slot) => {
      const hash = hashKey(key, 0, key.length);
      let i = hash & this.#mask;
      while (this.#entries[i] !== 0) i = (i + 1) & this.#mask;
      this.#hashes[i] = hash;
      this.#entries[i] = slot + 1;
    });
    this.#kinds = new Uint8Array(keys.length);
    this.#flags = new Uint8Array(keys.length);
    this.#starts = new Int32Array(keys.length);
    this.#ends = new Int32Array(keys.length);
  }

  /** The slot of `key` (its index in the constructor's list), or -1. */
  slot(key: string): number {
    return this.#keys.indexOf(key);
  }

  /** `JSON_ABSENT`, `JSON_STRING`, `JSON_NUMBER` or `JSON_LITERAL` for the last scan. */
  kind(slot: number): number {
    return this.#kinds[slot] ?? JSON_ABSENT;
  }

  /** `NUMBER_*` bits of a number value. */
  flags(slot: number): number {
    return this.#flags[slot] ?? 0;
  }

  /** Start index of the value (of a string's content). */
  start(slot: number): number {
    return this.#starts[slot] ?? 0;
  }

  /** End index (exclusive) of the value (of a string's content). */
  end(slot: number): number {
    return this.#ends[slot] ?? 0;
  }

  /** `true` when the value in `slot` is the string `expected` (compared in place). */
  isString(text: string, slot: number, expected: string): boolean {
    const start = this.start(slot);
    return this.kind(slot) === JSON_STRING && this.end(slot) - start === expected.length && text.startsWith(expected, start);
  }

  /**
   * Scans `text`. Returns `true` when it is one flat JSON object (values: strings without escapes,
   * numbers, `true`, `false`, `null`), recording the keys of interest; `false` otherwise, in which case
   * the recorded positions are meaningless.
   */
  scan(text: string): boolean {
    // A compact text whose keys, in order, are those of a compact text seen before (a stream sends the
    // same keys in the same order frame after frame) is checked by that layout's own regular expression
    // and read by jumps over keys of known length: no key is hashed or compared. Other compact frames (no
    // whitespace between tokens, no escapes) are checked by one general regular-expression pass and read
    // by jumps (`indexOf`), and their layout is learnt; anything else takes the checking loop.
    const layouts = this.#layouts;
    for (let i = 0; i < layouts.length; i++) {
      const layout = layouts[i] as KeyLayout;
      if (!layout.pattern.test(text)) continue;
      if (i > 0) {
        layouts.splice(i, 1);
        layouts.unshift(layout);
      }
      this.#readLayout(text, layout);
      return true;
    }
    if (COMPACT_FLAT_OBJECT.test(text)) {
      this.#readCompact(text);
      if (layouts.length < MAX_LAYOUTS) this.#learn(text);
      return true;
    }
    return this.#scanChecked(text);
  }

  /** Adds the layout of a text {@link COMPACT_FLAT_OBJECT} accepted, unless a key repeats in it. */
  #learn(text: string): void {
    const keys: string[] = [];
    for (let i = 1; ; ) {
      const keyEnd = text.indexOf('"', i + 1);
      keys.push(text.slice(i + 1, keyEnd));
      i = valueEnd(text, keyEnd + 2);
      if (text.charCodeAt(i) === CLOSE_BRACE) break;
      i++;
    }
    if (new Set(keys).size !== keys.length) return;
    const body = keys.map((key) => `"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}":${SCALAR}`).join(',');
    this.#layouts.unshift({
      pattern: new RegExp(`^\\{${body}\\}$`),
      keyLengths: Int32Array.from(keys, (key) => key.length),
      slots: Int32Array.from(keys, (key) => this.#find(key, 0, key.length)),
    });
  }

  /**
   * Records the keys of interest of a text `layout.pattern` accepted: the keys are the layout's, so each
   * value starts a known distance after the previous one ends.
   */
  #readLayout(text: string, layout: KeyLayout): void {
    const kinds = this.#kinds;
    kinds.fill(JSON_ABSENT);
    const { keyLengths, slots } = layout;
    let i = 1;
    for (let k = 0; k < keyLengths.length; k++) {
      const valueStart = i + (keyLengths[k] as number) + 3; // "key":
      const slot = slots[k] as number;
      const c = text.charCodeAt(valueStart);
      let end: number;
      // Values are short: a loop over their characters beats an `indexOf` call.
      if (c === QUOTE) {
        end = valueStart + 1;
        while (text.charCodeAt(end) !== QUOTE) end++;
        if (slot >= 0) this.#record(slot, JSON_STRING, 0, valueStart + 1, end);
        i = end + 2;
        continue;
      }
      if (c === 116 /* t */ || c === 110 /* n */ || c === 102 /* f */) {
        end = valueStart + (c === 102 ? 5 : 4);
        if (slot >= 0) this.#record(slot, JSON_LITERAL, 0, valueStart, end);
      } else if (slot >= 0) {
        // A number of interest: its end and its flags in one pass (it holds no `,` and no `}`).
        let flags = c === 45 ? NUMBER_NEGATIVE : 0;
        end = valueStart + 1;
        for (let d = text.charCodeAt(end); d !== COMMA && d !== CLOSE_BRACE; d = text.charCodeAt(++end)) {
          if (d === 46) flags |= NUMBER_FRACTION;
          else if (d === 101 || d === 69) flags |= NUMBER_EXPONENT;
        }
        this.#record(slot, JSON_NUMBER, flags, valueStart, end);
      } else {
        end = valueStart + 1;
        for (let d = text.charCodeAt(end); d !== COMMA && d !== CLOSE_BRACE; d = text.charCodeAt(++end));
      }
      i = end + 1;
    }
  }

  #record(slot: number, kind: number, flags: number, start: number, end: number): void {
    this.#kinds[slot] = kind;
    this.#flags[slot] = flags;
    this.#starts[slot] = start;
    this.#ends[slot] = end;
  }

  /**
   * Records the keys of interest of a text that {@link COMPACT_FLAT_OBJECT} accepted: every `"` opens or
   * closes a key or string value, a key's closing quote is followed by `:`, and a number or literal runs
   * up to the next `,` or the final `}`.
   */
  #readCompact(text: string): void {
    const kinds = this.#kinds;
    kinds.fill(JSON_ABSENT);
    let i = 1;
    for (;;) {
      const keyStart = i + 1;
      const keyEnd = text.indexOf('"', keyStart);
      const slot = this.#find(text, keyStart, keyEnd);
      const valueStart = keyEnd + 2;
      const c = text.charCodeAt(valueStart);
      let kind: number;
      let flags = 0;
      let start = valueStart;
      let end: number;
      if (c === QUOTE) {
        kind = JSON_STRING;
        start = valueStart + 1;
        end = text.indexOf('"', start);
        i = end + 1;
      } else if (c === 116 /* t */ || c === 110 /* n */) {
        kind = JSON_LITERAL;
        end = i = valueStart + 4;
      } else if (c === 102 /* f */) {
        kind = JSON_LITERAL;
        end = i = valueStart + 5;
      } else {
        // A number contains no `,`: the next one ends it, or the final `}` does.
        kind = JSON_NUMBER;
        const comma = text.indexOf(',', valueStart);
        end = i = comma < 0 ? text.length - 1 : comma;
        if (slot >= 0) flags = numberFlags(text, valueStart, end);
      }
      if (slot >= 0) {
        kinds[slot] = kind;
        this.#flags[slot] = flags;
        this.#starts[slot] = start;
        this.#ends[slot] = end;
      }
      if (text.charCodeAt(i) === CLOSE_BRACE) return;
      i++;
    }
  }

  /** {@link FlatJsonScanner.scan} of any text, checking every character. */
  #scanChecked(text: string): boolean {
    // Helpers are inlined by hand: this loop runs for every character of every frame, and calls that
    // the JIT did not inline cost more than the work they do.
    const kinds = this.#kinds;
    kinds.fill(JSON_ABSENT);
    const length = text.length;
    let i = 0;
    let c = text.charCodeAt(0);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (c !== OPEN_BRACE) return false;
    c = text.charCodeAt(++i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (c === CLOSE_BRACE) return skipSpace(text, i + 1) === length;
    for (;;) {
      // key
      if (c !== QUOTE) return false;
      const keyStart = i + 1;
      i = keyStart;
      while (STRING_STOP[text.charCodeAt(i)] === 0) i++;
      if (text.charCodeAt(i) !== QUOTE) return false;
      const slot = this.#find(text, keyStart, i);
      c = text.charCodeAt(++i);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
      if (c !== COLON) return false;
      c = text.charCodeAt(++i);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
      // value
      const valueStart = i;
      let kind: number;
      let flags = 0;
      if (c === QUOTE) {
        i++;
        while (STRING_STOP[text.charCodeAt(i)] === 0) i++;
        if (text.charCodeAt(i) !== QUOTE) return false;
        kind = JSON_STRING;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        if (c === 45) {
          flags = NUMBER_NEGATIVE;
          c = text.charCodeAt(++i);
        }
        if (c === 48) c = text.charCodeAt(++i);
        else if (c >= 49 && c <= 57) {
          do c = text.charCodeAt(++i);
          while (c >= 48 && c <= 57);
        } else return false;
        if (c === 46) {
          flags |= NUMBER_FRACTION;
          c = text.charCodeAt(++i);
          if (!(c >= 48 && c <= 57)) return false; // NaN past the end fails too
          do c = text.charCodeAt(++i);
          while (c >= 48 && c <= 57);
        }
        if (c === 101 || c === 69) {
          flags |= NUMBER_EXPONENT;
          c = text.charCodeAt(++i);
          if (c === 43 || c === 45) c = text.charCodeAt(++i);
          if (!(c >= 48 && c <= 57)) return false; // NaN past the end fails too
          do c = text.charCodeAt(++i);
          while (c >= 48 && c <= 57);
        }
        kind = JSON_NUMBER;
      } else if (c === 116 && text.startsWith('true', i)) {
        kind = JSON_LITERAL;
        i += 4;
      } else if (c === 102 && text.startsWith('false', i)) {
        kind = JSON_LITERAL;
        i += 5;
      } else if (c === 110 && text.startsWith('null', i)) {
        kind = JSON_LITERAL;
        i += 4;
      } else {
        return false; // nested value or invalid text
      }
      if (slot >= 0) {
        kinds[slot] = kind;
        this.#flags[slot] = flags;
        this.#starts[slot] = kind === JSON_STRING ? valueStart + 1 : valueStart;
        this.#ends[slot] = i;
      }
      if (kind === JSON_STRING) i++; // the closing quote
      c = text.charCodeAt(i);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
      if (c === COMMA) {
        c = text.charCodeAt(++i);
        while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
        continue;
      }
      if (c === CLOSE_BRACE) return skipSpace(text, i + 1) === length;
      return false;
    }
  }


  /** The slot of the key text[start, end), or -1 for a key of no interest. */
  #find(text: string, start: number, end: number): number {
    const hash = hashKey(text, start, end);
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = this.#entries[i] ?? 0;
      if (entry === 0) return -1;
      if (this.#hashes[i] !== hash) continue;
      const key = this.#keys[entry - 1] ?? '';
      if (key.length === end - start && text.startsWith(key, start)) return entry - 1;
    }
  }
}

/** A JSON string without escapes, control characters or the marker U+FFFF (see {@link STRING_STOP}). */
const PLAIN_STRING = '"[^"\\\\\\u0000-\\u001f\\uffff]*"';
/** A JSON number, `true`, `false`, `null`, or a plain string. */
const SCALAR = `(?:${PLAIN_STRING}|-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)`;
/**
 * A compact flat JSON object: at least one member, no whitespace anywhere outside strings, scalar values.
 * Every text it accepts is valid JSON; irregexp runs it as native code, several times faster than the
 * checking loop reads the same characters.
 */
const COMPACT_FLAT_OBJECT = new RegExp(`^\\{(?:${PLAIN_STRING}:${SCALAR},)*${PLAIN_STRING}:${SCALAR}\\}$`);

/**
 * The keys of a compact flat object in their order: a regular expression accepting exactly the compact
 * texts with these keys (each value a {@link SCALAR}), and each key's length and slot (-1: no interest).
 */
interface KeyLayout {
  readonly pattern: RegExp;
  readonly keyLengths: Int32Array;
  readonly slots: Int32Array;
}

/** Layouts a scanner learns: a socket carries a few kinds of frames (Upbit: ticker, trade, status). */
const MAX_LAYOUTS = 8;

/** Index after the value starting at text[start] of a text {@link COMPACT_FLAT_OBJECT} accepted. */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return text.indexOf('"', start + 1) + 1;
  const comma = text.indexOf(',', start);
  return comma < 0 ? text.length - 1 : comma;
}

/** The `NUMBER_*` bits of the number token text[start, end). */
function numberFlags(text: string, start: number, end: number): number {
  let flags = text.charCodeAt(start) === 45 ? NUMBER_NEGATIVE : 0;
  for (let j = start; j < end; j++) {
    const d = text.charCodeAt(j);
    if (d === 46) flags |= NUMBER_FRACTION;
    else if (d === 101 || d === 69) flags |= NUMBER_EXPONENT;
  }
  return flags;
}

/** A cheap key hash from the length and the first, middle and last characters; {@link FlatJsonScanner} verifies matches. */
function hashKey(text: string, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return 0;
  const head = text.charCodeAt(start) * 31 + text.charCodeAt(start + (length >> 1));
  return (Math.imul(head, 961) + text.charCodeAt(end - 1) * 31 + length) | 0;
}

/**
 * Characters that end a run of plain string content: `"`, `\\`, control characters (invalid in JSON
 * strings) and the marker U+FFFF. A table lookup per character instead of four comparisons; exported
 * for the other one-pass frame scanners (Binance depth), which decline the same characters.
 *
 * @example
 * ```ts
 * let i = start;
 * while (STRING_STOP[text.charCodeAt(i)] === 0) i++; // text.charCodeAt(i) is now `"` or a character to decline
 * ```
 */
export const STRING_STOP = new Uint8Array(0x10000);
STRING_STOP.fill(1, 0, 32);
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;
STRING_STOP[0xffff] = 1;

/**
 * Index after the JSON whitespace (space, tab, line feed, carriage return) starting at `i`.
 *
 * @example
 * ```ts
 * skipSpace('{ "a": 1 }', 1); // 2
 * ```
 */
export function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  return i;
}
