import { describe, expect, it } from 'vitest';
import { MarketDataError, ParseError } from '../../../src/errors/index.js';
import { binanceRest, type BinanceMapContext } from '../../../src/exchanges/binance/index.js';
import type { OrderBookLevel } from '../../../src/model/order-book.js';
import type { Ticker } from '../../../src/model/ticker.js';
import { parseJsonExact } from '../../../src/transport/json/json.js';
import { plain, readFixture, readRaw } from './fixtures.js';

const receivedAt = 1_800_000_000_000;
const context = { receivedAt };

/** A map context that names the request's market, as depth, trades and klines need. */
function forMarket(market: string): BinanceMapContext {
  return { receivedAt, market };
}

type RawLevel = [string, string];
interface RawTicker {
  readonly symbol: string;
  readonly priceChange: string;
  readonly priceChangePercent: string;
  readonly prevClosePrice: string;
  readonly lastPrice: string;
  readonly lastQty: string;
  readonly openPrice: string;
  readonly highPrice: string;
  readonly lowPrice: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly closeTime: number;
}

/** Levels as plain `[price, amount]` strings, for exact comparison with the raw fixture. */
function spell(levels: readonly OrderBookLevel[]): [string, string][] {
  return levels.map((level) => [level.price.toFixed(), level.amount.toFixed()]);
}

function spellRaw(levels: readonly RawLevel[]): [string, string][] {
  return levels.map(([price, qty]) => [plain(price), plain(qty)]);
}

function expectParseError(run: () => unknown, channel: string, problem: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).channel).toBe(channel);
    expect((error as ParseError).exchange).toBe('binance');
    expect((error as ParseError).message).toMatch(problem);
    return;
  }
  throw new Error('expected a ParseError');
}

/** Every ticker field against the raw FULL record it came from. */
function expectTicker(ticker: Ticker, raw: RawTicker): void {
  expect(ticker.type).toBe('ticker');
  expect(ticker.exchange).toBe('binance');
  expect(ticker.market).toBe(raw.symbol);
  expect(ticker.timestamp).toBe(raw.closeTime);
  expect(ticker.receivedAt).toBe(receivedAt);
  expect(ticker.last.toFixed()).toBe(plain(raw.lastPrice));
  expect(ticker.open.toFixed()).toBe(plain(raw.openPrice));
  expect(ticker.high.toFixed()).toBe(plain(raw.highPrice));
  expect(ticker.low.toFixed()).toBe(plain(raw.lowPrice));
  expect(ticker.prevClose.toFixed()).toBe(plain(raw.prevClosePrice));
  expect(ticker.change.toFixed()).toBe(plain(raw.priceChange));
  expect(ticker.baseVolume.toFixed()).toBe(plain(raw.volume));
  expect(ticker.quoteVolume.toFixed()).toBe(plain(raw.quoteVolume));
  expect(ticker.baseVolume24h.toFixed()).toBe(plain(raw.volume));
  expect(ticker.quoteVolume24h.toFixed()).toBe(plain(raw.quoteVolume));
  expect(ticker.lastAmount?.toFixed()).toBe(plain(raw.lastQty));
}

describe('parseMarkets', () => {
  it('should map the 2025 exchangeInfo capture with its filters', () => {
    const markets = binanceRest.parseMarkets(readFixture('rest_exchangeInfo_snippet.json'), context);
    expect(markets).toHaveLength(1);
    const [eth] = markets;
    expect(eth).toMatchObject({ type: 'market', exchange: 'binance', symbol: 'ETH/BTC', market: 'ETHBTC', base: 'ETH', quote: 'BTC', names: {}, warning: false, receivedAt });
    expect(eth?.tickSize?.toFixed()).toBe('0.00001');
    expect(eth?.stepSize?.toFixed()).toBe('0.0001');
    expect(eth?.minNotional?.toFixed()).toBe('0.0001');
  });

  it('should fall back to MIN_NOTIONAL, treat zero as no constraint and flag halted symbols', () => {
    const body = parseJsonExact(
      '{"symbols":[{"symbol":"XUSDT","status":"HALT","baseAsset":"X","quoteAsset":"USDT","filters":[' +
        '{"filterType":"PRICE_FILTER","minPrice":"0","maxPrice":"0","tickSize":"0.00000000"},' +
        '{"filterType":"MIN_NOTIONAL","minNotional":"10.00000000","applyToMarket":true,"avgPriceMins":5}],"unknownKey":[1]}]}',
    );
    const [market] = binanceRest.parseMarkets(body, context);
    expect(market?.warning).toBe(true);
    expect(market?.tickSize).toBeUndefined();
    expect(market?.stepSize).toBeUndefined();
    expect(market?.minNotional?.toFixed()).toBe('10');
  });

  it('should reject bodies that are not exchangeInfo', () => {
    expectParseError(() => binanceRest.parseMarkets([], context), '/api/v3/exchangeInfo', /not an object/);
    expectParseError(() => binanceRest.parseMarkets({ symbols: [{ symbol: 'A' }] }, context), '/api/v3/exchangeInfo', /"baseAsset"/);
  });
});

