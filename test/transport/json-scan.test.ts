import { describe, expect, it } from 'vitest';
import {
  FlatJsonScanner,
  JSON_ABSENT,
  JSON_LITERAL,
  JSON_NUMBER,
  JSON_STRING,
  NUMBER_EXPONENT,
  NUMBER_FRACTION,
  NUMBER_NEGATIVE,
} from '../../src/transport/json/json-scan.js';
import { compactJson } from '../helpers/compact-json.js';
import { mutate, randomNumberToken, randomObject, randomStringToken, randomValue } from '../helpers/random-json.js';
import { seededRandom } from '../helpers/random.js';

const KEYS = ['type', 'code', 'trade_price', 'tp', '', '__proto__', 'é'] as const;

/** JSON.parse's verdict, or `undefined` when it throws. */
function parseOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function isFlatObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((item) => item === null || typeof item !== 'object');
}

/** Checks one text against JSON.parse; returns whether the scanner accepted it. */
function checkAgainstJsonParse(scanner: FlatJsonScanner, text: string): boolean {
  const accepted = scanner.scan(text);
  const parsed = parseOrUndefined(text);
  if (parsed === undefined) {
    expect(accepted, `accepted invalid JSON ${JSON.stringify(text)}`).toBe(false);
    return accepted;
  }
  // Declining is always allowed; accepting requires a flat object. The scanner must accept at least
  // the texts that are plainly flat: no escape, no U+FFFF, no bracket beyond the opening brace.
  if (accepted) expect(isFlatObject(parsed.value), `accepted non-flat ${JSON.stringify(text)}`).toBe(true);
  const plainlyFlat = isFlatObject(parsed.value) && !/[\\\uffff[]/.test(text) && text.indexOf('{', text.indexOf('{') + 1) < 0;
  if (plainlyFlat) expect(accepted, `declined ${JSON.stringify(text)}`).toBe(true);
  if (!accepted) return accepted;
  const record = parsed.value as Record<string, unknown>;
  for (const key of KEYS) {
    const slot = scanner.slot(key);
    const raw = text.slice(scanner.start(slot), scanner.end(slot));
    if (!Object.hasOwn(record, key)) {
      expect(scanner.kind(slot)).toBe(JSON_ABSENT);
      continue;
    }
    const value = record[key];
    if (typeof value === 'string') {
      expect(scanner.kind(slot)).toBe(JSON_STRING);
      expect(raw).toBe(value);
      expect(scanner.isString(text, slot, value)).toBe(true);
    } else if (typeof value === 'number') {
      expect(scanner.kind(slot)).toBe(JSON_NUMBER);
      expect(Object.is(Number(raw), value)).toBe(true);
      const flags = (raw.startsWith('-') ? NUMBER_NEGATIVE : 0) | (raw.includes('.') ? NUMBER_FRACTION : 0) | (/[eE]/.test(raw) ? NUMBER_EXPONENT : 0);
      expect(scanner.flags(slot)).toBe(flags);
    } else {
      expect(scanner.kind(slot)).toBe(JSON_LITERAL);
      expect(raw).toBe(JSON.stringify(value));
    }
  }
  return accepted;
}

describe('FlatJsonScanner', () => {
  it('should record where each value of interest lies, the last one when a key repeats', () => {
    const scanner = new FlatJsonScanner(['code', 'trade_price', 'ask_bid', 'missing']);
    const text = ' {"code" : "KRW-BTC","trade_price":1.10,"other":[1],"ask_bid":true,"trade_price":-2E+3}';
    expect(scanner.scan(text)).toBe(false); // nested array: not a flat object
    const flat = text.replace('[1]', 'null');
    expect(scanner.scan(flat)).toBe(true);
    const price = scanner.slot('trade_price');
    expect(flat.slice(scanner.start(price), scanner.end(price))).toBe('-2E+3');
    expect(scanner.flags(price)).toBe(NUMBER_NEGATIVE | NUMBER_EXPONENT);
    expect(scanner.isString(flat, scanner.slot('code'), 'KRW-BTC')).toBe(true);
    expect(scanner.isString(flat, scanner.slot('code'), 'KRW-BT')).toBe(false);
    expect(scanner.kind(scanner.slot('ask_bid'))).toBe(JSON_LITERAL);
    expect(scanner.kind(scanner.slot('missing'))).toBe(JSON_ABSENT);
    expect(scanner.slot('nope')).toBe(-1);
  });

  it('should decline escapes, U+FFFF, control characters and malformed numbers', () => {
    const scanner = new FlatJsonScanner(['a']);
    for (const text of ['{"a":"x\\"y"}', '{"a":"\uffff"}', '{"a":"\u0001"}', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":1e}', '{"a":-}', '{"a":1}x', '{"a":1,}', '{"a" 1}', '"a"', '[]', '']) {
      expect(scanner.scan(text), text).toBe(false);
    }
    for (const text of ['{}', ' { } ', '{"a":0}', '{"a":-0.0e-0}', '\t{"a":"x"}\r\n']) expect(scanner.scan(text), text).toBe(true);
  });

  it('should agree with JSON.parse on random documents, valid and mutated (seeded fuzz)', () => {
    const random = seededRandom(20_261_130);
    const scanner = new FlatJsonScanner(KEYS);
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = random() < 0.7 ? randomObject(random, KEYS, 2) : randomValue(random, KEYS);
      if (random() < 0.3) text = mutate(random, text);
      if (checkAgainstJsonParse(scanner, text)) accepted++;
      else rejected++;
    }
    // the generator must exercise both verdicts, or the fuzz proves nothing
    expect(accepted).toBeGreaterThan(3_000);
    expect(rejected).toBeGreaterThan(3_000);
  });

  it('should agree with JSON.parse on compact documents of a few recurring key layouts, the shape a stream sends (seeded fuzz)', () => {
    const random = seededRandom(11);
    const scanner = new FlatJsonScanner(KEYS);
    // Layouts as streams repeat them, with keys of interest and others, regex metacharacters among them.
    const layouts = [
      ['type', 'code', 'trade_price', 'x.y', 'tp'],
      ['tp', 'a+b', '__proto__', 'é', '', 'code'],
      ['(k)', 'type', '$^', '[1]', 'trade_price', 'z|w', 'q\\d'],
    ];
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < 20_000; n++) {
      const keys = layouts[Math.floor(random() * layouts.length)] ?? [];
      const members = keys.map((key) => {
        const roll = random();
        const value = roll < 0.5 ? randomNumberToken(random) : roll < 0.85 ? randomStringToken(random) : ['true', 'false', 'null'][Math.floor(random() * 3)];
        return `${JSON.stringify(key)}:${value}`;
      });
      let text = `{${members.join(',')}}`;
      if (random() < 0.2) text = mutate(random, text);
      if (checkAgainstJsonParse(scanner, text)) accepted++;
      else rejected++;
    }
    expect(accepted).toBeGreaterThan(5_000);
    expect(rejected).toBeGreaterThan(2_000);
  });

  it('should agree with JSON.parse on compact documents, the shape read by the regular-expression path (seeded fuzz)', () => {
    const random = seededRandom(7);
    const scanner = new FlatJsonScanner(KEYS);
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = compactJson(random() < 0.85 ? randomObject(random, KEYS, 2) : randomValue(random, KEYS));
      if (random() < 0.2) text = mutate(random, text);
      if (checkAgainstJsonParse(scanner, text)) accepted++;
      else rejected++;
    }
    expect(accepted).toBeGreaterThan(6_000);
    expect(rejected).toBeGreaterThan(2_000);
  });
});
