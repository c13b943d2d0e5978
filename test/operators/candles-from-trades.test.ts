/**
 * `candlesFromTrades` against the deterministic market model: candles built from the model's trades must
 * equal the model's own candles exactly (the model aggregates the same trades independently, in integer
 * ticks and lots). Also pins the UTC period arithmetic, and checks it agrees with the simulator's copy.
 */
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { candlesFromTrades } from '../../operators/candlesFromTrades.js';
import { nextPeriod, periodStart } from '../../src/model/candle-periods.js';
import type { CandlesFromTradesConfig, CandleUpdate } from '../../operators/candlesFromTrades.js';
import { CANDLE_INTERVALS, type CandleInterval } from '../../src/model/candle.js';
import type { Trade } from '../../src/model/trade.js';
import { MarketModel, type SimAggregate, type SimCandle, type SimTrade } from '../../src/testing/index.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Wednesday 2025-07-30 12:00 UTC: the model's "now"; every range below ends at or before it. */
const T = Date.UTC(2025, 6, 30, 12);
const model = new MarketModel({ clock: { now: () => T } });

/** A simulator trade as the library's `Trade` (Upbit's taker side: BID = the taker bought). */
function toTrade(sim: SimTrade): Trade {
  const [quote = '', base = ''] = sim.market.split('-');
  return {
    type: 'trade', exchange: 'upbit', symbol: `${base}/${quote}`, market: sim.market,
    timestamp: sim.timestamp, receivedAt: sim.timestamp, id: sim.sequentialId,
    price: sim.price, amount: sim.volume, side: sim.side === 'BID' ? 'buy' : 'sell',
  };
}

function tradesOf(market: string, fromMs: number, toMs: number): Trade[] {
  return model.trades(market, fromMs, toMs).map(toTrade);
}

/** Runs the (synchronous) operator over `trades` and collects everything it emits. */
function run(trades: readonly Trade[], interval: CandleInterval, config?: CandlesFromTradesConfig): CandleUpdate[] {
  const out: CandleUpdate[] = [];
  from(trades).pipe(candlesFromTrades(interval, config)).subscribe((candle) => out.push(candle));
  return out;
}

interface Comparable {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly baseVolume: string;
  readonly quoteVolume: string;
  readonly timestamp: number;
}

function ofCandle(c: CandleUpdate): Comparable {
  const { openTime, timestamp } = c;
  return { openTime, timestamp, ...ohlcv(c.open, c.high, c.low, c.close, c.baseVolume, c.quoteVolume) };
}

function ofAggregate(start: number, a: SimAggregate): Comparable {
  return { openTime: start, timestamp: a.lastTimestamp, ...ohlcv(a.open, a.high, a.low, a.close, a.volume, a.value) };
}

function ofSimCandle(c: SimCandle): Comparable {
  return ofAggregate(c.start, c);
}

type Ohlcv = Pick<Comparable, 'open' | 'high' | 'low' | 'close' | 'baseVolume' | 'quoteVolume'>;

function ohlcv(...values: readonly { toString(): string }[]): Ohlcv {
  const [open = '', high = '', low = '', close = '', baseVolume = '', quoteVolume = ''] = values.map(String);
  return { open, high, low, close, baseVolume, quoteVolume };
}

const closedOf = (candles: readonly CandleUpdate[]): CandleUpdate[] => candles.filter((c) => c.closed);

