import { describe, expect, it } from 'vitest';
import { MarketDataError, ParseError } from '../../../src/errors/index.js';
import {
  COINONE_MAX_BATCH,
  COINONE_RATE_LIMITS,
  coinoneAdapter,
  coinoneRest,
  formatCoinoneMarket,
  parseCoinoneMarket,
  toCoinoneInterval,
} from '../../../src/exchanges/coinone/index.js';
import { Big } from '../../../src/model/decimal.js';
import { parseJsonExact } from '../../../src/transport/json/json.js';
import { pick, pickList, pickText, plain, readFixture, readFixtureText, readRaw } from './fixtures.js';

const context = { receivedAt: 1_700_000_000_123 };

/** `true` when `value` is exactly the decimal written as `raw` in the fixture. */
function same(value: Big | undefined, raw: string): boolean {
  return value !== undefined && value.eq(new Big(raw));
}

describe('coinone symbols', () => {
  it('should use QUOTE-TARGET codes and the unified TARGET/QUOTE symbol', () => {
    expect(coinoneAdapter.id).toBe('coinone');
    expect(parseCoinoneMarket('KRW-BTC')).toEqual({ base: 'BTC', quote: 'KRW' });
    expect(parseCoinoneMarket('krw-xrp')).toEqual({ base: 'XRP', quote: 'KRW' });
    expect(parseCoinoneMarket('BTC/KRW')).toBeUndefined();
    expect(parseCoinoneMarket('KRWBTC')).toBeUndefined();
    expect(formatCoinoneMarket({ base: 'btc', quote: 'krw' })).toBe('KRW-BTC');
  });
});

describe('coinone request builders', () => {
  it('should list the KRW markets', () => {
    expect(coinoneRest.markets()).toEqual({ path: '/public/v2/markets/KRW', query: {}, group: 'public' });
  });

  it('should ask one ticker by path, and several through the all-markets ticker', () => {
    expect(coinoneRest.tickers(['KRW-BTC'])).toEqual({
      path: '/public/v2/ticker_new/KRW/BTC',
      query: { additional_data: 'true' },
      group: 'public',
    });
    expect(coinoneRest.tickers(['KRW-BTC', 'KRW-ETH', 'KRW-XRP'])).toEqual({
      path: '/public/v2/ticker_new/KRW',
      query: { additional_data: 'true' },
      group: 'public',
    });
    expect(COINONE_MAX_BATCH).toEqual({ ticker: 1000, orderBook: 1 });
  });

  it('should round an order-book depth up to a size Coinone accepts', () => {
    const sizes = [1, 5, 6, 10, 11, 15, 16, 30].map((depth) => coinoneRest.orderBooks(['KRW-BTC'], depth).query['size']);
    expect(sizes).toEqual(['5', '5', '10', '10', '15', '15', '16', '16']);
    expect(coinoneRest.orderBooks(['KRW-BTC'])).toEqual({ path: '/public/v2/orderbook/KRW/BTC', query: {}, group: 'public' });
    expect(() => coinoneRest.orderBooks(['KRW-BTC', 'KRW-ETH'])).toThrow(RangeError);
    expect(() => coinoneRest.orderBooks(['BTC/KRW'])).toThrow(RangeError);
  });

  it('should round a trade count up to a size Coinone accepts', () => {
    const sizes = [1, 10, 11, 50, 120, 200, 500].map((count) => coinoneRest.trades('KRW-ETH', { count }).query['size']);
    expect(sizes).toEqual(['10', '10', '50', '50', '150', '200', '200']);
    expect(coinoneRest.trades('KRW-ETH', {})).toEqual({ path: '/public/v2/trades/KRW/ETH', query: {}, group: 'public' });
  });

  it('should build chart requests with an inclusive timestamp and a clamped size', () => {
    expect(coinoneRest.candles('KRW-BTC', '15m', { count: 5, to: 1582254000000 })).toEqual({
      path: '/public/v2/chart/KRW/BTC',
      query: { interval: '15m', timestamp: '1582253999999', size: '5' },
      group: 'public',
    });
    expect(coinoneRest.candles('KRW-BTC', '1M', { count: 9999 }).query).toEqual({ interval: '1mon', size: '500' });
    expect(coinoneRest.candles('KRW-BTC', '1d', { count: 0 }).query).toEqual({ interval: '1d', size: '1' });
    expect(coinoneRest.candles('KRW-BTC', '1h', {}).query).toEqual({ interval: '1h' });
  });

  it('should refuse intervals Coinone has no chart of', () => {
    for (const interval of ['1s', '10m', '1y'] as const) {
      expect(() => toCoinoneInterval(interval)).toThrow(MarketDataError);
      expect(() => coinoneRest.candles('KRW-BTC', interval, {})).toThrow(/interval/);
    }
  });

  it('should budget 1200 public requests per minute', () => {
    expect(COINONE_RATE_LIMITS).toEqual([{ group: 'public', limit: 1200, windowMs: 60_000 }]);
  });
});

