import { describe, expect, it } from 'vitest';
import { Big, bandAt, roundToTick, sortPriceBands, tickSizeAt, type PriceBand } from 'market-data-backbone';
import { UPBIT_KRW_PRICE_BANDS, upbitPriceBands } from '../../src/exchanges/upbit/index.js';

const band = (from: string, tickSize: string): PriceBand => ({ from: new Big(from), tickSize: new Big(tickSize) });
// Deliberately unsorted: readers must not depend on the order.
const BANDS = [band('1000', '1'), band('0', '0.1'), band('10000', '10')];

describe('price bands', () => {
  it('finds the band of a price, boundaries included in the upper band', () => {
    expect(tickSizeAt(BANDS, '0')?.toFixed()).toBe('0.1');
    expect(tickSizeAt(BANDS, '999.9')?.toFixed()).toBe('0.1');
    expect(tickSizeAt(BANDS, '1000')?.toFixed()).toBe('1');
    expect(tickSizeAt(BANDS, new Big('9999.99'))?.toFixed()).toBe('1');
    expect(tickSizeAt(BANDS, '10000')?.toFixed()).toBe('10');
    expect(tickSizeAt(BANDS, '-1')).toBeUndefined();
    expect(tickSizeAt([], '5')).toBeUndefined();
    expect(bandAt(BANDS, new Big('123456'))?.from.toFixed()).toBe('10000');
  });

  it('rounds onto the grid down, up and to the nearest tick, exactly', () => {
    expect(roundToTick('1234.56', BANDS, 'down').toFixed()).toBe('1234');
    expect(roundToTick('1234.56', BANDS, 'up').toFixed()).toBe('1235');
    expect(roundToTick('1234.5', BANDS).toFixed()).toBe('1235'); // nearest, half up
    expect(roundToTick('1234.49', BANDS).toFixed()).toBe('1234');
    expect(roundToTick('999.96', BANDS, 'up').toFixed()).toBe('1000'); // crosses into the next band, on both grids
    expect(roundToTick('0.05', BANDS, 'down').toFixed()).toBe('0');
    expect(roundToTick('12345', BANDS, 'down').toFixed()).toBe('12340');
    expect(roundToTick('12340', BANDS, 'up').toFixed()).toBe('12340'); // on the grid already: unchanged
    expect(() => roundToTick('-5', BANDS)).toThrow(RangeError);
  });

  it('sorts bands lowest first and keeps one per start', () => {
    const sorted = sortPriceBands([...BANDS, band('1000', '5')]);
    expect(sorted.map((b) => `${b.from.toFixed()}:${b.tickSize.toFixed()}`)).toEqual(['0:0.1', '1000:1', '10000:10']);
  });

  it('carries Upbit\'s documented KRW table (protocol reference), BTC markets at one tick, nothing for USDT', () => {
    expect(tickSizeAt(UPBIT_KRW_PRICE_BANDS, '143250000')?.toFixed()).toBe('1000');
    expect(tickSizeAt(UPBIT_KRW_PRICE_BANDS, '1999999')?.toFixed()).toBe('500');
    expect(tickSizeAt(UPBIT_KRW_PRICE_BANDS, '4300')?.toFixed()).toBe('1');
    expect(tickSizeAt(UPBIT_KRW_PRICE_BANDS, '999.9')?.toFixed()).toBe('0.1');
    expect(tickSizeAt(UPBIT_KRW_PRICE_BANDS, '0.00005')?.toFixed()).toBe('0.00000001');
    expect(tickSizeAt(upbitPriceBands('BTC-ETH') ?? [], '0.03')?.toFixed()).toBe('0.00000001');
    expect(upbitPriceBands('USDT-BTC')).toBeUndefined();
  });
});
