import Big from 'big.js';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { toBig } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { mutate, randomObject, randomValue } from '../helpers/random-json.js';
import { seededRandom } from '../helpers/random.js';

const KEYS = ['p', 'q', 'id', 'note'];

/** Walks `ours` against lossless-json's reading: same shape, strings, literals, and exact number values. */
function expectSameExact(ours: unknown, reference: unknown, path: string): void {
  if (isLosslessNumber(reference)) {
    expect(typeof ours === 'number' || isLosslessNumber(ours), path).toBe(true);
    const exact = new Big(reference.value);
    expect(toBig(ours as number).eq(exact), `${path}: ${String(ours)} vs ${reference.value}`).toBe(true);
    if (typeof ours === 'number') expect(Object.is(ours, Number(reference.value)), path).toBe(true);
    return;
  }
  if (Array.isArray(reference)) {
    expect(Array.isArray(ours), path).toBe(true);
    const list = ours as unknown[];
    expect(list.length, path).toBe(reference.length);
    reference.forEach((item, i) => expectSameExact(list[i], item, `${path}[${i}]`));
    return;
  }
  if (reference !== null && typeof reference === 'object') {
    const record = ours as Record<string, unknown>;
    expect(Object.keys(record), path).toEqual(Object.keys(reference));
    for (const [key, value] of Object.entries(reference)) expectSameExact(record[key], value, `${path}.${key}`);
    return;
  }
  expect(ours, path).toEqual(reference);
}

describe('parseJsonExact', () => {
  it('should read every number exactly and reject what JSON.parse rejects (seeded fuzz)', () => {
    const random = seededRandom(77);
    let compared = 0;
    let invalid = 0;
    for (let n = 0; n < 15_000; n++) {
      let text = random() < 0.5 ? randomObject(random, KEYS) : randomValue(random, KEYS);
      if (random() < 0.25) text = mutate(random, text);
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      if (!valid) {
        expect(() => parseJsonExact(text), text).toThrow(SyntaxError);
        invalid++;
        continue;
      }
      const ours = parseJsonExact(text);
      let reference: unknown;
      try {
        reference = parseLossless(text);
      } catch {
        continue; // lossless-json refuses duplicate keys with different values; JSON.parse keeps the last
      }
      expectSameExact(ours, reference, '$');
      compared++;
    }
    expect(compared).toBeGreaterThan(5_000);
    expect(invalid).toBeGreaterThan(1_000);
  });

  it('should keep malformed long number runs malformed instead of quoting them into strings', () => {
    for (const text of ['[0012345678901234567]', '[12345678901234567-1]', '[1.2.3.4.5.6.7.8.9.0]', '{"a":-.12345678901234567}', '[1e400x]']) {
      expect(() => parseJsonExact(text), text).toThrow(SyntaxError);
    }
  });

  it('should read overflowing and underflowing exponents exactly instead of as Infinity or 0', () => {
    const [big, tiny, subnormal] = parseJsonExact('[1e400,1.5E-400,1.23456789e-310]') as unknown[];
    expect(toBig(big as never).eq(new Big('1e400'))).toBe(true);
    expect(toBig(tiny as never).eq(new Big('1.5e-400'))).toBe(true);
    expect(toBig(subnormal as never).eq(new Big('1.23456789e-310'))).toBe(true);
  });
});
