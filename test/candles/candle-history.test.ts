import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Big, ExchangeClient, exchangeAdapters, UnknownSymbolError, type Candle } from 'market-data-backbone';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from 'market-data-backbone/testing';
import {
  countPeriods,
  downloadCandles,
  fetchCandleRange,
  fillCandleGaps,
  isFilledCandle,
  type CandleDownloadEvent,
} from '../../src/client/candle-history.js';

/** The market stands still; rate-limit windows roll in real time, so the real 10/s limit applies. */
const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
const now = (): number => clock.now();
const MINUTE = 60_000;
const DAY = 86_400_000;

let simulator: UpbitSimulator;
let client: ExchangeClient;

beforeAll(async () => {
  simulator = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() } });
});
afterAll(async () => {
  await simulator.close();
});
afterEach(() => {
  client?.close();
  simulator.clearLog();
  simulator.resetLimits();
});

const open = (): ExchangeClient => {
  client = new ExchangeClient(exchangeAdapters.upbit, { restUrl: simulator.url, now });
  return client;
};
const candleRequests = (): number => simulator.requests.filter((r) => r.path.startsWith('/v1/candles/')).length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function expectStrictlyIncreasing(candles: readonly Candle[]): void {
  for (let i = 1; i < candles.length; i++) expect(candles[i]!.openTime).toBeGreaterThan(candles[i - 1]!.openTime);
}

