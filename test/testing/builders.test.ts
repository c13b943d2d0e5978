/**
 * The value builders of `market-data-backbone/testing`: complete values from short specs, defaults
 * derived from what the spec gives, exact decimals, and typed errors naming the field.
 */
import { describe, expect, it } from 'vitest';
import { Big, InvalidArgumentError } from 'market-data-backbone';
import { buildCandle, buildOrderBook, buildStatus, buildTicker, buildTrade } from 'market-data-backbone/testing';

/** The `argument` of the InvalidArgumentError `build` throws (fails the test when it throws none, or another error). */
function rejectedField(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).argument;
  }
  throw new Error('the builder accepted the spec');
}

describe('buildTicker', () => {
  it('should derive every field from last alone: flat day, no volume, market from the context', () => {
    const ticker = buildTicker({ last: '100' }, { symbol: 'BTC/KRW', at: 7 });
    expect({ ...ticker, last: ticker.last.toFixed(), open: ticker.open.toFixed(), high: ticker.high.toFixed(), low: ticker.low.toFixed() }).toMatchObject({
      type: 'ticker', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 7, receivedAt: 7, last: '100', open: '100', high: '100', low: '100',
    });
    expect([ticker.change, ticker.changeRate, ticker.baseVolume, ticker.quoteVolume, ticker.baseVolume24h].map((b) => b.toFixed())).toEqual(['0', '0', '0', '0', '0']);
    expect(ticker).not.toHaveProperty('lastAmount');
  });

  it('should derive change, rate, extremes and quote volume consistently from what is given', () => {
    const ticker = buildTicker({ last: '103', open: '98', prevClose: '100', baseVolume: '2.5' });
    expect([ticker.change, ticker.changeRate, ticker.high, ticker.low, ticker.quoteVolume, ticker.quoteVolume24h].map((b) => b.toFixed())).toEqual(['3', '0.03', '103', '98', '257.5', '257.5']);
    expect(buildTicker({ last: '90', open: '100' }).prevClose.toFixed()).toBe('100');
    expect(buildTicker({ last: '2', prevClose: '3' }).changeRate.toFixed()).toBe('-0.3333333333');
  });

  it('should keep every digit: text, Big and numbers read from their shortest text', () => {
    const ticker = buildTicker({ last: '123456789012345678901234.000000001', open: new Big('0.1'), lastAmount: 0.1, baseVolume: 3 });
    expect(ticker.last.toFixed()).toBe('123456789012345678901234.000000001');
    expect(ticker.lastAmount?.plus('0.2').toFixed()).toBe('0.3');
    expect(ticker.quoteVolume.toFixed()).toBe('370370367037037036703702.000000003');
  });

  it('should refuse bad decimals, unknown fields, missing last and inconsistent extremes, naming the field', () => {
    expect(rejectedField(() => buildTicker({ last: '1,000' }))).toBe('ticker.last');
    expect(rejectedField(() => buildTicker({ last: '1', lst: '2' } as never))).toBe('ticker.lst');
    expect(rejectedField(() => buildTicker({} as never))).toBe('ticker.last');
    expect(rejectedField(() => buildTicker({ last: '-1' }))).toBe('ticker.last');
    expect(rejectedField(() => buildTicker({ last: 2 ** 60 }))).toBe('ticker.last');
    expect(rejectedField(() => buildTicker({ last: Number.NaN }))).toBe('ticker.last');
    expect(rejectedField(() => buildTicker({ last: '105', high: '104' }))).toBe('ticker.high');
    expect(rejectedField(() => buildTicker({ last: '105', low: '106' }))).toBe('ticker.low');
    expect(rejectedField(() => buildTicker({ last: '1', timestamp: -1 }))).toBe('ticker.timestamp');
    expect(rejectedField(() => buildTicker({ last: '1' }, { field: 'values.a', symbol: 'nope/' }))).toBe('context.symbol');
    expect(rejectedField(() => buildTicker({ last: 'x' }, { field: 'values.a' }))).toBe('values.a.last');
    expect(buildTicker({ last: '1', change: '-0.5' }).change.toFixed()).toBe('-0.5');
  });
});