describe('coinone markets', () => {
  it('should map the market fixture with its limits', () => {
    const raw = readRaw('rest_market.json');
    const [market, ...rest] = coinoneRest.parseMarkets(readFixture('rest_market.json'), context);
    expect(rest).toEqual([]);
    expect(market).toMatchObject({
      type: 'market',
      exchange: 'coinone',
      symbol: 'BTC/KRW',
      market: 'KRW-BTC',
      base: 'BTC',
      quote: 'KRW',
      names: {},
      warning: false,
      receivedAt: context.receivedAt,
    });
    // price_unit is deprecated and the real tick depends on the price band (range_units): not read
    expect(pickText(raw, 'markets', 0, 'price_unit')).toBe('100.0');
    expect(market?.tickSize).toBeUndefined();
    expect(same(market?.stepSize, pickText(raw, 'markets', 0, 'qty_unit'))).toBe(true);
    expect(same(market?.minNotional, pickText(raw, 'markets', 0, 'min_order_amount'))).toBe(true);
    expect(market?.minNotional?.toFixed()).toBe('0.0001');
  });

  it('should flag markets under maintenance or closed to one side', () => {
    const text = readFixtureText('rest_market.json');
    const maintenance = text.replace('"maintenance_status": 0', '"maintenance_status": 1');
    const noBuy = text.replace('"trade_status": 1', '"trade_status": 2');
    expect(coinoneRest.parseMarkets(parseJsonExact(maintenance), context)[0]?.warning).toBe(true);
    expect(coinoneRest.parseMarkets(parseJsonExact(noBuy), context)[0]?.warning).toBe(true);
  });

  it('should give an empty list for an unknown quote', () => {
    expect(coinoneRest.parseMarkets(readFixture('rest_markets_unknown_quote_empty.json'), context)).toEqual([]);
  });
});

