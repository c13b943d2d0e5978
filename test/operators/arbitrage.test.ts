/**
 * The arbitrage math against hand computations from concrete books: conversion with a USDT/KRW rate, taker
 * fees, premiums, executable spreads both ways, the quantity tradable across levels, staleness and precision.
 * Every expected number is worked out in the comments from the book numbers (divisions to 8 places, half-up).
 */
import { asyncScheduler, from, lastValueFrom, toArray } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { arbitrage, toFxRate } from '../../operators/arbitrage.js';
import { computeArbitrage } from '../../src/model/arbitrage.js';
import type { ArbitrageLegs, ArbitrageOptions, ArbitragePair, ArbitrageRoute, FxRate } from '../../src/model/arbitrage.js';
import { Big, toBig } from '../../src/model/decimal.js';
import type { OrderBook } from '../../src/model/order-book.js';
import type { Ticker } from '../../src/model/ticker.js';

type Levels = readonly (readonly [string, string])[];

const T = 1_750_000_000_000;

function book(exchange: string, symbol: string, bids: Levels, asks: Levels, receivedAt = T): OrderBook {
  const levels = (pairs: Levels) => pairs.map(([price, amount]) => ({ price: toBig(price), amount: toBig(amount) }));
  return { type: 'orderBook', exchange, symbol, market: symbol, timestamp: receivedAt - 3, receivedAt, bids: levels(bids), asks: levels(asks) };
}

// Upbit BTC/KRW: mid (100,000,000 + 100,100,000) / 2 = 100,050,000.
const upbit = book('upbit', 'BTC/KRW', [['100000000', '0.5'], ['99900000', '1']], [['100100000', '0.3'], ['100200000', '2']]);
// Coinone BTC/KRW: mid (99,800,000 + 99,850,000) / 2 = 99,825,000.
const coinone = book('coinone', 'BTC/KRW', [['99800000', '0.1']], [['99850000', '0.4'], ['99990000', '1']]);
// Binance BTC/USDT at 1,400 KRW per USDT: bid 69,990 × 1,400 = 97,986,000; ask 70,000 × 1,400 = 98,000,000;
// mid 69,995 × 1,400 = 97,993,000; second ask 70,010 × 1,400 = 98,014,000.
const binance = book('binance', 'BTC/USDT', [['69990', '2']], [['70000', '0.2'], ['70010', '1']]);
const fx: FxRate = { symbol: 'USDT/KRW', rate: toBig('1400'), receivedAt: T };

const legs: ArbitrageLegs = { books: { upbit, coinone, binance }, fx };
const fees = { upbit: '0.0005', coinone: toBig('0.0002'), binance: '0.001' };
const options: ArbitrageOptions = { quote: 'KRW', fees };

/** Decimals as strings, for readable comparisons (`Big('1.0')` and `Big('1')` are the same value). */
const s = (value: Big | undefined): string | undefined => value?.toString();

function routeOf(route: ArbitrageRoute | undefined) {
  if (route === undefined) return undefined;
  const { buy, sell, buyPrice, sellPrice, spread, spreadPct, amount, profit } = route;
  return { buy, sell, buyPrice: s(buyPrice), sellPrice: s(sellPrice), spread: s(spread), spreadPct: s(spreadPct), amount: s(amount), profit: s(profit) };
}

function pairOf(pairs: readonly ArbitragePair[], a: string, b: string) {
  const pair = pairs.find((p) => p.a === a && p.b === b);
  if (pair === undefined) throw new Error(`no pair ${a}/${b}`);
  return { premium: s(pair.premium), aToB: routeOf(pair.aToB), bToA: routeOf(pair.bToA), stale: pair.stale };
}

