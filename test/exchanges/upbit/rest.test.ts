import { describe, expect, it } from 'vitest';
import { formatUpbitTime, toUpbitSymbol, upbitAdapter } from '../../../src/exchanges/upbit/index.js';
import { CANDLE_INTERVALS } from '../../../src/model/candle.js';

const rest = upbitAdapter.rest;

describe('upbitAdapter symbols', () => {
  it('should split and build market codes', () => {
    expect(upbitAdapter.id).toBe('upbit');
    expect(upbitAdapter.parseMarket('KRW-BTC')).toEqual({ base: 'BTC', quote: 'KRW' });
    expect(upbitAdapter.parseMarket('USDT-1INCH')).toEqual({ base: '1INCH', quote: 'USDT' });
    expect(upbitAdapter.parseMarket('krw-eth')).toEqual({ base: 'ETH', quote: 'KRW' });
    expect(upbitAdapter.formatMarket({ base: 'BTC', quote: 'KRW' })).toBe('KRW-BTC');
    expect(toUpbitSymbol('BTC-ETH')).toBe('ETH/BTC');
  });

  it('should round-trip every market code of the fixtures', () => {
    for (const market of ['KRW-BTC', 'KRW-ETH', 'BTC-BERA', 'BTC-VIRTUAL', 'USDT-BTC']) {
      const parts = upbitAdapter.parseMarket(market);
      expect(parts).toBeDefined();
      expect(upbitAdapter.formatMarket(parts!)).toBe(market);
    }
  });

  it('should reject what is not a market code', () => {
    for (const text of ['BTCKRW', 'KRW-', '-BTC', 'KRW-BTC-X', 'BTC/KRW', 'KRW BTC', '']) {
      expect(upbitAdapter.parseMarket(text)).toBeUndefined();
      expect(toUpbitSymbol(text)).toBeUndefined();
    }
  });
});

describe('upbitAdapter.rest builders', () => {
  it('should build the markets request', () => {
    expect(rest.markets()).toEqual({ path: '/v1/market/all', query: { isDetails: 'true' }, group: 'market' });
    expect(rest.baseUrl).toBe('https://api.upbit.com');
  });

  it('should batch markets into one ticker or order-book request', () => {
    expect(rest.tickers(['KRW-BTC', 'KRW-ETH'])).toEqual({ path: '/v1/ticker', query: { markets: 'KRW-BTC,KRW-ETH' }, group: 'ticker' });
    expect(rest.orderBooks(['KRW-BTC', 'BTC-ETH'], 5)).toEqual({ path: '/v1/orderbook', query: { markets: 'KRW-BTC,BTC-ETH', count: '5' }, group: 'orderbook' });
    expect(rest.orderBooks(['KRW-BTC'])).toEqual({ path: '/v1/orderbook', query: { markets: 'KRW-BTC' }, group: 'orderbook' });
    expect(rest.orderBooks(['KRW-BTC'], 99).query['count']).toBe('30');
    expect(rest.orderBooks(['KRW-BTC'], 0).query['count']).toBe('1');
  });

  it('should build trades requests with count capped at 500', () => {
    expect(rest.trades('KRW-BTC', { count: 100 })).toEqual({ path: '/v1/trades/ticks', query: { market: 'KRW-BTC', count: '100' }, group: 'trade' });
    expect(rest.trades('KRW-BTC', { count: 1000 }).query['count']).toBe('500');
    expect(rest.trades('KRW-BTC', { count: 2.7 }).query['count']).toBe('2');
    expect(rest.trades('KRW-BTC', {}).query).toEqual({ market: 'KRW-BTC' });
  });

  it('should map every library interval to its candle path', () => {
    const paths = Object.fromEntries(CANDLE_INTERVALS.map((interval) => [interval, rest.candles('KRW-BTC', interval, {}).path]));
    expect(paths).toEqual({
      '1s': '/v1/candles/seconds',
      '1m': '/v1/candles/minutes/1',
      '3m': '/v1/candles/minutes/3',
      '5m': '/v1/candles/minutes/5',
      '10m': '/v1/candles/minutes/10',
      '15m': '/v1/candles/minutes/15',
      '30m': '/v1/candles/minutes/30',
      '1h': '/v1/candles/minutes/60',
      '4h': '/v1/candles/minutes/240',
      '1d': '/v1/candles/days',
      '1w': '/v1/candles/weeks',
      '1M': '/v1/candles/months',
      '1y': '/v1/candles/years',
    });
  });

  it('should build candle requests in the candles group with to in UTC and count capped at 200', () => {
    const request = rest.candles('KRW-BTC', '1d', { count: 2, to: Date.UTC(2025, 6, 29, 15, 0, 0) });
    expect(request).toEqual({ path: '/v1/candles/days', query: { market: 'KRW-BTC', to: '2025-07-29T15:00:00Z', count: '2' }, group: 'candles' });
    expect(Object.keys(request.query)).toEqual(['market', 'to', 'count']);
    expect(rest.candles('KRW-BTC', '1m', { count: 5000 }).query).toEqual({ market: 'KRW-BTC', count: '200' });
  });

  it('should render to without characters that change under URL encoding ambiguity', () => {
    expect(formatUpbitTime(Date.UTC(2025, 6, 30))).toBe('2025-07-30T00:00:00Z');
    // A fractional bound rounds up: Upbit's `to` is exclusive and resolves to the second.
    expect(formatUpbitTime(Date.UTC(2025, 6, 30, 0, 0, 0, 1))).toBe('2025-07-30T00:00:01Z');
    expect(formatUpbitTime(Date.UTC(2025, 6, 30, 0, 0, 0, 1))).not.toMatch(/[+ ]/);
    expect(() => formatUpbitTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('upbitAdapter.rest limits', () => {
  it('should publish the quotation and exchange groups by their wire names', () => {
    const byGroup = Object.fromEntries(rest.rateLimits.map((rule) => [rule.group, [rule.limit, rule.windowMs]]));
    expect(byGroup).toEqual({
      market: [10, 1000],
      ticker: [10, 1000],
      orderbook: [10, 1000],
      trade: [10, 1000],
      candles: [10, 1000],
      default: [30, 1000],
      order: [8, 1000],
      'order-cancel-all': [1, 2000],
    });
  });

  it('should give every builder a group that has a rule', () => {
    const groups = new Set(rest.rateLimits.map((rule) => rule.group));
    const requests = [rest.markets(), rest.tickers(['KRW-BTC']), rest.orderBooks(['KRW-BTC']), rest.trades('KRW-BTC', {}), rest.candles('KRW-BTC', '1s', {})];
    for (const request of requests) expect(groups.has(request.group)).toBe(true);
  });

  it('should keep a full ticker batch URL short', () => {
    expect(rest.maxBatch).toEqual({ ticker: 100, orderBook: 30 });
    const markets = Array.from({ length: rest.maxBatch.ticker }, (_, i) => `KRW-LONGCOIN${String(i).padStart(4, '0')}`);
    const query = new URLSearchParams(rest.tickers(markets).query).toString();
    expect(query.length).toBeLessThan(4096);
  });
});
