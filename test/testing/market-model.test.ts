import { describe, expect, it } from 'vitest';
import { Big } from '../../src/model/decimal.js';
import { PATH_AMPLITUDE } from '../../src/testing/market/price-path.js';
import { bandOf } from '../../src/testing/market/ticks.js';
import { DEFAULT_MARKETS, MarketModel, tickFor, type SimAggregate, type SimTrade } from '../../src/testing/index.js';
import { T0 } from './helpers.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

function aggregateOf(trades: readonly SimTrade[]): SimAggregate | undefined {
  const first = trades[0];
  const last = trades[trades.length - 1];
  if (first === undefined || last === undefined) return undefined;
  let high = first.price;
  let low = first.price;
  let volume = new Big(0);
  let value = new Big(0);
  let askVolume = new Big(0);
  for (const trade of trades) {
    if (trade.price.gt(high)) high = trade.price;
    if (trade.price.lt(low)) low = trade.price;
    volume = volume.plus(trade.volume);
    value = value.plus(trade.price.times(trade.volume));
    if (trade.side === 'ASK') askVolume = askVolume.plus(trade.volume);
  }
  return {
    trades: trades.length,
    open: first.price,
    high,
    low,
    close: last.price,
    firstTimestamp: first.timestamp,
    lastTimestamp: last.timestamp,
    volume,
    value,
    askVolume,
    bidVolume: volume.minus(askVolume),
  };
}

/** Big fields as strings, for readable diffs. */
function plain(aggregate: SimAggregate | undefined): Record<string, string | number> | undefined {
  if (aggregate === undefined) return undefined;
  const { trades, open, high, low, close, firstTimestamp, lastTimestamp, volume, value, askVolume, bidVolume } = aggregate;
  return {
    trades,
    open: open.toFixed(),
    high: high.toFixed(),
    low: low.toFixed(),
    close: close.toFixed(),
    firstTimestamp,
    lastTimestamp,
    volume: volume.toFixed(),
    value: value.toFixed(),
    askVolume: askVolume.toFixed(),
    bidVolume: bidVolume.toFixed(),
  };
}

