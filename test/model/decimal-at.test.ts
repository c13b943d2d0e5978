import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { toBig, toBigAt } from '../../src/model/decimal.js';
import { randomNumberToken } from '../helpers/random-json.js';
import { seededRandom } from '../helpers/random.js';

describe('toBigAt', () => {
  it('should read a decimal inside a larger text without the characters around it', () => {
    const text = '{"trade_price":109847000.0,"trade_volume":0.00509799}';
    expect(toBigAt(text, 15, 26).toFixed()).toBe('109847000');
    expect(toBigAt(text, 42, 52).toFixed()).toBe('0.00509799');
  });

  it('should build the same Big as big.js for random JSON number tokens (seeded fuzz)', () => {
    const random = seededRandom(11);
    for (let n = 0; n < 20_000; n++) {
      const token = randomNumberToken(random);
      const text = `[${token},1]`;
      // big.js is the reference: same sign, exponent and coefficient digits, trailing zeros dropped
      expect(toBigAt(text, 1, 1 + token.length), token).toEqual(new Big(token));
      expect(toBig(token), token).toEqual(new Big(token));
    }
  });

  it('should throw big.js\'s error for text that is no decimal', () => {
    expect(() => toBigAt('[1.2.3]', 1, 6)).toThrow();
    expect(() => toBigAt('[abc]', 1, 4)).toThrow();
  });
});

describe('toBig edge spellings', () => {
  it('should agree with big.js on every spelling, valid or not', () => {
    const spellings = ['.5', '5.', '007', '-0.0', '-.0', '0.', '.', '-', '', '1.2.3', '..1', '1..', ' 5', '5 ', '+5', '1e5', '1E-7', '-1.5e+3', 'e5', '1e', '12a', '-0', '100', '0.00100', '-12.3400'];
    for (const text of spellings) {
      let expected: Big | string;
      try {
        expected = new Big(text);
      } catch {
        expected = 'throws';
      }
      if (expected === 'throws') {
        expect(() => toBig(text), text).toThrow();
        expect(() => toBigAt(`[${text}]`, 1, 1 + text.length), text).toThrow();
      } else {
        expect(toBig(text), text).toEqual(expected);
        expect(toBigAt(`[${text}]`, 1, 1 + text.length), text).toEqual(expected);
      }
    }
  });
});