describe('parseTickers', () => {
  it('should map the FULL doc example (an object) to exact values', () => {
    const raw = readRaw<RawTicker>('rest_ticker_24hr.json');
    const [ticker, ...rest] = binanceRest.parseTickers(readFixture('rest_ticker_24hr.json'), context);
    expect(rest).toEqual([]);
    expectTicker(ticker!, raw);
    expect(ticker!.symbol).toBe('BNB/BTC');
    expect(ticker!.changeRate.toFixed()).toBe('-0.9596');
  });

  it('should map the list form and the real ETHBTC capture', () => {
    const list = binanceRest.parseTickers(readFixture('rest_ticker_24hr_list.json'), context);
    readRaw<RawTicker[]>('rest_ticker_24hr_list.json').forEach((raw, i) => expectTicker(list[i]!, raw));
    const [eth] = binanceRest.parseTickers(readFixture('rest_ticker_24hr_capture_ethbtc.json'), context);
    expectTicker(eth!, readRaw<RawTicker>('rest_ticker_24hr_capture_ethbtc.json'));
    expect(eth!.symbol).toBe('ETH/BTC');
    expect(eth!.changeRate.toFixed()).toBe('0.02075');
  });

  it('should derive change from open in the MINI form, matching the FULL figures', () => {
    const full = readRaw<RawTicker>('rest_ticker_24hr.json');
    const [mini] = binanceRest.parseTickers(readFixture('rest_ticker_24hr_mini.json'), context);
    expect(mini!.change.toFixed()).toBe(plain(full.priceChange));
    expect(mini!.prevClose.toFixed()).toBe(plain(full.openPrice));
    expect(mini!.last.toFixed()).toBe(plain(full.lastPrice));
    expect(mini!.lastAmount).toBeUndefined();
    expect(mini!.changeRate.times(100).round(3).toFixed()).toBe(plain(full.priceChangePercent));
  });

  it('should reject a ticker with a non-decimal price', () => {
    expectParseError(() => binanceRest.parseTickers({ symbol: 'BTCUSDT', lastPrice: 'abc' }, context), '/api/v3/ticker/24hr', /"lastPrice" is not a decimal/);
  });
});

describe('parseOrderBooks and parseDepthSnapshot', () => {
  const raw = readRaw<{ lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] }>('rest_depth.json');

  it('should map the depth example to one book for the context market', () => {
    const books = binanceRest.parseOrderBooks(readFixture('rest_depth.json'), forMarket('LTCBTC'));
    expect(books).toHaveLength(1);
    const [book] = books;
    expect(book).toMatchObject({ type: 'orderBook', exchange: 'binance', market: 'LTCBTC', symbol: 'LTC/BTC', timestamp: receivedAt, receivedAt });
    expect(book!.updateId).toBe('1027024');
    expect(spell(book!.bids)).toEqual(spellRaw(raw.bids));
    expect(spell(book!.asks)).toEqual(spellRaw(raw.asks));
    expect(book!.asks[0]?.price.toFixed()).toBe('4.000002');
  });

  it('should refuse to guess the market of a depth, trades or klines body', () => {
    expect(() => binanceRest.parseOrderBooks(readFixture('rest_depth.json'), context)).toThrow(MarketDataError);
    expect(() => binanceRest.parseTrades(readFixture('rest_trades.json'), context)).toThrow(MarketDataError);
    expect(() => binanceRest.parseCandles(readFixture('rest_klines.json'), '1m', context)).toThrow(MarketDataError);
  });

  it('should map the snapshot with lastUpdateId as digits', () => {
    const snapshot = binanceRest.parseDepthSnapshot!(readFixture('rest_depth.json'), context);
    expect(snapshot.lastUpdateId).toBe(String(raw.lastUpdateId));
    expect(spell(snapshot.bids)).toEqual(spellRaw(raw.bids));
    expect(spell(snapshot.asks)).toEqual(spellRaw(raw.asks));
  });

  it('should keep update ids beyond 2^53 exact', () => {
    const snapshot = binanceRest.parseDepthSnapshot!(parseJsonExact('{"lastUpdateId":90071992547409931,"bids":[],"asks":[["1.10","0"]]}'), context);
    expect(snapshot.lastUpdateId).toBe('90071992547409931');
    expect(spell(snapshot.asks)).toEqual([['1.1', '0']]);
    const [book] = binanceRest.parseOrderBooks(parseJsonExact('{"lastUpdateId":90071992547409931,"bids":[],"asks":[]}'), forMarket('BTCUSDT'));
    expect(book?.updateId).toBe('90071992547409931');
  });

  it('should reject malformed levels', () => {
    expectParseError(() => binanceRest.parseDepthSnapshot!({ lastUpdateId: 1, bids: [['1']], asks: [] }, context), '/api/v3/depth', /"bids" holds a level/);
    expectParseError(() => binanceRest.parseDepthSnapshot!({ lastUpdateId: 1.5, bids: [], asks: [] }, context), '/api/v3/depth', /"lastUpdateId"/);
  });
});

