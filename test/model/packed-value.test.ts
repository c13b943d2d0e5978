import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Big, packDecimal, toBig, unpackDecimal } from '../../src/model/decimal.js';
import { DecimalPacker } from '../../src/model/packed-value.js';
import { TICKER_DECIMALS, type Ticker } from '../../src/model/ticker.js';

function fields(value: Big): { s: number; e: number; c: number[] } {
  return { s: value.s, e: value.e, c: [...value.c] };
}

function ticker(overrides: Partial<Record<keyof Ticker, unknown>> = {}): Ticker {
  return {
    type: 'ticker',
    exchange: 'upbit',
    symbol: 'BTC/KRW',
    market: 'KRW-BTC',
    timestamp: 1_676_965_262_177,
    receivedAt: 1_676_965_262_180,
    last: toBig('32287000'),
    open: toBig('31883000.00000000'),
    high: toBig('32310000'),
    low: toBig('31855000'),
    prevClose: toBig('31883000'),
    change: toBig('404000'),
    changeRate: toBig('-0.0126713295'),
    baseVolume: toBig('2429.58834336'),
    quoteVolume: toBig('123456789012345678.901234567'),
    baseVolume24h: toBig('7158.80283560'),
    quoteVolume24h: toBig('228827082483.70729000'),
    lastAmount: toBig('0.03103806'),
    ...overrides,
  } as Ticker;
}

describe('packDecimal', () => {
  it('gives back the same sign, exponent and digits for any decimal up to 63 digits', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,40}$/), fc.stringMatching(/^[0-9]{0,23}$/), fc.integer({ min: -400, max: 400 }))
      .map(([negative, int, frac, exp]) => `${negative ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}e${exp}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const value = new Big(text);
        const out: number[] = [7];
        const end = packDecimal(value, out, 1);
        expect(end).toBeGreaterThan(1);
        expect(fields(unpackDecimal(out, 1))).toEqual(fields(value));
      }),
      { numRuns: 2_000, seed: 11 },
    );
  });

  it('keeps negative zero, and refuses what it cannot hold', () => {
    const out: number[] = [];
    const negativeZero = new Big('-0');
    packDecimal(negativeZero, out, 0);
    expect(fields(unpackDecimal(out, 0))).toEqual({ s: -1, e: 0, c: [0] });
    expect(packDecimal(new Big(`1${'1'.repeat(63)}`), out, 0)).toBe(-1);
    expect(packDecimal(new Big('1e1048576'), out, 0)).toBe(-1);
  });
});

describe('DecimalPacker', () => {
  const packer = new DecimalPacker<Ticker>(TICKER_DECIMALS);

  it('gives back a ticker equal in fields, key order, JSON and spread, with real Big instances', () => {
    const original = ticker();
    const copy = packer.unpack(packer.pack(original));
    expect(copy).not.toBe(original);
    expect(copy).toEqual(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect({ ...copy }).toEqual({ ...original });
    expect(copy.quoteVolume).toBeInstanceOf(Big);
    expect(copy.quoteVolume.toFixed()).toBe('123456789012345678.901234567');
    expect(copy.changeRate.plus('0.0126713295').toFixed()).toBe('0');
  });

  it('packs what it can: a missing optional field stays missing, a non-Big stays as it is', () => {
    const { lastAmount: _dropped, ...withoutAmount } = ticker();
    const copy = packer.unpack(packer.pack(withoutAmount));
    expect('lastAmount' in copy).toBe(false);
    expect(copy).toEqual(withoutAmount);
    const odd = ticker({ high: 'not a Big' });
    expect(packer.unpack(packer.pack(odd))).toEqual(odd);
  });

  it('keeps values it cannot pack as they are', () => {
    const huge = ticker({ quoteVolume: new Big(`9${'0'.repeat(70)}1`) });
    expect(packer.pack(huge)).toBe(huge);
    const classy = Object.assign(Object.create({ inherited: true }) as object, ticker()) as Ticker;
    expect(packer.pack(classy)).toBe(classy);
    expect(packer.unpack(classy)).toBe(classy);
  });
});