describe('buildTrade', () => {
  it('should default amount 1, side buy and the id to the position in the stream', () => {
    const trade = buildTrade({ price: '0.00012345' }, { exchange: 'binance', symbol: 'ETH/BTC', at: 3, sequence: 12 });
    expect({ ...trade, price: trade.price.toFixed(), amount: trade.amount.toFixed() }).toEqual({
      type: 'trade', exchange: 'binance', symbol: 'ETH/BTC', market: 'ETHBTC', timestamp: 3, receivedAt: 3, id: '12', price: '0.00012345', amount: '1', side: 'buy',
    });
  });

  it('should refuse a bad side, a non-digit id and a zero amount', () => {
    expect(rejectedField(() => buildTrade({ price: '1', side: 'long' as 'buy' }))).toBe('trade.side');
    expect(rejectedField(() => buildTrade({ price: '1', id: 'abc' }))).toBe('trade.id');
    expect(rejectedField(() => buildTrade({ price: '1', amount: '0' }))).toBe('trade.amount');
  });
});

describe('buildOrderBook', () => {
  it('should build the best levels with size 1, or whole sides from tuples and objects', () => {
    const best = buildOrderBook({ bid: '99', ask: '101', askSize: '0.25' });
    expect([best.bids, best.asks].map((side) => side.map((l) => `${l.price.toFixed()}x${l.amount.toFixed()}`))).toEqual([['99x1'], ['101x0.25']]);
    const full = buildOrderBook({ bids: [['99', '2'], { price: '98.5', amount: '1' }], asks: [], updateId: '123456789012345678901' });
    expect(full.bids.map((l) => l.price.toFixed())).toEqual(['99', '98.5']);
    expect(full.asks).toEqual([]);
    expect(full.updateId).toBe('123456789012345678901');
    expect(buildOrderBook({}).bids).toEqual([]);
  });

  it('should refuse levels out of order, both forms of one side and a bad level, naming the level', () => {
    expect(rejectedField(() => buildOrderBook({ bids: [['99', '1'], ['100', '1']] }))).toBe('orderBook.bids[1]');
    expect(rejectedField(() => buildOrderBook({ asks: [['101', '1'], ['101', '1']] }))).toBe('orderBook.asks[1]');
    expect(rejectedField(() => buildOrderBook({ bid: '1', bids: [] }))).toBe('orderBook.bid');
    expect(rejectedField(() => buildOrderBook({ asks: [['1', 'x']] }))).toBe('orderBook.asks[0][1]');
    expect(rejectedField(() => buildOrderBook({ asks: [{ price: '1' } as never] }))).toBe('orderBook.asks[0].amount');
    expect(rejectedField(() => buildOrderBook({ updateId: 5 as never }))).toBe('orderBook.updateId');
  });
});

describe('buildCandle', () => {
  it('should open at the period of the time, flat at close unless told, quote volume at close', () => {
    const candle = buildCandle({ close: '104', open: '100', baseVolume: '2' }, { interval: '1m', at: 90_000 });
    expect([candle.openTime, candle.interval, candle.closed, candle.high.toFixed(), candle.low.toFixed(), candle.quoteVolume.toFixed()]).toEqual([60_000, '1m', false, '104', '100', '208']);
    expect(buildCandle({ close: '5', closed: true }).closed).toBe(true);
  });

  it('should refuse an open time off the period grid and a low above the prices', () => {
    expect(rejectedField(() => buildCandle({ close: '1', openTime: 30_000 }, { interval: '1m' }))).toBe('candle.openTime');
    expect(rejectedField(() => buildCandle({ close: '1', low: '2' }))).toBe('candle.low');
    expect(rejectedField(() => buildCandle({ close: '1' }, { interval: '2m' as '1m' }))).toBe('context.interval');
  });
});

describe('buildStatus', () => {
  it('should carry the exchange and the time of the context, and only the details given', () => {
    expect(buildStatus({ status: 'reconnect', attempt: 2 }, { exchange: 'coinone', at: 9 })).toEqual({ type: 'status', exchange: 'coinone', status: 'reconnect', attempt: 2, timestamp: 9 });
    expect(rejectedField(() => buildStatus({ status: 'up' as 'connected' }))).toBe('status.status');
  });
});