describe('periodStart / nextPeriod', () => {
  const at = Date.UTC(2025, 6, 30, 13, 47, 21, 512); // a Wednesday

  it('should align every interval to its UTC period start', () => {
    const expected: Record<CandleInterval, number> = {
      '1s': Date.UTC(2025, 6, 30, 13, 47, 21),
      '1m': Date.UTC(2025, 6, 30, 13, 47),
      '3m': Date.UTC(2025, 6, 30, 13, 45),
      '5m': Date.UTC(2025, 6, 30, 13, 45),
      '10m': Date.UTC(2025, 6, 30, 13, 40),
      '15m': Date.UTC(2025, 6, 30, 13, 45),
      '30m': Date.UTC(2025, 6, 30, 13, 30),
      '1h': Date.UTC(2025, 6, 30, 13),
      '4h': Date.UTC(2025, 6, 30, 12),
      '1d': Date.UTC(2025, 6, 30),
      '1w': Date.UTC(2025, 6, 28), // Monday
      '1M': Date.UTC(2025, 6, 1),
      '1y': Date.UTC(2025, 0, 1),
    };
    for (const interval of CANDLE_INTERVALS) expect([interval, periodStart(interval, at)]).toEqual([interval, expected[interval]]);
  });

  it('should start weeks on Monday 00:00 UTC and keep a boundary instant in the new period', () => {
    const monday = Date.UTC(2025, 6, 28);
    expect(periodStart('1w', monday)).toBe(monday);
    expect(periodStart('1w', monday - 1)).toBe(monday - 7 * DAY);
    expect(periodStart('1w', Date.UTC(1970, 0, 1))).toBe(Date.UTC(1969, 11, 29)); // before the first Monday
    expect(nextPeriod('1w', monday)).toBe(Date.UTC(2025, 7, 4));
  });

  it('should step months and years by the calendar (leap February, December to January)', () => {
    expect(nextPeriod('1M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1));
    expect(periodStart('1M', Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe(Date.UTC(2024, 1, 1));
    expect(nextPeriod('1M', Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1));
    expect(nextPeriod('1y', Date.UTC(2024, 0, 1))).toBe(Date.UTC(2025, 0, 1));
    expect(periodStart('1y', Date.UTC(2025, 0, 1) - 1)).toBe(Date.UTC(2024, 0, 1));
  });
});

describe('candlesFromTrades against the market model', () => {
  it('should rebuild the model candles of KRW-BTC exactly for every minute interval', () => {
    const fromMs = T - 4 * HOUR; // 08:00 UTC, a 4h boundary
    const trades = tradesOf('KRW-BTC', fromMs, T);
    expect(trades.length).toBeGreaterThan(10_000);
    for (const interval of ['1m', '3m', '5m', '10m', '15m', '30m', '1h', '4h'] as const) {
      const out = run(trades, interval);
      const closed = closedOf(out);
      expect(closed.map(ofCandle)).toEqual(model.candles('KRW-BTC', interval, fromMs, T).map(ofSimCandle));
      // One open update per trade; each closed candle repeats the last update of its period.
      expect(out.length - closed.length).toBe(trades.length);
      for (const [i, candle] of out.entries()) {
        if (candle.closed) expect({ ...out[i - 1], closed: true }).toEqual(candle);
      }
    }
  });

  it('should give 1s candles only to seconds with trades', () => {
    const fromMs = T - 10 * MINUTE;
    const closed = run(tradesOf('KRW-BTC', fromMs, T), '1s', { emit: 'closed' });
    expect(closed.length).toBeLessThan(600); // some seconds had no trade
    expect(closed.map(ofCandle)).toEqual(model.candles('KRW-BTC', '1s', fromMs, T).map(ofSimCandle));
  });

  it('should have no candle for minutes without trades on a thin market, unless fillGaps', () => {
    const fromMs = T - 3 * HOUR;
    const trades = tradesOf('KRW-STX', fromMs, T);
    const closed = run(trades, '1m', { emit: 'closed' });
    expect(closed.map(ofCandle)).toEqual(model.candles('KRW-STX', '1m', fromMs, T).map(ofSimCandle));

    const withCandle = new Set(closed.map((c) => c.openTime));
    const empty = Array.from({ length: 180 }, (_, i) => fromMs + i * MINUTE).filter((m) => !withCandle.has(m));
    expect(empty.length).toBeGreaterThan(10);
    for (const minute of empty) expect(model.trades('KRW-STX', minute, minute + MINUTE)).toEqual([]);

    const filled = run(trades, '1m', { emit: 'closed', fillGaps: true });
    const first = closed[0]?.openTime ?? 0;
    const last = closed[closed.length - 1]?.openTime ?? 0;
    expect(filled.map((c) => c.openTime)).toEqual(Array.from({ length: (last - first) / MINUTE + 1 }, (_, i) => first + i * MINUTE));
    expect(filled.filter((c) => c.filled !== true)).toEqual(closed);
    for (const [i, candle] of filled.entries()) {
      if (candle.filled !== true) continue;
      const previousClose = filled[i - 1]?.close;
      expect(withCandle.has(candle.openTime)).toBe(false);
      expect([candle.open, candle.high, candle.low, candle.close].map(String)).toEqual(Array(4).fill(String(previousClose)));
      expect([candle.baseVolume.toString(), candle.quoteVolume.toString(), candle.closed]).toEqual(['0', '0', true]);
    }
  });

  it('should rebuild daily and weekly candles (weeks from Monday) of BTC-SOL', () => {
    const fromMs = Date.UTC(2025, 6, 7); // a Monday
    const toMs = Date.UTC(2025, 6, 28); // three weeks later
    const trades = tradesOf('BTC-SOL', fromMs, toMs);
    for (const interval of ['1d', '1w'] as const) {
      const closed = run(trades, interval, { emit: 'closed' });
      expect(closed).toHaveLength(interval === '1d' ? 21 : 3);
      expect(closed.map(ofCandle)).toEqual(model.candles('BTC-SOL', interval, fromMs, toMs).map(ofSimCandle));
    }
  });

  it('should rebuild monthly candles and split yearly ones on Jan 1 (BTC-LINK, Dec 2024 - Jan 2025)', () => {
    const dec = Date.UTC(2024, 11, 1);
    const jan = Date.UTC(2025, 0, 1);
    const feb = Date.UTC(2025, 1, 1);
    const trades = tradesOf('BTC-LINK', dec, feb);
    const months = run(trades, '1M', { emit: 'closed' });
    expect(months.map((c) => c.openTime)).toEqual([dec, jan]);
    expect(months.map(ofCandle)).toEqual(model.candles('BTC-LINK', '1M', dec, feb).map(ofSimCandle));

    // Only December's trades were fed, so the 2024 candle is the aggregate of December.
    const years = run(trades, '1y', { emit: 'closed' });
    const parts = [[dec, jan], [jan, feb]] as const;
    const expected = parts.map(([a, b]) => {
      const aggregate = model.aggregate('BTC-LINK', a, b);
      if (aggregate === undefined) throw new Error('no trades in the range');
      return ofAggregate(periodStart('1y', a), aggregate);
    });
    expect(years.map(ofCandle)).toEqual(expected);
    expect(years.map((c) => c.openTime)).toEqual([Date.UTC(2024, 0, 1), jan]);
  });
});
