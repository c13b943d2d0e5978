import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../../src/errors/index.js';
import {
  BINANCE_FULL_SNAPSHOT_LIMIT,
  BINANCE_SNAPSHOT_LIMIT,
  buildDepthSnapshotRequest,
} from '../../../src/exchanges/binance/rest.js';
import {
  binanceAdapter,
  binanceRest,
  depthWeight,
  fromBinanceKlineInterval,
  isBinanceCandleInterval,
  tickerWeight,
  toBinanceKlineInterval,
} from '../../../src/exchanges/binance/index.js';
import { CANDLE_INTERVALS } from '../../../src/model/candle.js';

describe('binance symbols', () => {
  it('should split codes on the longest known quote asset', () => {
    expect(binanceAdapter.parseMarket('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(binanceAdapter.parseMarket('ETHBTC')).toEqual({ base: 'ETH', quote: 'BTC' });
    expect(binanceAdapter.parseMarket('BTCFDUSD')).toEqual({ base: 'BTC', quote: 'FDUSD' });
    expect(binanceAdapter.parseMarket('BTCTUSD')).toEqual({ base: 'BTC', quote: 'TUSD' });
    expect(binanceAdapter.parseMarket('ETHBIDR')).toEqual({ base: 'ETH', quote: 'BIDR' });
    expect(binanceAdapter.parseMarket('USDTTRY')).toEqual({ base: 'USDT', quote: 'TRY' });
    expect(binanceAdapter.parseMarket('dogebnb')).toEqual({ base: 'DOGE', quote: 'BNB' });
  });

  it('should return undefined for codes of another shape or an unknown quote', () => {
    expect(binanceAdapter.parseMarket('KRW-BTC')).toBeUndefined();
    expect(binanceAdapter.parseMarket('BTC/USDT')).toBeUndefined();
    expect(binanceAdapter.parseMarket('USDT')).toBeUndefined();
    expect(binanceAdapter.parseMarket('BTCXYZ')).toBeUndefined();
    expect(binanceAdapter.parseMarket('')).toBeUndefined();
  });

  it('should format base and quote as one upper-case code', () => {
    expect(binanceAdapter.formatMarket({ base: 'BTC', quote: 'USDT' })).toBe('BTCUSDT');
    expect(binanceAdapter.formatMarket({ base: 'eth', quote: 'btc' })).toBe('ETHBTC');
    expect(binanceAdapter.id).toBe('binance');
  });
});

describe('binance REST requests', () => {
  it('should list markets without permission sets, at weight 20', () => {
    expect(binanceRest.markets()).toEqual({ path: '/api/v3/exchangeInfo', query: { showPermissionSets: 'false' }, group: 'REQUEST_WEIGHT', cost: 20 });
  });

  it('should ask one ticker with symbol= and several with a JSON symbols array', () => {
    expect(binanceRest.tickers(['BTCUSDT'])).toEqual({ path: '/api/v3/ticker/24hr', query: { symbol: 'BTCUSDT' }, group: 'REQUEST_WEIGHT', cost: 2 });
    const two = binanceRest.tickers(['BTCUSDT', 'ETHUSDT', 'BTCUSDT']);
    expect(two.query).toEqual({ symbols: '["BTCUSDT","ETHUSDT"]' });
    expect(two.cost).toBe(2);
    expect(new URLSearchParams(two.query).toString()).toBe('symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D');
    expect(binanceRest.tickers([]).query).toEqual({});
  });

  it('should weigh ticker requests by symbol count', () => {
    const markets = (n: number): string[] => Array.from({ length: n }, (_, i) => `A${i}USDT`);
    expect([1, 20, 21, 100, 101].map((n) => binanceRest.tickers(markets(n)).cost)).toEqual([2, 2, 40, 40, 80]);
    expect(binanceRest.tickers([]).cost).toBe(80);
    expect([0, 1, 20, 21, 100, 101, 500].map(tickerWeight)).toEqual([80, 2, 2, 40, 40, 80, 80]);
    expect(binanceRest.maxBatch).toEqual({ ticker: 20, orderBook: 1 });
  });

  it('should ask one order book per request, weighted by limit', () => {
    expect(binanceRest.orderBooks(['BTCUSDT'])).toEqual({ path: '/api/v3/depth', query: { symbol: 'BTCUSDT' }, group: 'REQUEST_WEIGHT', cost: 5 });
    const cases = [[5, '5', 5], [100, '100', 5], [101, '101', 25], [500, '500', 25], [501, '501', 50], [1000, '1000', 50], [1001, '1001', 250], [9999, '5000', 250], [0, '1', 5]] as const;
    for (const [depth, limit, cost] of cases) {
      const request = binanceRest.orderBooks(['ETHBTC'], depth);
      expect([request.query['limit'], request.cost]).toEqual([limit, cost]);
    }
    expect(() => binanceRest.orderBooks(['BTCUSDT', 'ETHUSDT'])).toThrow(MarketDataError);
    expect(() => binanceRest.orderBooks([])).toThrow(MarketDataError);
    expect([undefined, 1, 100, 101, 500, 501, 1000, 1001, 5000].map(depthWeight)).toEqual([5, 5, 5, 25, 25, 50, 50, 250, 250]);
  });

  it('should ask the 1000-level snapshot for diff sync, at weight 50', () => {
    expect(binanceRest.depthSnapshot?.('BTCUSDT')).toEqual({ path: '/api/v3/depth', query: { symbol: 'BTCUSDT', limit: '1000' }, group: 'REQUEST_WEIGHT', cost: 50 });
    expect(BINANCE_SNAPSHOT_LIMIT).toBe(1000);
  });

  it('should still ask the 5000-level snapshot on request, at weight 250, clamping other limits', () => {
    expect(buildDepthSnapshotRequest('ETHBTC', BINANCE_FULL_SNAPSHOT_LIMIT)).toEqual({ path: '/api/v3/depth', query: { symbol: 'ETHBTC', limit: '5000' }, group: 'REQUEST_WEIGHT', cost: 250 });
    expect(buildDepthSnapshotRequest('ETHBTC', 9999)).toMatchObject({ query: { symbol: 'ETHBTC', limit: '5000' }, cost: 250 });
    expect(buildDepthSnapshotRequest('ETHBTC', 500)).toMatchObject({ query: { symbol: 'ETHBTC', limit: '500' }, cost: 25 });
    expect(buildDepthSnapshotRequest('ETHBTC', Number.NaN)).toMatchObject({ query: { symbol: 'ETHBTC', limit: '1000' }, cost: 50 });
  });

  it('should ask trades with a clamped limit, at weight 25', () => {
    expect(binanceRest.trades('BTCUSDT', {})).toEqual({ path: '/api/v3/trades', query: { symbol: 'BTCUSDT' }, group: 'REQUEST_WEIGHT', cost: 25 });
    expect(binanceRest.trades('BTCUSDT', { count: 50 }).query).toEqual({ symbol: 'BTCUSDT', limit: '50' });
    expect(binanceRest.trades('BTCUSDT', { count: 5000 }).query['limit']).toBe('1000');
    expect(binanceRest.trades('BTCUSDT', { count: Number.NaN }).query['limit']).toBeUndefined();
  });

  it('should ask klines with the native interval, an inclusive endTime and a clamped limit', () => {
    expect(binanceRest.candles('ETHBTC', '1m', { count: 10, to: 1750478340000 })).toEqual({
      path: '/api/v3/klines',
      query: { symbol: 'ETHBTC', interval: '1m', endTime: '1750478339999', limit: '10' },
      group: 'REQUEST_WEIGHT',
      cost: 2,
    });
    expect(binanceRest.candles('ETHBTC', '1M', {}).query).toEqual({ symbol: 'ETHBTC', interval: '1M' });
    expect(binanceRest.candles('ETHBTC', '1h', { to: 1000.5, count: 2000 }).query).toEqual({ symbol: 'ETHBTC', interval: '1h', endTime: '1000', limit: '1000' });
  });

  it('should refuse intervals Binance lacks with a typed error', () => {
    for (const interval of ['10m', '1y'] as const) {
      expect(() => binanceRest.candles('ETHBTC', interval, {})).toThrow(MarketDataError);
      expect(isBinanceCandleInterval(interval)).toBe(false);
      expect(toBinanceKlineInterval(interval)).toBeUndefined();
    }
    const served = CANDLE_INTERVALS.filter(isBinanceCandleInterval);
    expect(served).toEqual(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1M']);
    for (const interval of served) expect(fromBinanceKlineInterval(toBinanceKlineInterval(interval)!)).toBe(interval);
    expect(fromBinanceKlineInterval('2h')).toBeUndefined();
  });

  it('should declare the 6000-per-minute weight limit', () => {
    expect(binanceRest.rateLimits).toEqual([{ group: 'REQUEST_WEIGHT', limit: 6000, windowMs: 60_000 }]);
    expect(binanceRest.baseUrl).toBe('https://api.binance.com');
  });
});