describe('parseTrades', () => {
  it('should map the trades example: isBuyerMaker true is a taker sell', () => {
    const raw = readRaw<{ id: number; price: string; qty: string; time: number }[]>('rest_trades.json');
    const trades = binanceRest.parseTrades(readFixture('rest_trades.json'), forMarket('BNBBTC'));
    expect(trades.map((t) => [t.id, t.price.toFixed(), t.amount.toFixed(), t.timestamp, t.side, t.symbol, t.market])).toEqual(
      raw.map((r) => [String(r.id), plain(r.price), plain(r.qty), r.time, 'sell', 'BNB/BTC', 'BNBBTC']),
    );
    expect(trades[0]?.price.toFixed()).toBe('4.000001');
  });

  it('should map isBuyerMaker false to a taker buy and keep big ids exact', () => {
    const body = parseJsonExact('[{"id":90071992547409931,"price":"1.0","qty":"2","quoteQty":"2","time":1,"isBuyerMaker":false,"isBestMatch":true}]');
    const [trade] = binanceRest.parseTrades(body, forMarket('BTCUSDT'));
    expect([trade?.id, trade?.side]).toEqual(['90071992547409931', 'buy']);
  });
});

describe('parseCandles', () => {
  type RawRow = [number, string, string, string, string, string, number, string, number, string, string, string];

  it('should map the real ETHBTC 1m capture, zero-trade rows included', () => {
    const raw = readRaw<RawRow[]>('rest_klines.json');
    const candles = binanceRest.parseCandles(readFixture('rest_klines.json'), '1m', forMarket('ETHBTC'));
    expect(candles).toHaveLength(10);
    expect(candles.map((c) => [c.openTime, c.open.toFixed(), c.high.toFixed(), c.low.toFixed(), c.close.toFixed(), c.baseVolume.toFixed(), c.quoteVolume.toFixed(), c.timestamp])).toEqual(
      raw.map((r) => [r[0], plain(r[1]), plain(r[2]), plain(r[3]), plain(r[4]), plain(r[5]), plain(r[7]), r[6]]),
    );
    expect(candles.every((c) => c.interval === '1m' && c.symbol === 'ETH/BTC' && c.market === 'ETHBTC')).toBe(true);
    expect(candles[1]?.baseVolume.toFixed()).toBe('2.4877');
  });

  it('should map the doc example row', () => {
    const raw = readRaw<RawRow[]>('rest_klines_docs.json');
    const [candle] = binanceRest.parseCandles(readFixture('rest_klines_docs.json'), '1w', forMarket('BNBBTC'));
    expect([candle?.openTime, candle?.high.toFixed(), candle?.quoteVolume.toFixed()]).toEqual([raw[0]![0], plain(raw[0]![2]), plain(raw[0]![7])]);
  });

  it('should reject rows that are not kline arrays', () => {
    expectParseError(() => binanceRest.parseCandles([{ t: 1 }], '1m', forMarket('A')), '/api/v3/klines', /kline array/);
  });
});
