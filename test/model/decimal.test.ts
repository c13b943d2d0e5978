import { describe, expect, it } from 'vitest';
import { LosslessNumber } from 'lossless-json';
import { Big, toBig, toBigOrUndefined, toIdString } from '../../src/model/decimal.js';

/** A deterministic stream of decimal spellings: padding, leading zeros, signs, exponents. */
function* spellings(count: number): Generator<string> {
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let k = 0; k < count; k++) {
    const int = Array.from({ length: next(12) }, () => String(next(10))).join('') || '0';
    const frac = Array.from({ length: next(20) }, () => String(next(10))).join('');
    const sign = next(4) === 0 ? '-' : '';
    const exp = next(5) === 0 ? `${next(2) === 0 ? 'e' : 'E'}${['', '+', '-'][next(3)]}${next(30)}` : '';
    yield `${sign}${int}${frac === '' ? '' : `.${frac}`}${exp}`;
  }
}

describe('toBig', () => {
  it('gives exactly what new Big gives for 5,000 decimal spellings', () => {
    for (const text of spellings(5000)) {
      const fast = toBig(text);
      const reference = new Big(text);
      expect({ text, s: fast.s, e: fast.e, c: fast.c }).toEqual({ text, s: reference.s, e: reference.e, c: reference.c });
      expect(fast.toFixed()).toBe(reference.toFixed());
    }
  });

  it('returns real Big instances that do arithmetic', () => {
    const value = toBig('109847000.0');
    expect(value).toBeInstanceOf(Big);
    expect(value.plus('0.5').toFixed()).toBe('109847000.5');
    expect(toBig('0.00000000').toFixed()).toBe('0');
    expect(toBig('-0.5').abs().toFixed()).toBe('0.5');
  });

  it('reads numbers and lossless numbers exactly', () => {
    expect(toBig(0.00012345).toFixed()).toBe('0.00012345');
    expect(toBig(1e-7).toFixed()).toBe('0.0000001');
    expect(toBig(new LosslessNumber('137728155832.9616000000000000')).toFixed()).toBe('137728155832.9616');
  });

  it('rejects what is not a decimal with big.js errors', () => {
    for (const bad of ['', '-', '.', '1.2.3', 'abc', '1e', '1e+', '12a', '--1', 'NaN']) {
      expect(() => toBig(bad), bad).toThrow();
    }
  });

  it('maps null and undefined to undefined for optional fields', () => {
    expect(toBigOrUndefined(null)).toBeUndefined();
    expect(toBigOrUndefined(undefined)).toBeUndefined();
    expect(toBigOrUndefined('1')?.toFixed()).toBe('1');
  });

  it('keeps ids beyond 2^53 exact', () => {
    expect(toIdString(new LosslessNumber('17103275719220001'))).toBe('17103275719220001');
    expect(toIdString('42')).toBe('42');
    expect(toIdString(42)).toBe('42');
  });
});