describe('fetchCandleRange', () => {
  it('should download 30 days of 1m candles of a market with quiet minutes, exactly as the simulator has them', async () => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2026, 0, 31);
    const expected = simulator.model.candles('KRW-XEC', '1m', from, to);
    expect(expected.length).toBeLessThan(30 * 1440); // the market has minutes without a trade
    const events: CandleDownloadEvent[] = [];
    const c = open();
    await c.getMarkets(); // the market list is not part of the count below
    simulator.clearLog();

    const candles = await new Promise<Candle[]>((resolve, reject) => {
      const batches: (readonly Candle[])[] = [];
      downloadCandles(c, 'KRW-XEC', '1m', { from, to, now }).subscribe({
        next: (event) => {
          events.push(event);
          if (event.type === 'batch') batches.push(event.candles);
        },
        error: reject,
        complete: () => resolve(batches.reverse().flat()),
      });
    });

    expect(candles).toHaveLength(expected.length);
    expect(candles.map((k) => k.openTime)).toEqual(expected.map((k) => k.start));
    expectStrictlyIncreasing(candles);
    expect(new Set(candles.map((k) => k.openTime)).size).toBe(candles.length);
    expect(candles.every((k) => k.openTime >= from && k.openTime < to)).toBe(true);
    const sample = expected[1234]!;
    const got = candles[1234]!;
    expect([got.open, got.high, got.low, got.close, got.baseVolume].map(String)).toEqual(
      [sample.open, sample.high, sample.low, sample.close, sample.volume].map(String),
    );
    // 43,200 periods at 200 per page; never a 429 under the real 10/s limit
    expect(candleRequests()).toBe(Math.ceil((30 * 1440) / 200));
    expect(c.stats.replies[429] ?? 0).toBe(0);
    expect(simulator.requests.every((r) => r.status === 200)).toBe(true);
    // pages went back in time, each `to` the start of the window before
    const tos = simulator.requests.map((r) => Date.parse(r.query['to'] ?? ''));
    for (let i = 1; i < tos.length; i++) expect(tos[i - 1]! - tos[i]!).toBe(200 * MINUTE);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'progress', fetched: expected.length, total: 30 * 1440, covered: 30 * 1440, pages: 216, eta: 0 });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress).toHaveLength(216);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.covered).toBeGreaterThan(progress[i - 1]!.covered);
  }, 60_000);

  it('should stop at the start of a market history (an empty page) instead of paging back to from', async () => {
    const c = open();
    const listedAt = simulator.model.market('KRW-BTC')!.listedAt;
    const candles = await fetchCandleRange(c, 'KRW-BTC', '1y', { from: Date.UTC(2015, 0, 1), to: Date.UTC(2027, 0, 1), pageSize: 2, now });
    expect(candles.map((k) => new Date(k.openTime).getUTCFullYear())).toEqual([2024, 2025, 2026]);
    expect(candles[0]!.openTime).toBe(listedAt);
    // windows [2025, 2027), [2023, 2025), [2021, 2023): the third is empty, 2015-2020 are never asked for
    expect(candleRequests()).toBe(3);
  });

  it('should page month and week candles over calendar boundaries', async () => {
    const c = open();
    const months = await fetchCandleRange(c, 'KRW-ETH', '1M', { from: Date.UTC(2024, 1, 1), to: Date.UTC(2026, 10, 1), pageSize: 5, now });
    const expectedMonths = simulator.model.candles('KRW-ETH', '1M', Date.UTC(2024, 1, 1), Date.UTC(2026, 10, 1));
    expect(months.map((k) => k.openTime)).toEqual(expectedMonths.map((k) => k.start));
    expect(months).toHaveLength(33); // Feb 2024 .. Oct 2026
    expect(months.every((k) => new Date(k.openTime).getUTCDate() === 1)).toBe(true);
    expect(months.map((k) => k.close.toString())).toEqual(expectedMonths.map((k) => k.close.toString()));

    const from = Date.UTC(2024, 2, 1); // a Friday: the week of Monday Feb 26 starts before it and is left out
    const weeks = await fetchCandleRange(c, 'KRW-ETH', '1w', { from, to: Date.UTC(2025, 2, 1), pageSize: 7, now });
    const expectedWeeks = simulator.model.candles('KRW-ETH', '1w', from, Date.UTC(2025, 2, 1)).filter((k) => k.start >= from);
    expect(weeks.map((k) => k.openTime)).toEqual(expectedWeeks.map((k) => k.start));
    expect(weeks.every((k) => new Date(k.openTime).getUTCDay() === 1)).toBe(true);
    expect(weeks[0]!.openTime).toBe(Date.UTC(2024, 2, 4));
  });

  it('should reject an unknown market with UnknownSymbolError and send no candle request', async () => {
    await expect(fetchCandleRange(open(), 'KRW-NOPE', '1m', { from: 0, to: DAY, now })).rejects.toBeInstanceOf(UnknownSymbolError);
    expect(candleRequests()).toBe(0);
  });

  it('should return nothing and ask nothing for an empty range', async () => {
    const t = Date.UTC(2026, 0, 1);
    await expect(fetchCandleRange(open(), 'KRW-BTC', '1m', { from: t, to: t, now })).resolves.toEqual([]);
    expect(candleRequests()).toBe(0);
  });
});

