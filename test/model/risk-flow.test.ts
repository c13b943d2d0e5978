import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/index.js';
import { Big, toBig } from '../../src/model/decimal.js';
import { computeDrawdown, computeRealizedVolatility, periodsPerYear } from '../../src/model/risk.js';
import { computeTradeFlow } from '../../src/model/trade-flow.js';
import type { Trade } from '../../src/model/trade.js';

const trade = (receivedAt: number, side: 'buy' | 'sell', price: string, amount: string): Trade => ({
  type: 'trade', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: receivedAt, receivedAt,
  id: String(receivedAt), side, price: toBig(price), amount: toBig(amount),
});

describe('computeRealizedVolatility', () => {
  it('should take the sample standard deviation of log returns and annualize it on 365 days', () => {
    // closes 100, 102, 99, 103: returns ln 1.02, ln (99/102), ln (103/99)
    const returns = [Math.log(102 / 100), Math.log(99 / 102), Math.log(103 / 99)];
    const mean = (returns[0]! + returns[1]! + returns[2]!) / 3;
    const sd = Math.sqrt(returns.reduce((total, r) => total + (r - mean) ** 2, 0) / 2);
    const result = computeRealizedVolatility(['100', '102', '99', '103'].map(toBig), { interval: '1h' });
    expect(result.samples).toBe(3);
    expect(result.periodVolatility).toBeCloseTo(sd, 15);
    expect(result.volatility).toBeCloseTo(sd * Math.sqrt(365 * 24), 12);
  });

  it('should give no volatility below 2 returns, and refuse a close of 0 or an unknown interval', () => {
    expect(computeRealizedVolatility(['100', '101'].map(toBig), { interval: '1d' })).toEqual({ samples: 1, periodVolatility: undefined, volatility: undefined });
    expect(() => computeRealizedVolatility(['100', '0', '1'].map(toBig), { interval: '1d' })).toThrow(InvalidArgumentError);
    expect(() => periodsPerYear('7d' as '1d')).toThrow(InvalidArgumentError);
  });

  it('should count the periods of a 365-day year for every interval', () => {
    expect([periodsPerYear('1s'), periodsPerYear('1m'), periodsPerYear('4h'), periodsPerYear('1d')]).toEqual([365 * 86_400, 365 * 1_440, 365 * 6, 365]);
    expect([periodsPerYear('1w'), periodsPerYear('1M'), periodsPerYear('1y')]).toEqual([365 / 7, 12, 1]);
  });
});

describe('computeDrawdown', () => {
  it('should run the peak and the largest fall over a series', () => {
    let state = computeDrawdown(undefined, toBig('50'));
    const seen: string[] = [];
    for (const price of ['40', '60', '45', '30', '61']) {
      state = computeDrawdown(state, toBig(price), { decimals: 4 });
      seen.push(`${state.peak.toString()} ${state.drawdown.toString()} ${state.maxDrawdown.toString()}`);
    }
    // 10/50 = 0.2; new peak 60; 15/60 = 0.25; 30/60 = 0.5; new peak 61
    expect(seen).toEqual(['50 0.2 0.2', '60 0 0.2', '60 0.25 0.25', '60 0.5 0.5', '61 0 0.5']);
  });
});

describe('computeTradeFlow', () => {
  const trades = [trade(10, 'buy', '100', '2'), trade(15, 'sell', '110', '1'), trade(20, 'buy', '120', '1')];

  it('should hold the trades received in (at − windowMs, at]', () => {
    // at 20, window 10: (10, 20] holds the trades of 15 and 20, not the one of 10
    const flow = computeTradeFlow(trades, 20, { windowMs: 10 });
    expect([flow.count, flow.buyVolume.toString(), flow.sellVolume.toString(), flow.buyNotional.toString(), flow.sellNotional.toString()]).toEqual([2, '1', '1', '120', '110']);
    // (1 − 1) / 2 = 0; (110 + 120) / 2 = 115
    expect([flow.imbalance?.toString(), flow.vwap?.toString()]).toEqual(['0', '115']);
    // at 19.999… the trade of 20 is not in yet; at 10 the window (0, 10] holds only the first
    expect(computeTradeFlow(trades, 10, { windowMs: 10 }).count).toBe(1);
    expect(computeTradeFlow(trades, 30, { windowMs: 10 }).count).toBe(0);
    expect(computeTradeFlow(trades, 30, { windowMs: 10 }).vwap).toBeUndefined();
  });

  it('should refuse a window of 0', () => {
    expect(() => computeTradeFlow(trades, 0, { windowMs: 0 })).toThrow(InvalidArgumentError);
  });

  it('should keep the imbalance in [-1, 1] and the VWAP between the lowest and highest price', () => {
    const arbitraryTrade = fc.record({
      at: fc.integer({ min: 0, max: 100 }), buy: fc.boolean(), price: fc.integer({ min: 1, max: 10 ** 9 }), amount: fc.integer({ min: 1, max: 10 ** 9 }),
    }).map(({ at, buy, price, amount }) => trade(at, buy ? 'buy' : 'sell', String(price), new Big(amount).div(1e6).toString()));
    fc.assert(
      fc.property(fc.array(arbitraryTrade, { minLength: 1, maxLength: 50 }), (list) => {
        const flow = computeTradeFlow(list, 100, { windowMs: 1_000 });
        expect(flow.imbalance!.gte(-1) && flow.imbalance!.lte(1)).toBe(true);
        const prices = list.map((t) => t.price).sort((x, y) => x.cmp(y));
        expect(flow.vwap!.gte(prices[0]!) && flow.vwap!.lte(prices[prices.length - 1]!)).toBe(true);
      }),
    );
  });
});
