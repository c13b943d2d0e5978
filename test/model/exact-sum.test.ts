import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Big, toBig } from '../../src/model/decimal.js';
import { compareBig, ExactSum } from '../../src/model/exact-sum.js';

/** Decimal text from 1 to 30 significant digits, with up to 20 decimals, either sign. */
const decimal = fc
  .record({ digits: fc.stringMatching(/^[1-9]\d{0,29}$/), point: fc.integer({ min: 0, max: 20 }), negative: fc.boolean() })
  .map(({ digits, point, negative }) => new Big(`${negative ? '-' : ''}${digits}e-${point}`).toFixed());

const reference = (rounded: Big, decimals: number) => new Big(rounded.toFixed(decimals, Big.roundHalfUp));

describe('ExactSum', () => {
  it('should add decimals and products exactly, as Big does, past the safe integers too', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(decimal, decimal), { maxLength: 30 }), (pairs) => {
        const [sizes, products] = [new ExactSum(), new ExactSum()];
        let [size, product] = [new Big(0), new Big(0)];
        for (const [x, y] of pairs) {
          sizes.add(toBig(x));
          products.addProduct(toBig(x), toBig(y));
          [size, product] = [size.plus(x), product.plus(new Big(x).times(y))];
        }
        expect(sizes.toBig().toString()).toBe(size.toString());
        expect(products.toBig().toString()).toBe(product.toString());
      }),
    );
  });

  it('should add a level to size and notional as add and addProduct do', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(decimal, decimal), { maxLength: 20 }), (levels) => {
        const [size, notional, size2, notional2] = [new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum()];
        for (const [price, amount] of levels) {
          ExactSum.addLevel(size, notional, toBig(price), toBig(amount));
          size2.add(toBig(amount));
          notional2.addProduct(toBig(price), toBig(amount));
        }
        expect([size.toBig().toString(), notional.toBig().toString()]).toEqual([size2.toBig().toString(), notional2.toBig().toString()]);
      }),
    );
  });

  it('should divide rounding half away from zero, as Big.roundHalfUp does', () => {
    fc.assert(
      fc.property(decimal, decimal, fc.integer({ min: 0, max: 12 }), (x, y, decimals) => {
        const quotient = new ExactSum().add(toBig(x)).divide(new ExactSum().add(toBig(y)), decimals);
        const Dec = Object.assign(Big(), { DP: decimals + 40 });
        expect(quotient?.toString()).toBe(reference(new Dec(x).div(y), decimals).toString());
      }),
    );
  });

  it('should give the imbalance (x − y) / (x + y) as the general division does', () => {
    fc.assert(fc.property(decimal, decimal, fc.integer({ min: 0, max: 12 }), (x, y, decimals) => {
      const [a, b] = [new ExactSum().add(toBig(x).abs()), new ExactSum().add(toBig(y).abs())];
      const general = a.clone().addSum(b, -1).divide(a.clone().addSum(b), decimals);
      expect(ExactSum.imbalance(a, b, decimals)?.toString()).toBe(general?.toString());
    }));
    expect(ExactSum.imbalance(new ExactSum(), new ExactSum(), 8)).toBeUndefined();
  });

  it('should compare as Big#cmp does', () => {
    fc.assert(fc.property(fc.oneof(decimal, fc.constant('0')), fc.oneof(decimal, fc.constant('0')), (x, y) => {
      expect(compareBig(toBig(x), toBig(y))).toBe(new Big(x).cmp(y));
      expect(compareBig(toBig(x), toBig(x))).toBe(0);
    }));
  });

  it('should round exact halves away from zero and give undefined for a zero divisor', () => {
    const divide = (x: string, y: string, decimals: number) => new ExactSum().add(toBig(x)).divide(new ExactSum().add(toBig(y)), decimals)?.toString();
    expect([divide('1', '8', 2), divide('-1', '8', 2), divide('5', '2', 0), divide('-5', '2', 0)]).toEqual(['0.13', '-0.13', '3', '-3']);
    expect(divide('1', '0', 8)).toBeUndefined();
    expect(new ExactSum().addSum(new ExactSum().add(toBig('2.5')), -1).toBig().toString()).toBe('-2.5');
  });
});
