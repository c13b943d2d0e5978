/**
 * The premium on both bases against hand computations: the exchange's USDT/KRW and the bank's USD/KRW, the
 * tether premium, their product identity, and an official rate that is old because the bank is closed
 * (reported by age, not stale) versus one whose polls stopped (stale).
 */
import { describe, expect, it } from 'vitest';
import { computeArbitrage } from '../../src/model/arbitrage.js';
import type { ArbitrageLegs, FxRate } from '../../src/model/arbitrage.js';
import { Big, toBig } from '../../src/model/decimal.js';
import type { OrderBook } from '../../src/model/order-book.js';

const T = 1_750_000_000_000;
const HOUR = 3_600_000;

function book(exchange: string, symbol: string, bid: string, ask: string, receivedAt = T): OrderBook {
  return { type: 'orderBook', exchange, symbol, market: symbol, timestamp: receivedAt, receivedAt, bids: [{ price: toBig(bid), amount: toBig('1') }], asks: [{ price: toBig(ask), amount: toBig('1') }] };
}

// Upbit BTC/KRW mid (140,700,000 + 140,900,000) / 2 = 140,800,000.
// Binance BTC/USDT mid (99,990 + 100,010) / 2 = 100,000.
const books = { upbit: book('upbit', 'BTC/KRW', '140700000', '140900000'), binance: book('binance', 'BTC/USDT', '99990', '100010') };
// USDT/KRW 1,408 on Upbit; USD/KRW 1,375 at the bank, quoted 15 hours ago (Friday night, read on Saturday).
const usdt: FxRate = { symbol: 'USDT/KRW', rate: toBig('1408'), receivedAt: T };
const official: FxRate = { symbol: 'USD/KRW', rate: toBig('1375'), receivedAt: T, quotedAt: T - 15 * HOUR, staleAfterMs: 180_000 };
const legs: ArbitrageLegs = { books, fx: usdt, official };

describe('computeArbitrage on both premium bases', () => {
  const snapshot = computeArbitrage(legs, T + 1_000, { quote: 'KRW', bases: 'both' });
  const pair = snapshot.pairs[0]!;

  it('prices each base with its own rate (hand-computed)', () => {
    // USDT base: 100,000 × 1,408 = 140,800,000: premium (140,800,000 / 140,800,000 − 1) × 100 = 0 %.
    expect(pair.premiums?.usdt).toMatchObject({ premium: new Big(0), bookAgeMs: 1_000, fxAgeMs: 1_000, stale: false });
    expect(pair.premiums?.usdt?.reference?.toFixed()).toBe('140800000');
    // Official base: 100,000 × 1,375 = 137,500,000: (140,800,000 / 137,500,000 − 1) × 100 = 2.4 %.
    expect(pair.premiums?.official?.premium?.toFixed()).toBe('2.4');
    expect(pair.premiums?.official?.reference?.toFixed()).toBe('137500000');
    // The primary numbers are the USDT base's.
    expect(pair.premium?.toFixed()).toBe('0');
    expect(snapshot.legs['binance']?.fxRate?.toFixed()).toBe('1408');
  });

  it('reports the tether premium and the identity (1 + coin vs FX) = (1 + coin vs USDT) × (1 + USDT vs FX)', () => {
    // (1,408 / 1,375 − 1) × 100 = 2.4 %.
    expect(snapshot.tether).toMatchObject({ ageMs: 1_000, fxQuoteAgeMs: 15 * HOUR + 1_000, stale: false });
    expect(snapshot.tether?.premium.toFixed()).toBe('2.4');
    const one = (p: Big | undefined) => new Big(1).plus(p!.div(100));
    // 1.024 = 1 × 1.024
    expect(one(pair.premiums?.official?.premium).eq(one(pair.premiums?.usdt?.premium).times(one(snapshot.tether?.premium)))).toBe(true);
  });

  it('calls a closed bank market old, not stale, and an official rate whose polls stopped stale', () => {
    expect(pair.premiums?.official).toMatchObject({ fxQuoteAgeMs: 15 * HOUR + 1_000, stale: false });
    // The official rate was received at T and is stale from T + 180,000 (its own staleAfterMs), the books from T + 5,000.
    const later = computeArbitrage({ books: { upbit: book('upbit', 'BTC/KRW', '1', '3', T + 179_000), binance: book('binance', 'BTC/USDT', '1', '3', T + 179_000) }, fx: { ...usdt, receivedAt: T + 179_000 }, official }, T + 180_000, { quote: 'KRW', bases: 'both' });
    expect([later.pairs[0]?.premiums?.usdt?.stale, later.pairs[0]?.premiums?.official?.stale, later.tether?.stale]).toEqual([false, true, true]);
    // One ms earlier nothing is stale, and the next change is timed at T + 180,000.
    const before = computeArbitrage({ ...legs, official }, T + 1_000, { quote: 'KRW', bases: 'official' });
    expect(before.nextStaleAt).toBe(T + 5_000);
    expect(before.pairs[0]?.premium?.toFixed()).toBe('2.4');
    expect(before.tether).toBeUndefined();
  });

  it('leaves the official base fxMissing without an official rate, and adds no premiums without bases', () => {
    const missing = computeArbitrage({ books, fx: usdt }, T, { quote: 'KRW', bases: 'both' });
    expect(missing.pairs[0]?.premiums?.official).toMatchObject({ premium: undefined, reference: undefined });
    expect(missing.tether).toBeUndefined();
    const plain = computeArbitrage({ books, fx: usdt, official }, T, { quote: 'KRW' });
    expect(plain.pairs[0]?.premiums).toBeUndefined();
    expect(plain.tether).toBeUndefined();
  });
});