describe('coinone tickers', () => {
  it('should map the single ticker (lower-case currencies) exactly', () => {
    const raw = readRaw('rest_ticker.json');
    const [ticker, ...rest] = coinoneRest.parseTickers(readFixture('rest_ticker.json'), context);
    expect(rest).toEqual([]);
    expect(ticker).toMatchObject({ type: 'ticker', exchange: 'coinone', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1701073357818 });
    const row = pick(raw, 'tickers', 0);
    expect(same(ticker?.last, pickText(row, 'last'))).toBe(true);
    expect(same(ticker?.open, pickText(row, 'first'))).toBe(true);
    expect(same(ticker?.high, pickText(row, 'high'))).toBe(true);
    expect(same(ticker?.low, pickText(row, 'low'))).toBe(true);
    expect(same(ticker?.baseVolume, pickText(row, 'target_volume'))).toBe(true);
    expect(same(ticker?.quoteVolume, pickText(row, 'quote_volume'))).toBe(true);
    expect(ticker?.quoteVolume.toFixed()).toBe('11349804285.3859');
    // no yesterday_* fields: the previous close is the window's first price
    expect(ticker?.prevClose.toFixed()).toBe('50487000');
    expect(ticker?.change.toFixed()).toBe('-425000');
    expect(ticker?.changeRate.times('50487000').minus('-425000').abs().lt('1e-10')).toBe(true);
    expect(ticker?.lastAmount).toBeUndefined();
  });

  it('should map every row of the all-markets fixtures', () => {
    for (const name of ['rest_tickers_all.json', 'rest_tickers_all_additional_data.json']) {
      const raw = readRaw(name);
      const tickers = coinoneRest.parseTickers(readFixture(name), context);
      const rows = pickList(raw, 'tickers');
      expect(tickers.map((t) => t.market)).toEqual(['KRW-BTC', 'KRW-BCH', 'KRW-ETH']);
      tickers.forEach((ticker, i) => {
        const row = rows[i];
        expect(same(ticker.last, pickText(row, 'last'))).toBe(true);
        expect(same(ticker.open, pickText(row, 'first'))).toBe(true);
        expect(same(ticker.high, pickText(row, 'high'))).toBe(true);
        expect(same(ticker.low, pickText(row, 'low'))).toBe(true);
        expect(same(ticker.baseVolume24h, pickText(row, 'target_volume'))).toBe(true);
        expect(same(ticker.quoteVolume24h, pickText(row, 'quote_volume'))).toBe(true);
        expect(ticker.timestamp).toBe(pick(row, 'timestamp'));
      });
    }
  });

  it('should measure change against yesterday_last when the reply has it', () => {
    const [btc, bch] = coinoneRest.parseTickers(readFixture('rest_tickers_all_additional_data.json'), context);
    expect(btc?.prevClose.toFixed()).toBe('39590000');
    expect(btc?.change.toFixed()).toBe('-35757000');
    expect(bch?.prevClose.toFixed()).toBe('131500');
    expect(bch?.change.toFixed()).toBe('500');
  });

  it('should give an empty list for an unknown quote', () => {
    expect(coinoneRest.parseTickers(readFixture('rest_tickers_unknown_quote_empty.json'), context)).toEqual([]);
  });

  it('should keep every digit of long decimals, as strings or JSON numbers', () => {
    const long = readFixtureText('rest_ticker.json')
      .replace('"last": "50062000.0"', '"last": "123456789012345678901234.000000001"')
      .replace('"high": "50543000.0"', '"high": 98765432109876543210.12345');
    const [ticker] = coinoneRest.parseTickers(parseJsonExact(long), context);
    expect(ticker?.last.toFixed()).toBe('123456789012345678901234.000000001');
    expect(ticker?.high.toFixed()).toBe('98765432109876543210.12345');
  });

  it('should throw a ParseError on a malformed row', () => {
    const broken = readFixtureText('rest_ticker.json').replace('"last": "50062000.0"', '"last": "fifty"');
    expect(() => coinoneRest.parseTickers(parseJsonExact(broken), context)).toThrow(ParseError);
    expect(() => coinoneRest.parseTickers({ result: 'success' }, context)).toThrow(ParseError);
    expect(() => coinoneRest.parseTickers([], context)).toThrow(ParseError);
  });
});

