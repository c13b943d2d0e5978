/**
 * Random JSON texts for fuzzing parsers against `JSON.parse`: number tokens of every shape (padded
 * decimals, more digits than a double holds, ids beyond 2^53, exponents, `-0`), strings with escapes,
 * unicode, and now and then a raw control character or U+FFFF, nesting, uneven whitespace, and
 * mutated (mostly invalid) variants.
 */

/** A source of random numbers in [0, 1), such as `seededRandom(seed)`. */
export type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number): boolean => random() < p;

function digits(random: Random, min: number, max: number): string {
  let out = '';
  const count = min + Math.floor(random() * (max - min + 1));
  for (let i = 0; i < count; i++) out += String(Math.floor(random() * 10));
  return out;
}

/**
 * A valid JSON number token.
 *
 * @example
 * ```ts
 * randomNumberToken(seededRandom(1)); // e.g. '-0.1250000', '17877285547970000', '3.5E-7'
 * ```
 */
export function randomNumberToken(random: Random): string {
  const sign = chance(random, 0.2) ? '-' : '';
  const int = chance(random, 0.25) ? '0' : String(1 + Math.floor(random() * 9)) + digits(random, 0, chance(random, 0.3) ? 24 : 12);
  let fraction = '';
  if (chance(random, 0.6)) {
    fraction = `.${digits(random, 1, chance(random, 0.3) ? 25 : 9)}`;
    if (chance(random, 0.3)) fraction += '0'.repeat(1 + Math.floor(random() * 9)); // padded like "1.10000000"
  }
  let exponent = '';
  if (chance(random, 0.12)) exponent = `${pick(random, ['e', 'E'])}${pick(random, ['', '+', '-'])}${digits(random, 1, chance(random, 0.1) ? 3 : 2)}`;
  return sign + int + fraction + exponent;
}

const PLAIN = 'abcxyzKRWBTC-_ 0123456789.:,{}[]';
const SPECIAL = ['\\"', '\\\\', '\\/', '\\n', '\\t', '\\u00e9', '\\uD55C', '\\ud83d\\ude00', 'é', '한', '😀', '\\uffff'];

/**
 * A JSON string literal (quotes included); `invalid` allows raw characters JSON forbids in strings.
 *
 * @example
 * ```ts
 * randomStringToken(seededRandom(1)); // e.g. '"KRW-\\u00e9 1"'
 * ```
 */
export function randomStringToken(random: Random, invalid = false): string {
  let out = '"';
  const length = Math.floor(random() * 12);
  for (let i = 0; i < length; i++) {
    if (invalid && chance(random, 0.02)) out += pick(random, ['\n', '\u0001', '\t', '\\x', '\\u12']);
    else if (chance(random, 0.01)) out += '\uffff';
    else if (chance(random, 0.06)) out += pick(random, SPECIAL);
    else out += PLAIN[Math.floor(random() * PLAIN.length)];
  }
  return `${out}"`;
}

/**
 * Whitespace JSON allows between tokens, usually none or one space.
 *
 * @example
 * ```ts
 * `{${randomSpace(random)}"a":1}`;
 * ```
 */
export function randomSpace(random: Random): string {
  if (chance(random, 0.7)) return '';
  let out = '';
  const length = 1 + Math.floor(random() * 3);
  for (let i = 0; i < length; i++) out += pick(random, [' ', ' ', '\n', '\t', '\r']);
  return out;
}

/**
 * A random JSON value; `keys` are the object keys to draw from (plus a few random ones).
 *
 * @example
 * ```ts
 * JSON.parse(randomValue(seededRandom(1), ['p', 'q'])); // any JSON value, nested up to two levels
 * ```
 */
export function randomValue(random: Random, keys: readonly string[], depth = 0): string {
  const roll = random();
  if (roll < 0.45) return randomNumberToken(random);
  if (roll < 0.7) return randomStringToken(random);
  if (roll < 0.8) return pick(random, ['true', 'false', 'null']);
  if (depth >= 2) return randomNumberToken(random);
  if (roll < 0.9) return randomObject(random, keys, depth + 1);
  const items: string[] = [];
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) items.push(randomSpace(random) + randomValue(random, keys, depth + 1) + randomSpace(random));
  return `[${items.join(',')}]`;
}

/**
 * A random JSON object over `keys`, sometimes repeating a key or using a random one.
 *
 * @example
 * ```ts
 * randomObject(seededRandom(1), ['code', 'trade_price'], 2); // a flat object (depth 2: no nesting)
 * ```
 */
export function randomObject(random: Random, keys: readonly string[], depth = 0): string {
  const members: string[] = [];
  const count = Math.floor(random() * 10);
  for (let i = 0; i < count; i++) {
    const key = keys.length > 0 && chance(random, 0.85) ? JSON.stringify(pick(random, keys)) : randomStringToken(random);
    members.push(`${randomSpace(random)}${key}${randomSpace(random)}:${randomSpace(random)}${randomValue(random, keys, depth)}${randomSpace(random)}`);
  }
  return `{${members.join(',')}${members.length === 0 ? randomSpace(random) : ''}}`;
}

/**
 * `text` with one random edit (delete, insert, duplicate or truncate); usually no longer valid JSON.
 *
 * @example
 * ```ts
 * mutate(seededRandom(1), '{"a":1}'); // e.g. '{"a":1', '{"a"::1}'
 * ```
 */
export function mutate(random: Random, text: string): string {
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 4)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + pick(random, ['{', '}', '[', ']', '"', ',', ':', '.', '-', 'e', '0', '7', ' ', '\\', '\u0001', 'x', '\uffff']) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(Math.max(0, at - 3), at) + text.slice(at);
    default:
      return text.slice(0, at);
  }
}