describe('computeArbitrage', () => {
  it('should convert every leg to the target quote with the rate', () => {
    const { legs: out } = computeArbitrage(legs, T + 1_000, options);
    expect(Object.keys(out)).toEqual(['upbit', 'coinone', 'binance']);
    expect([s(out.upbit?.bid), s(out.upbit?.ask), s(out.upbit?.mid), s(out.upbit?.fxRate)]).toEqual(['100000000', '100100000', '100050000', '1']);
    expect([s(out.coinone?.bid), s(out.coinone?.ask), s(out.coinone?.mid)]).toEqual(['99800000', '99850000', '99825000']);
    expect([s(out.binance?.bid), s(out.binance?.ask), s(out.binance?.mid), s(out.binance?.fxRate)]).toEqual(['97986000', '98000000', '97993000', '1400']);
    expect(out.binance).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', ageMs: 1_000, fxAgeMs: 1_000, stale: false, fxMissing: false });
    expect(out.upbit).toMatchObject({ ageMs: 1_000, fxAgeMs: undefined, stale: false, fxMissing: false });
  });

  it('should give every unordered pair in key order, with premiums and both directions after fees', () => {
    const { pairs, quote } = computeArbitrage(legs, T, options);
    expect(quote).toBe('KRW');
    expect(pairs.map((p) => `${p.a}/${p.b}`)).toEqual(['upbit/coinone', 'upbit/binance', 'coinone/binance']);

    expect(pairOf(pairs, 'upbit', 'binance')).toEqual({
      // (100,050,000 − 97,993,000) × 100 / 97,993,000 = 205,700,000 / 97,993,000 = 2.099129529… → 2.09912953
      premium: '2.09912953',
      // Buy Upbit 100,100,000 × 1.0005 = 100,150,050; sell Binance 97,986,000 × 0.999 = 97,888,014.
      // Spread 97,888,014 − 100,150,050 = −2,262,036; × 100 / 100,150,050 = −2.258646900… → −2.2586469. Nothing to trade.
      aToB: { buy: 'upbit', sell: 'binance', buyPrice: '100150050', sellPrice: '97888014', spread: '-2262036', spreadPct: '-2.2586469', amount: '0', profit: '0' },
      // Buy Binance 98,000,000 × 1.001 = 98,098,000; sell Upbit 100,000,000 × 0.9995 = 99,950,000; spread 1,852,000;
      // 185,200,000 / 98,098,000 = 1.887908010… → 1.88790801. Walking the books (asks with fee, bids after fee):
      //   0.2 at 98,098,000 vs 99,950,000: 0.2 × 1,852,000 = 370,400
      //   0.3 at 98,014,000 × 1.001 = 98,112,014 vs 99,950,000 (rest of 0.5): 0.3 × 1,837,986 = 551,395.8
      //   0.7 at 98,112,014 vs 99,900,000 × 0.9995 = 99,850,050: 0.7 × 1,738,036 = 1,216,625.2; Binance's asks are used up.
      // amount 0.2 + 0.3 + 0.7 = 1.2; profit 370,400 + 551,395.8 + 1,216,625.2 = 2,138,421
      bToA: { buy: 'binance', sell: 'upbit', buyPrice: '98098000', sellPrice: '99950000', spread: '1852000', spreadPct: '1.88790801', amount: '1.2', profit: '2138421' },
      stale: false,
    });

    expect(pairOf(pairs, 'upbit', 'coinone')).toEqual({
      // (100,050,000 − 99,825,000) × 100 / 99,825,000 = 22,500,000 / 99,825,000 = 0.225394440… → 0.22539444
      premium: '0.22539444',
      // Buy Upbit 100,150,050; sell Coinone 99,800,000 × 0.9998 = 99,780,040; spread −370,010;
      // −37,001,000 / 100,150,050 = −0.369455634… → −0.36945563
      aToB: { buy: 'upbit', sell: 'coinone', buyPrice: '100150050', sellPrice: '99780040', spread: '-370010', spreadPct: '-0.36945563', amount: '0', profit: '0' },
      // Buy Coinone 99,850,000 × 1.0002 = 99,869,970; sell Upbit 99,950,000; spread 80,030; 8,003,000 / 99,869,970 = 0.080134199… → 0.0801342.
      // 0.4 at 99,869,970 vs 99,950,000: 0.4 × 80,030 = 32,012; the next ask 99,990,000 × 1.0002 = 100,009,998 is above
      // the best bid left (99,950,000 for 0.1): the walk stops there. amount 0.4, profit 32,012.
      bToA: { buy: 'coinone', sell: 'upbit', buyPrice: '99869970', sellPrice: '99950000', spread: '80030', spreadPct: '0.0801342', amount: '0.4', profit: '32012' },
      stale: false,
    });

    expect(pairOf(pairs, 'coinone', 'binance')).toEqual({
      // (99,825,000 − 97,993,000) × 100 / 97,993,000 = 183,200,000 / 97,993,000 = 1.869521292… → 1.86952129
      premium: '1.86952129',
      // Buy Coinone 99,869,970; sell Binance 97,888,014; spread −1,981,956; −198,195,600 / 99,869,970 = −1.984536492… → −1.98453649
      aToB: { buy: 'coinone', sell: 'binance', buyPrice: '99869970', sellPrice: '97888014', spread: '-1981956', spreadPct: '-1.98453649', amount: '0', profit: '0' },
      // Buy Binance 98,098,000; sell Coinone 99,780,040; spread 1,682,040; 168,204,000 / 98,098,000 = 1.714652694… → 1.71465269.
      // Coinone bids only 0.1: amount 0.1, profit 0.1 × 1,682,040 = 168,204.
      bToA: { buy: 'binance', sell: 'coinone', buyPrice: '98098000', sellPrice: '99780040', spread: '1682040', spreadPct: '1.71465269', amount: '0.1', profit: '168204' },
      stale: false,
    });
  });

  it('should trade at the raw prices without fees', () => {
    const { pairs } = computeArbitrage(legs, T, { quote: 'KRW' });
    // Buy Binance at 98,000,000, sell Upbit at 100,000,000: spread 2,000,000; 200,000,000 / 98,000,000 = 2.040816326… → 2.04081633.
    // 0.2 × 2,000,000 + 0.3 × (100,000,000 − 98,014,000) + 0.7 × (99,900,000 − 98,014,000) = 400,000 + 595,800 + 1,320,200
    expect(pairOf(pairs, 'upbit', 'binance').bToA).toEqual({
      buy: 'binance', sell: 'upbit', buyPrice: '98000000', sellPrice: '100000000', spread: '2000000', spreadPct: '2.04081633', amount: '1.2', profit: '2316000',
    });
  });

  it('should convert into the rate base by dividing when the target is the other side of the rate', () => {
    const { legs: out, pairs } = computeArbitrage(legs, T, { quote: 'usdt' });
    // 100,000,000 / 1,400 = 71,428.571428571… → 71428.57142857; 100,100,000 / 1,400 = 71,500 exactly;
    // mid 100,050,000 / 1,400 = 71,464.285714285… → 71464.28571429; one KRW is 1 / 1,400 = 0.000714285… → 0.00071429 USDT.
    expect([s(out.upbit?.bid), s(out.upbit?.ask), s(out.upbit?.mid), s(out.upbit?.fxRate)]).toEqual(['71428.57142857', '71500', '71464.28571429', '0.00071429']);
    expect([s(out.binance?.bid), s(out.binance?.mid), s(out.binance?.fxRate)]).toEqual(['69990', '69995', '1']);
    // (71,464.28571429 − 69,995) × 100 / 69,995 = 146,928.571429 / 69,995 = 2.099129529… → 2.09912953, as in KRW
    expect(s(pairs.find((p) => p.a === 'upbit' && p.b === 'binance')?.premium)).toBe('2.09912953');
  });

  it('should flag a leg without a rate and leave its pairs without numbers, not throw', () => {
    const { legs: out, pairs } = computeArbitrage({ books: legs.books }, T, options);
    expect(out.binance).toMatchObject({ fxMissing: true, fxRate: undefined, bid: undefined, ask: undefined, mid: undefined, fxAgeMs: undefined });
    expect(pairOf(pairs, 'upbit', 'binance')).toEqual({ premium: undefined, aToB: undefined, bToA: undefined, stale: false });
    expect(pairOf(pairs, 'upbit', 'coinone').premium).toBe('0.22539444');
    // A rate between other currencies does not help either.
    const other = computeArbitrage({ ...legs, fx: [{ symbol: 'USDC/KRW', rate: toBig('1390'), receivedAt: T }] }, T, options);
    expect(other.legs.binance?.fxMissing).toBe(true);
  });

  it('should flag stale legs from staleAfterMs on, and every pair with one', () => {
    const late = { ...legs, books: { ...legs.books, coinone: { ...coinone, receivedAt: T + 3_000 } } };
    const fresh = computeArbitrage(late, T + 4_999, options);
    expect(Object.values(fresh.legs).map((leg) => leg.stale)).toEqual([false, false, false]);
    // Upbit and Binance (and the rate) were received at T: the first to turn stale, at T + 5,000.
    expect(fresh.nextStaleAt).toBe(T + 5_000);

    const stale = computeArbitrage(late, T + 5_000, options);
    expect(Object.values(stale.legs).map((leg) => leg.stale)).toEqual([true, false, true]);
    expect(stale.pairs.map((p) => p.stale)).toEqual([true, true, true]);
    // Flagged, not hidden: the numbers are still there.
    expect(pairOf(stale.pairs, 'upbit', 'coinone').premium).toBe('0.22539444');
    expect(stale.nextStaleAt).toBe(T + 8_000);
    expect(computeArbitrage(late, T + 8_000, options).nextStaleAt).toBeUndefined();
  });

  it('should make a leg stale through its rate only', () => {
    const oldRate = { ...legs, fx: { ...fx, receivedAt: T - 1_000 } };
    const { legs: out, pairs, nextStaleAt } = computeArbitrage(oldRate, T + 4_000, { ...options, staleAfterMs: 5_000 });
    expect(out.binance).toMatchObject({ stale: true, ageMs: 4_000, fxAgeMs: 5_000 });
    expect([out.upbit?.stale, out.coinone?.stale]).toEqual([false, false]);
    expect(pairs.map((p) => p.stale)).toEqual([false, true, true]);
    expect(nextStaleAt).toBe(T + 5_000);
  });

  it('should never flag with staleAfterMs Infinity', () => {
    const snapshot = computeArbitrage(legs, T + 1e12, { ...options, staleAfterMs: Infinity });
    expect(Object.values(snapshot.legs).some((leg) => leg.stale)).toBe(false);
    expect(snapshot.nextStaleAt).toBeUndefined();
  });

  it('should round divisions half-up to `decimals` places, whatever the global Big.DP', () => {
    const dp = Big.DP;
    Big.DP = 1;
    try {
      // 205,700,000 / 97,993,000 = 2.0991… → 2.10 with 2 places.
      expect(pairOf(computeArbitrage(legs, T, { ...options, decimals: 2 }).pairs, 'upbit', 'binance').premium).toBe('2.1');
      expect(pairOf(computeArbitrage(legs, T, options).pairs, 'upbit', 'binance').premium).toBe('2.09912953');
    } finally {
      Big.DP = dp;
    }
    // Mids 801 and 800: 1 × 100 / 800 = 0.125 → 0.13 (half-up, where half-even would give 0.12).
    const a = book('a', 'X/KRW', [['800', '1']], [['802', '1']]);
    const b = book('b', 'X/KRW', [['799', '1']], [['801', '1']]);
    expect(pairOf(computeArbitrage({ books: { a, b } }, T, { quote: 'KRW', decimals: 2 }).pairs, 'a', 'b').premium).toBe('0.13');
    // Mids 799 and 800: −1 × 100 / 800 = −0.125 → −0.13 (ties go away from zero).
    const e = book('e', 'X/KRW', [['798', '1']], [['800', '1']]);
    expect(pairOf(computeArbitrage({ books: { e, b } }, T, { quote: 'KRW', decimals: 2 }).pairs, 'e', 'b').premium).toBe('-0.13');
  });

  it('should stop the walk at a level that only breaks even', () => {
    const x = book('x', 'X/KRW', [['98', '5']], [['100', '1'], ['101', '1']]);
    const y = book('y', 'X/KRW', [['101', '2']], [['103', '5']]);
    // Buy x, sell y: 1 at 100 vs 101 earns 1; the next unit at 101 vs 101 earns nothing, so it is not counted.
    expect(pairOf(computeArbitrage({ books: { x, y } }, T, { quote: 'KRW' }).pairs, 'x', 'y').aToB).toMatchObject({ amount: '1', profit: '1' });
  });

  it('should leave out what an empty side cannot give', () => {
    const noAsks = book('bithumb', 'BTC/KRW', [['100000000', '1']], []);
    const { legs: out, pairs } = computeArbitrage({ books: { noAsks, binance }, fx }, T, { quote: 'KRW' });
    expect([s(out.noAsks?.bid), out.noAsks?.ask, out.noAsks?.mid]).toEqual(['100000000', undefined, undefined]);
    const pair = pairOf(pairs, 'noAsks', 'binance');
    expect([pair.premium, pair.aToB]).toEqual([undefined, undefined]);
    // Buying on Binance and selling into its bids still works: 0.2 × 2,000,000 + 0.8 × (100,000,000 − 98,014,000) = 1,988,800.
    expect(pair.bToA).toMatchObject({ spread: '2000000', amount: '1', profit: '1988800' });
  });
});