describe('coinone order book', () => {
  it('should map the REST book exactly, both sides best-first as sent', () => {
    const raw = readRaw('rest_orderbook.json');
    const [book, ...rest] = coinoneRest.parseOrderBooks(readFixture('rest_orderbook.json'), context);
    expect(rest).toEqual([]);
    expect(book).toMatchObject({ type: 'orderBook', exchange: 'coinone', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1644488410702 });
    for (const side of ['bids', 'asks'] as const) {
      const levels = pickList(raw, side);
      expect(book?.[side]).toHaveLength(levels.length);
      book?.[side].forEach((level, i) => {
        expect(same(level.price, pickText(levels[i], 'price'))).toBe(true);
        expect(same(level.amount, pickText(levels[i], 'qty'))).toBe(true);
      });
    }
    expect(book?.bids[0]?.price.toFixed()).toBe('75862000');
    expect(book?.asks[0]?.price.toFixed()).toBe('75863000');
    expect(book?.updateId).toBe(pickText(raw, 'id'));
    expect(book?.updateId).toBe('1644488410702001');
  });

  it('should leave updateId undefined for a REST book without id, and keep long ids exact', () => {
    const text = readFixtureText('rest_orderbook.json');
    const noId = text.replace('"id": "1644488410702001",', '');
    expect(noId).not.toBe(text);
    expect(coinoneRest.parseOrderBooks(parseJsonExact(noId), context)[0]?.updateId).toBeUndefined();
    const numeric = text.replace('"id": "1644488410702001"', '"id": 16444884107020019999');
    expect(coinoneRest.parseOrderBooks(parseJsonExact(numeric), context)[0]?.updateId).toBe('16444884107020019999');
    const bad = text.replace('"id": "1644488410702001"', '"id": "not-an-id"');
    expect(() => coinoneRest.parseOrderBooks(parseJsonExact(bad), context)).toThrow(ParseError);
  });
});

describe('coinone trades', () => {
  it('should map the trades fixture with the taker side', () => {
    const trades = coinoneRest.parseTrades(readFixture('rest_trades.json'), context);
    expect(plain(trades)).toEqual([
      {
        type: 'trade',
        exchange: 'coinone',
        symbol: 'BTC/KRW',
        market: 'KRW-BTC',
        timestamp: 1416895634000,
        receivedAt: context.receivedAt,
        id: '1416893212001',
        price: '420000',
        amount: '0.1',
        // is_seller_maker: true → the seller rested, the buyer took
        side: 'buy',
      },
    ]);
  });

  it('should read is_seller_maker false as a taker sell', () => {
    const text = readFixtureText('rest_trades.json').replace('"is_seller_maker": true', '"is_seller_maker": false');
    expect(coinoneRest.parseTrades(parseJsonExact(text), context)[0]?.side).toBe('sell');
  });

  it('should keep 16-digit ids exact, as strings or JSON numbers', () => {
    const text = readFixtureText('rest_trades.json').replace('"id": "1416893212001"', '"id": 1701073357818001123');
    expect(coinoneRest.parseTrades(parseJsonExact(text), context)[0]?.id).toBe('1701073357818001123');
  });
});

describe('coinone candles', () => {
  it('should map the chart fixture, newest first, with the market from the context', () => {
    const raw = readRaw('rest_chart.json');
    const rows = pickList(raw, 'chart');
    const chartContext = { ...context, market: 'krw-btc' };
    const candles = coinoneRest.parseCandles(readFixture('rest_chart.json'), '15m', chartContext);
    expect(candles).toHaveLength(rows.length);
    candles.forEach((candle, i) => {
      const row = rows[i];
      expect(candle).toMatchObject({ type: 'candle', exchange: 'coinone', market: 'KRW-BTC', symbol: 'BTC/KRW', interval: '15m' });
      expect(candle.openTime).toBe(pick(row, 'timestamp'));
      expect(same(candle.open, pickText(row, 'open'))).toBe(true);
      expect(same(candle.high, pickText(row, 'high'))).toBe(true);
      expect(same(candle.low, pickText(row, 'low'))).toBe(true);
      expect(same(candle.close, pickText(row, 'close'))).toBe(true);
      expect(same(candle.baseVolume, pickText(row, 'target_volume'))).toBe(true);
      expect(same(candle.quoteVolume, pickText(row, 'quote_volume'))).toBe(true);
    });
    expect(candles.map((c) => c.openTime)).toEqual([1582253100000, 1582252200000, 1582251300000, 1582250400000, 1582249500000]);
  });

  it('should throw a ParseError when nothing names the market', () => {
    expect(() => coinoneRest.parseCandles(readFixture('rest_chart.json'), '15m', context)).toThrow(/names no market/);
  });
});