describe('fill', () => {
  it('should insert one flat candle per quiet minute, carrying the close across page boundaries', async () => {
    const from = Date.UTC(2026, 0, 2, 3);
    const to = from + 6 * 60 * MINUTE;
    const real = simulator.model.candles('KRW-XEC', '1m', from, to);
    const lastBefore = simulator.model.candles('KRW-XEC', '1m', from - 60 * MINUTE, from).at(-1)!;
    expect(real.length).toBeLessThan(360);
    // small pages, so that windows begin and end inside quiet stretches
    const candles = await fetchCandleRange(open(), 'KRW-XEC', '1m', { from, to, fill: true, pageSize: 7, now });

    expect(candles.map((k) => k.openTime)).toEqual(Array.from({ length: 360 }, (_, i) => from + i * MINUTE));
    const filled = candles.filter(isFilledCandle);
    expect(filled).toHaveLength(360 - real.length);
    expect(candles.filter((k) => !isFilledCandle(k)).map((k) => k.openTime)).toEqual(real.map((k) => k.start));
    candles.forEach((k, i) => {
      if (!isFilledCandle(k)) return;
      const previousClose = i === 0 ? lastBefore.close : candles[i - 1]!.close;
      expect([k.open, k.high, k.low, k.close].every((p) => p.eq(previousClose))).toBe(true);
      expect(k.baseVolume.eq(0) && k.quoteVolume.eq(0)).toBe(true);
    });
  });

  it('should leave periods before the first known candle empty without a previous close', () => {
    const base = { type: 'candle', exchange: 'x', symbol: 'A/B', market: 'B-A', interval: '1m', timestamp: 0, receivedAt: 0 } as const;
    const candle = (openTime: number, close: string): Candle => {
      const price = new Big(close);
      return { ...base, openTime, open: price, high: price, low: price, close: price, baseVolume: new Big(1), quoteVolume: price };
    };
    const list = [candle(2 * MINUTE, '10'), candle(4 * MINUTE, '12')];
    const out = fillCandleGaps(list, '1m', { from: 0, to: 6 * MINUTE });
    expect(out.map((k) => [k.openTime / MINUTE, k.close.toString(), isFilledCandle(k)])).toEqual([
      [2, '10', false],
      [3, '10', true],
      [4, '12', false],
      [5, '12', true],
    ]);
    const seeded = fillCandleGaps(list, '1m', { from: 0, to: 3 * MINUTE, previous: candle(-MINUTE, '9') });
    expect(seeded.map((k) => [k.openTime / MINUTE, k.close.toString(), isFilledCandle(k)])).toEqual([
      [0, '9', true],
      [1, '9', true],
      [2, '10', false],
      [4, '12', false],
    ]);
  });
});

describe('downloadCandles cancellation', () => {
  it('should send no further request once unsubscribed between pages', async () => {
    const c = open();
    await c.getMarkets();
    simulator.clearLog();
    let batches = 0;
    let atUnsubscribe = -1;
    const subscription = downloadCandles(c, 'KRW-BTC', '1m', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 31), now }).subscribe((event) => {
      if (event.type !== 'batch' || ++batches < 5) return;
      atUnsubscribe = candleRequests();
      subscription.unsubscribe();
    });
    while (atUnsubscribe < 0) await sleep(20);
    await sleep(1_500);
    expect(atUnsubscribe).toBe(5);
    expect(candleRequests()).toBe(5);
  });

  it('should abort the request in flight and send nothing more when unsubscribed mid-request', async () => {
    const c = open();
    await c.getMarkets();
    simulator.clearLog();
    simulator.setLatency(300);
    try {
      const events: CandleDownloadEvent[] = [];
      const subscription = downloadCandles(c, 'KRW-BTC', '1m', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 31), now }).subscribe((e) => events.push(e));
      await sleep(1_000); // about 3 pages answered, the 4th under way
      subscription.unsubscribe();
      const atUnsubscribe = candleRequests();
      await sleep(1_500);
      const later = candleRequests();
      expect(later - atUnsubscribe).toBeLessThanOrEqual(1); // the one already on the wire may still arrive
      expect(later).toBeLessThan(10);
      const emitted = events.length;
      await sleep(500);
      expect(candleRequests()).toBe(later);
      expect(events).toHaveLength(emitted);
    } finally {
      simulator.setLatency(0);
    }
  });
});

describe('countPeriods', () => {
  it('should count calendar and fixed periods starting in [from, to)', () => {
    expect(countPeriods('1m', Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 31))).toBe(30 * 24 * 60);
    expect(countPeriods('1d', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1))).toBe(366);
    expect(countPeriods('1M', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1))).toBe(12);
    expect(countPeriods('1M', Date.UTC(2024, 0, 15), Date.UTC(2025, 0, 1))).toBe(11);
    expect(countPeriods('1w', Date.UTC(2026, 0, 5), Date.UTC(2026, 1, 2))).toBe(4); // Mondays Jan 5, 12, 19, 26
    expect(countPeriods('1w', Date.UTC(2026, 0, 6), Date.UTC(2026, 1, 3))).toBe(4); // Jan 12 .. Feb 2
    expect(countPeriods('1y', Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1))).toBe(0);
    expect(countPeriods('4h', Date.UTC(2026, 0, 1, 1), Date.UTC(2026, 0, 2))).toBe(5); // 04 08 12 16 20
  });
});