describe('toFxRate', () => {
  it('should take the last price of a ticker and the mid of a book', () => {
    const [last, zero] = [toBig('1401.5'), toBig('0')];
    const ticker: Ticker = {
      type: 'ticker', exchange: 'upbit', symbol: 'USDT/KRW', market: 'KRW-USDT', timestamp: T, receivedAt: T + 5,
      last, open: last, high: last, low: last, prevClose: last, change: zero, changeRate: zero,
      baseVolume: zero, quoteVolume: zero, baseVolume24h: zero, quoteVolume24h: zero,
    };
    expect(toFxRate(ticker)).toEqual({ symbol: 'USDT/KRW', rate: toBig('1401.5'), receivedAt: T + 5 });
    const usdt = book('upbit', 'USDT/KRW', [['1400', '10']], [['1401', '10']]);
    expect(s(toFxRate(usdt)?.rate)).toBe('1400.5');
    expect(toFxRate(book('upbit', 'USDT/KRW', [], [['1401', '10']]))).toBeUndefined();
  });
});

describe('arbitrage', () => {
  it('should price each snapshot at the scheduler time with the hand-computed numbers', async () => {
    // A clock fixed at T + 250; the stale timer (due at T + 5,000) is cancelled when the source completes.
    const scheduler: SchedulerLike = { now: () => T + 250, schedule: (...args: Parameters<SchedulerLike['schedule']>) => asyncScheduler.schedule(...args) };
    const out = await lastValueFrom(from([legs]).pipe(arbitrage({ ...options, scheduler }), toArray()));
    expect(out).toHaveLength(1);
    expect(out[0]?.at).toBe(T + 250);
    expect(out[0]?.legs.binance?.ageMs).toBe(250);
    expect(pairOf(out[0]?.pairs ?? [], 'upbit', 'binance').bToA?.profit).toBe('2138421');
  });
});