describe('MarketModel', () => {
  const model = new MarketModel({ clock: { now: () => T0 } });

  it('should keep every market inside one band of its tick table', () => {
    for (const spec of DEFAULT_MARKETS) {
      const quote = spec.market.split('-')[0] ?? '';
      const base = new Big(spec.basePrice);
      const reach = Math.exp(PATH_AMPLITUDE * (spec.volatility ?? 1));
      const band = bandOf(quote, base);
      expect(base.div(reach).gt(band.min), spec.market).toBe(true);
      if (band.max !== undefined) expect(base.times(reach).lt(band.max), spec.market).toBe(true);
    }
  });

  it('should be deterministic for a seed and differ across seeds', () => {
    const again = new MarketModel({ clock: { now: () => T0 } });
    const other = new MarketModel({ seed: 7, clock: { now: () => T0 } });
    const ids = (m: MarketModel): string[] => m.trades('KRW-ETH', T0 - 5 * MINUTE, T0).map((t) => `${t.sequentialId}@${t.price}x${t.volume}`);
    expect(ids(again)).toEqual(ids(model));
    expect(ids(other)).not.toEqual(ids(model));
    expect(again.ticker('KRW-ETH')).toEqual(model.ticker('KRW-ETH'));
  });

  it('should trade a few times per second on KRW-BTC and leave empty minutes on small markets', () => {
    const btc = model.trades('KRW-BTC', T0 - 10 * MINUTE, T0);
    expect(btc.length / 600).toBeGreaterThan(0.5);
    expect(btc.length / 600).toBeLessThan(5);
    const small = model.candles('KRW-BTT', '1m', T0 - 3 * 3_600_000, T0);
    expect(small.length).toBeLessThan(180);
    expect(small.length).toBeGreaterThan(60);
  });

  it('should put trade prices on the tick grid and order trades by sequential_id', () => {
    for (const code of ['KRW-BTC', 'KRW-DOGE', 'KRW-SHIB', 'BTC-XRP', 'USDT-BTC']) {
      const trades = model.trades(code, T0 - 30 * MINUTE, T0);
      expect(trades.length).toBeGreaterThan(0);
      for (let i = 0; i < trades.length; i++) {
        const trade = trades[i];
        if (trade === undefined) continue;
        expect(trade.price.mod(tickFor(trade.market.split('-')[0] ?? '', trade.price)).eq(0)).toBe(true);
        expect(trade.volume.gt(0)).toBe(true);
        expect(trade.sequentialId).toBe((BigInt(trade.timestamp) * 10_000n + BigInt(trade.sequentialId.slice(-4))).toString());
        if (i > 0) expect(BigInt(trade.sequentialId) > BigInt(trades[i - 1]?.sequentialId ?? '0')).toBe(true);
      }
    }
  });

  it('should make the ticker agree with the trades', () => {
    for (const code of ['KRW-BTC', 'KRW-ANKR', 'BTC-ADA']) {
      const ticker = model.ticker(code, T0);
      const last = model.lastTrade(code, T0);
      const midnight = Math.floor(T0 / DAY) * DAY;
      const today = model.trades(code, midnight, T0 + 1);
      const prev = model.lastTrade(code, midnight - 1);
      const day = aggregateOf(today);
      const rolling = code === 'KRW-BTC' ? undefined : aggregateOf(model.trades(code, T0 + 1 - DAY, T0 + 1));
      expect(ticker?.tradePrice.eq(last?.price ?? -1)).toBe(true);
      expect(ticker?.tradeTimestamp).toBe(last?.timestamp);
      expect(ticker?.tradeVolume.eq(last?.volume ?? -1)).toBe(true);
      expect(ticker?.prevClosingPrice.eq(prev?.price ?? -1)).toBe(true);
      expect(ticker?.openingPrice.eq(day?.open ?? -1)).toBe(true);
      expect(ticker?.highPrice.eq(day?.high ?? -1)).toBe(true);
      expect(ticker?.lowPrice.eq(day?.low ?? -1)).toBe(true);
      expect(ticker?.accTradeVolume.eq(day?.volume ?? -1)).toBe(true);
      expect(ticker?.accTradePrice.eq(day?.value ?? -1)).toBe(true);
      expect(ticker?.accAskVolume.eq(day?.askVolume ?? -1)).toBe(true);
      if (rolling !== undefined) {
        expect(ticker?.accTradeVolume24h.eq(rolling.volume)).toBe(true);
        expect(ticker?.accTradePrice24h.eq(rolling.value)).toBe(true);
      }
      const change = (ticker?.tradePrice ?? new Big(0)).minus(ticker?.prevClosingPrice ?? 0);
      expect(ticker?.signedChangePrice.eq(change)).toBe(true);
      expect(ticker?.change).toBe(change.gt(0) ? 'RISE' : change.lt(0) ? 'FALL' : 'EVEN');
      expect(ticker?.signedChangeRate.eq(change.div(ticker.prevClosingPrice).round(10, Big.roundHalfUp))).toBe(true);
      expect(ticker?.highest52WeekPrice.gte(ticker.highPrice)).toBe(true);
      expect(ticker?.lowest52WeekPrice.lte(ticker.lowPrice)).toBe(true);
    }
  });

  it('should build order books that straddle the last trade', () => {
    for (const code of ['KRW-BTC', 'KRW-XRP', 'KRW-BTT', 'BTC-ADA', 'USDT-SOL']) {
      for (const at of [T0, T0 + 1500, T0 + 61_000]) {
        const book = model.orderBook(code, at);
        const last = model.lastTrade(code, at);
        const quote = code.split('-')[0] ?? '';
        const [best] = book?.units ?? [];
        expect(book?.units.length).toBe(30);
        expect(best?.bidPrice.lt(best.askPrice)).toBe(true);
        expect(last?.price.eq(best?.bidPrice ?? -1) || last?.price.eq(best?.askPrice ?? -1)).toBe(true);
        let totalAsk = new Big(0);
        let totalBid = new Big(0);
        book?.units.forEach((unit, i) => {
          totalAsk = totalAsk.plus(unit.askSize);
          totalBid = totalBid.plus(unit.bidSize);
          expect(unit.askPrice.mod(tickFor(quote, unit.askPrice)).eq(0)).toBe(true);
          expect(unit.bidPrice.mod(tickFor(quote, unit.bidPrice)).eq(0)).toBe(true);
          const previous = book.units[i - 1];
          if (previous !== undefined) {
            expect(unit.askPrice.gt(previous.askPrice)).toBe(true);
            expect(unit.bidPrice.lt(previous.bidPrice)).toBe(true);
          }
        });
        expect(book?.totalAskSize.eq(totalAsk)).toBe(true);
        expect(book?.totalBidSize.eq(totalBid)).toBe(true);
      }
    }
  });

  it('should group order-book levels by the requested unit', () => {
    const raw = model.orderBook('KRW-BTC', T0, 30);
    const grouped = model.orderBook('KRW-BTC', T0, 5, '10000');
    expect(grouped?.units.length).toBe(5);
    for (const unit of grouped?.units ?? []) {
      expect(unit.askPrice.mod(10_000).eq(0)).toBe(true);
      expect(unit.bidPrice.mod(10_000).eq(0)).toBe(true);
    }
    // The best grouped ask row (10 ticks wide, inside the 30 raw rows) holds exactly the raw asks that round up into it.
    const bestAsk = grouped?.units[0]?.askPrice ?? new Big(0);
    const inRow = (raw?.units ?? []).filter((u) => u.askPrice.div(10_000).round(0, Big.roundUp).times(10_000).eq(bestAsk));
    expect(inRow.length).toBeGreaterThan(0);
    expect(grouped?.units[0]?.askSize.eq(inRow.reduce((sum, u) => sum.plus(u.askSize), new Big(0)))).toBe(true);
  });

  it('should aggregate minute candles exactly from the trades, without empty minutes', () => {
    for (const code of ['KRW-BTC', 'KRW-MBL']) {
      const from = Math.floor(T0 / 3_600_000) * 3_600_000 - 2 * 3_600_000;
      const candles = model.candles(code, '1m', from, from + 90 * MINUTE);
      const trades = model.trades(code, from, from + 90 * MINUTE);
      const byMinute = new Map<number, SimTrade[]>();
      for (const trade of trades) {
        const start = Math.floor(trade.timestamp / MINUTE) * MINUTE;
        byMinute.set(start, [...(byMinute.get(start) ?? []), trade]);
      }
      expect(candles.map((c) => c.start)).toEqual([...byMinute.keys()]);
      for (const candle of candles) {
        const { market: _m, interval: _i, start: _s, end: _e, ...aggregate } = candle;
        expect(plain(aggregate)).toEqual(plain(aggregateOf(byMinute.get(candle.start) ?? [])));
      }
      if (code === 'KRW-MBL') expect(candles.length).toBeLessThan(90);
    }
  });

  it('should aggregate day candles exactly from the trades', () => {
    for (const code of ['KRW-BTC', 'KRW-ANKR']) {
      const day = Math.floor(T0 / DAY) * DAY - 3 * DAY;
      const [candle] = model.candles(code, '1d', day, day + 1);
      const expected = aggregateOf(model.trades(code, day, day + DAY));
      expect(expected?.trades).toBeGreaterThan(500);
      expect(candle?.start).toBe(day);
      expect(plain(candle === undefined ? undefined : { ...candle })).toMatchObject(plain(expected) ?? {});
    }
  });

  it('should sum longer periods from the same history', () => {
    const week = Date.UTC(2025, 6, 21);
    const [weekCandle] = model.candles('KRW-SOL', '1w', week, week + 1);
    const days = model.candles('KRW-SOL', '1d', week, week + 7 * DAY);
    expect(days.length).toBe(7);
    expect(weekCandle?.volume.eq(days.reduce((sum, d) => sum.plus(d.volume), new Big(0)))).toBe(true);
    expect(weekCandle?.value.eq(days.reduce((sum, d) => sum.plus(d.value), new Big(0)))).toBe(true);
    expect(weekCandle?.open.eq(days[0]?.open ?? -1)).toBe(true);
    expect(weekCandle?.close.eq(days[6]?.close ?? -1)).toBe(true);
  });

  it('should not know unknown markets and hide markets before their listing', () => {
    expect(model.hasMarket('KRW-NOPE')).toBe(false);
    expect(() => model.ticker('KRW-NOPE')).toThrow(/unknown market/);
    const early = Date.UTC(2024, 4, 1) - 1;
    expect(model.hasMarket('KRW-SUI', early)).toBe(false);
    expect(model.markets(early).some((m) => m.market === 'KRW-SUI')).toBe(false);
    expect(model.trades('KRW-SUI', early - DAY, early)).toEqual([]);
  });
});
