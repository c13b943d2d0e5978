import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors/index.js';
import {
  toCandle,
  toOrderBook,
  toTicker,
  toTrade,
  upbitAdapter,
  UPBIT_REST_CANDLE_KEYS,
  UPBIT_REST_ORDER_BOOK_KEYS,
  UPBIT_REST_TICKER_KEYS,
  UPBIT_REST_TRADE_KEYS,
  type UpbitRecord,
} from '../../../src/exchanges/upbit/index.js';
import { Big } from '../../../src/model/decimal.js';
import type { OrderBookLevel } from '../../../src/model/order-book.js';
import { parseJsonExact } from '../../../src/transport/json/json.js';
import { readFixture } from './fixtures.js';

const rest = upbitAdapter.rest;
const context = { receivedAt: 1_800_000_000_000 };

/** Compares exactly, with readable diffs: both sides as plain decimal strings. */
function expectBig(actual: Big | undefined, expected: string): void {
  expect(actual?.toFixed()).toBe(new Big(expected).toFixed());
}

function sum(levels: readonly OrderBookLevel[]): Big {
  return levels.reduce((total, level) => total.plus(level.amount), new Big(0));
}

function expectParseError(run: () => unknown, channel: string, problem: string | RegExp): ParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    const parseError = error as ParseError;
    expect(parseError.channel).toBe(channel);
    expect(parseError.exchange).toBe('upbit');
    expect(parseError.message).toMatch(problem);
    return parseError;
  }
  throw new Error('expected a ParseError');
}

describe('parseMarkets', () => {
  it('should map the is_details example with names and market_event warnings', () => {
    const markets = rest.parseMarkets(readFixture('rest_market_all_details.json'), context);
    expect(markets).toEqual([
      { type: 'market', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', base: 'BTC', quote: 'KRW', names: { ko: '비트코인', en: 'Bitcoin' }, warning: false, receivedAt: context.receivedAt },
      { type: 'market', exchange: 'upbit', symbol: 'ETH/KRW', market: 'KRW-ETH', base: 'ETH', quote: 'KRW', names: { ko: '이더리움', en: 'Ethereum' }, warning: true, receivedAt: context.receivedAt },
    ]);
  });

  it('should map the plain form (no warning fields) of the 2025 capture', () => {
    const markets = rest.parseMarkets(readFixture('rest_market_all_first5_doc2025.json'), context);
    expect(markets.map((m) => [m.market, m.symbol, m.names['en'], m.warning])).toEqual([
      ['BTC-BERA', 'BERA/BTC', 'Berachain', false],
      ['BTC-FIL', 'FIL/BTC', 'Filecoin', false],
      ['BTC-SIGN', 'SIGN/BTC', 'Sign', false],
      ['BTC-VIRTUAL', 'VIRTUAL/BTC', 'Virtuals Protocol', false],
      ['BTC-BAT', 'BAT/BTC', 'Basic Attention Token', false],
    ]);
  });

  it('should read the older market_warning flag', () => {
    const body = parseJsonExact('[{"market":"KRW-XRP","korean_name":"리플","english_name":"Ripple","market_warning":"CAUTION"},{"market":"KRW-ADA","korean_name":"에이다","english_name":"Ada","market_warning":"NONE"}]');
    expect(rest.parseMarkets(body, context).map((m) => m.warning)).toEqual([true, false]);
  });

  it('should reject malformed markets', () => {
    expectParseError(() => rest.parseMarkets({ markets: [] }, context), '/v1/market/all', /not an array/);
    expectParseError(() => rest.parseMarkets([{ market: 'KRWBTC', korean_name: 'a', english_name: 'b' }], context), '/v1/market/all', /not a market code/);
    expectParseError(() => rest.parseMarkets([{ market: 'KRW-BTC', korean_name: 'a' }], context), '/v1/market/all', /"english_name"/);
    expectParseError(() => rest.parseMarkets([{ market: 'KRW-BTC', korean_name: 'a', english_name: 'b', market_event: { warning: 'yes' } }], context), '/v1/market/all', /market_event\.warning/);
  });
});

describe('parseTickers', () => {
  it('should map the byte-exact 2025 capture to exact values', () => {
    const [btc, eth] = rest.parseTickers(readFixture('rest_ticker_krw_doc2025.json'), context);
    expect(btc).toMatchObject({ type: 'ticker', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1753894995113, receivedAt: context.receivedAt });
    expectBig(btc?.last, '162876000');
    expectBig(btc?.open, '163248000');
    expectBig(btc?.high, '163708000');
    expectBig(btc?.low, '162248000');
    expectBig(btc?.prevClose, '163158000');
    expectBig(btc?.change, '-282000');
    expectBig(btc?.changeRate, '-0.0017283860');
    expectBig(btc?.baseVolume, '844.94369319');
    expectBig(btc?.quoteVolume, '137728155832.9616000000000000');
    expectBig(btc?.baseVolume24h, '1029.27369910');
    expectBig(btc?.quoteVolume24h, '167740032580.71786000');
    expectBig(btc?.lastAmount, '0.02543652');
    expect(btc?.quoteVolume.eq(new Big('137728155832.9616'))).toBe(true);

    expect(eth).toMatchObject({ symbol: 'ETH/KRW', market: 'KRW-ETH', timestamp: 1753894995076 });
    expectBig(eth?.change, '0');
    expectBig(eth?.changeRate, '0');
    expectBig(eth?.quoteVolume, '173631118966.8993200000000000');
  });

  it('should map the ticker/all example (falling market: signed values)', () => {
    const tickers = rest.parseTickers(readFixture('rest_ticker_all_krw_doc.json'), context);
    expect(tickers.map((t) => t.symbol)).toEqual(['BTC/KRW', 'ETH/KRW']);
    expectBig(tickers[0]?.change, '-136000');
    expectBig(tickers[0]?.changeRate, '-0.0009143656');
    expectBig(tickers[0]?.quoteVolume24h, '178448329314.96686');
    expectBig(tickers[1]?.baseVolume, '5871.4585559');
    expectBig(tickers[1]?.lastAmount, '0.00712453');
  });

  it('should keep every digit of a 27-digit value and of ids beyond 2^53', () => {
    const body = parseJsonExact(
      '[{"market":"KRW-BTC","timestamp":1753894995113,"trade_price":1386929.37231066771348207123,"opening_price":1,"high_price":2,' +
        '"low_price":0.5,"prev_closing_price":1,"signed_change_price":0.00000001,"signed_change_rate":1.16539E8,"acc_trade_volume":7.9276E-4,' +
        '"acc_trade_price":105514711074.18726,"acc_trade_volume_24h":0.00012345,"acc_trade_price_24h":31883000.00000000,"trade_volume":0}]',
    );
    const [ticker] = rest.parseTickers(body, context);
    expect(ticker?.last.toFixed()).toBe('1386929.37231066771348207123');
    expect(ticker?.timestamp).toBe(1753894995113);
    expectBig(ticker?.changeRate, '116539000');
    expectBig(ticker?.baseVolume, '0.00079276');
    expectBig(ticker?.quoteVolume, '105514711074.18726');
    expectBig(ticker?.baseVolume24h, '0.00012345');

    const [trade] = rest.parseTrades(
      parseJsonExact('[{"market":"KRW-BTC","timestamp":1,"trade_price":1,"trade_volume":1,"ask_bid":"ASK","sequential_id":17103275719220001}]'),
      context,
    );
    expect(trade?.id).toBe('17103275719220001');
  });

  it('should reject malformed tickers', () => {
    const good = { ...(readFixture('rest_ticker_all_krw_doc.json') as UpbitRecord[])[0] };
    expectParseError(() => rest.parseTickers(undefined, context), '/v1/ticker', /not an array/);
    expectParseError(() => rest.parseTickers([42], context), '/v1/ticker', /not an object/);
    expectParseError(() => rest.parseTickers([{ ...good, trade_price: '148601000' }], context), '/v1/ticker', /"trade_price" is not a number/);
    expectParseError(() => rest.parseTickers([{ ...good, acc_trade_price_24h: undefined }], context), '/v1/ticker', /"acc_trade_price_24h"/);
    expectParseError(() => rest.parseTickers([{ ...good, timestamp: 1.5 }], context), '/v1/ticker', /"timestamp"/);
    const error = expectParseError(() => rest.parseTickers([{ ...good, market: 'KRW_BTC' }], context), '/v1/ticker', /not a market code: KRW_BTC/);
    expect(error.raw).toContain('"opening_price":148737000');
  });
});

describe('parseOrderBooks', () => {
  it('should map all 30 levels best-first, sizes summing to the totals', () => {
    const [book] = rest.parseOrderBooks(readFixture('rest_orderbook.json'), context);
    expect(book).toMatchObject({ type: 'orderBook', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', timestamp: 1751606867762 });
    expect(book?.asks).toHaveLength(30);
    expect(book?.bids).toHaveLength(30);
    expectBig(book?.asks[0]?.price, '148520000');
    expectBig(book?.asks[0]?.amount, '0.0134662');
    expectBig(book?.bids[0]?.price, '148490000');
    expectBig(book?.bids[0]?.amount, '0.04296774');
    for (let i = 1; i < 30; i++) {
      expect(book?.asks[i]?.price.gt(book.asks[i - 1]!.price)).toBe(true);
      expect(book?.bids[i]?.price.lt(book.bids[i - 1]!.price)).toBe(true);
    }
    expect(book?.asks[0]?.price.gt(book.bids[0]!.price)).toBe(true);
    expectBig(sum(book!.asks), '10.37591054');
    expectBig(sum(book!.bids), '9.49577219');
  });

  it('should reject malformed order books', () => {
    const [good] = readFixture('rest_orderbook.json') as UpbitRecord[];
    expectParseError(() => rest.parseOrderBooks({}, context), '/v1/orderbook', /not an array/);
    expectParseError(() => rest.parseOrderBooks([{ ...good, orderbook_units: null }], context), '/v1/orderbook', /"orderbook_units" is not an array/);
    expectParseError(() => rest.parseOrderBooks([{ ...good, orderbook_units: [{ ask_price: 1, bid_price: 1, ask_size: 1 }] }], context), '/v1/orderbook', /"bid_size"/);
    expectParseError(() => rest.parseOrderBooks([{ ...good, orderbook_units: ['x'] }], context), '/v1/orderbook', /not an object/);
  });
});

describe('parseTrades', () => {
  it('should map the example trade with its id beyond 2^53 and the taker side', () => {
    const trades = rest.parseTrades(readFixture('rest_trades_ticks.json'), context);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ type: 'trade', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', id: '17510687993360000', side: 'buy', timestamp: 1751068799336 });
    expectBig(trades[0]?.price, '147058000');
    expectBig(trades[0]?.amount, '0.00006043');
  });

  it('should map ASK to sell and reject an unknown side', () => {
    const [good] = readFixture('rest_trades_ticks.json') as UpbitRecord[];
    expect(rest.parseTrades([{ ...good, ask_bid: 'ASK' }], context)[0]?.side).toBe('sell');
    expectParseError(() => rest.parseTrades([{ ...good, ask_bid: 'bid' }], context), '/v1/trades/ticks', /neither ASK nor BID/);
    expectParseError(() => rest.parseTrades([{ ...good, sequential_id: '1' }], context), '/v1/trades/ticks', /"sequential_id"/);
  });
});

describe('parseCandles', () => {
  it('should map day candles in the order received, openTime read as UTC', () => {
    const candles = rest.parseCandles(readFixture('rest_candles_days_doc2025.json'), '1d', context);
    expect(candles.map((c) => c.openTime)).toEqual([Date.UTC(2025, 6, 29), Date.UTC(2025, 6, 28)]);
    expect(candles[0]).toMatchObject({ type: 'candle', exchange: 'upbit', symbol: 'BTC/KRW', market: 'KRW-BTC', interval: '1d', timestamp: 1753833599704 });
    expectBig(candles[0]?.open, '162483000');
    expectBig(candles[0]?.high, '163800000');
    expectBig(candles[0]?.low, '162034000');
    expectBig(candles[0]?.close, '163158000');
    expectBig(candles[0]?.baseVolume, '1487.53432374');
    expectBig(candles[0]?.quoteVolume, '242634976840.02426000');
    expectBig(candles[1]?.quoteVolume, '237170267365.09124');
  });

  it('should map minute and second candles', () => {
    const [minute] = rest.parseCandles(readFixture('rest_candles_minutes.json'), '1m', context);
    expect(minute).toMatchObject({ interval: '1m', openTime: Date.UTC(2025, 6, 1, 12, 0, 0), timestamp: 1751327999833 });
    expectBig(minute?.quoteVolume, '4022470467.03403');
    expectBig(minute?.baseVolume, '27.58904602');
    const [second] = rest.parseCandles(readFixture('rest_candles_seconds.json'), '1s', context);
    expect(second).toMatchObject({ interval: '1s', openTime: Date.UTC(2025, 5, 30, 23, 59, 59) });
    expectBig(second?.baseVolume, '0.0013');
    expectBig(second?.quoteVolume, '185042');
  });

  it('should reject malformed candles, naming the interval path', () => {
    const [good] = readFixture('rest_candles_minutes.json') as UpbitRecord[];
    expectParseError(() => rest.parseCandles('oops', '1h', context), '/v1/candles/minutes/60', /not an array/);
    expectParseError(() => rest.parseCandles([{ ...good, candle_date_time_utc: 'yesterday' }], '4h', context), '/v1/candles/minutes/240', /not a date-time/);
    expectParseError(() => rest.parseCandles([{ ...good, candle_acc_trade_volume: null }], '1w', context), '/v1/candles/weeks', /candle_acc_trade_volume/);
  });
});

describe('record mappers with WebSocket DEFAULT key tables', () => {
  it('should map the WS ticker, trade, orderbook and candle examples through the same functions', () => {
    const ticker = toTicker(readFixture('ws_ticker_default.json') as UpbitRecord, { ...UPBIT_REST_TICKER_KEYS, market: 'code' }, 'ticker', 1);
    expect(ticker).toMatchObject({ symbol: 'BTC/KRW', timestamp: 1676965262177 });
    expectBig(ticker.changeRate, '0.0126713295');
    expectBig(ticker.quoteVolume24h, '228827082483.70729000');

    const tradeKeys = { ...UPBIT_REST_TRADE_KEYS, market: 'code', timestamp: 'trade_timestamp' };
    const trades = (readFixture('ws_trade_default.json') as UpbitRecord[]).map((r) => toTrade(r, tradeKeys, 'trade', 1));
    expect(trades.map((t) => [t.symbol, t.id, t.side, t.timestamp])).toEqual([
      ['BTC/KRW', '17877285547970000', 'sell', 1787728554797],
      ['ETH/KRW', '17877285516960000', 'buy', 1787728551696],
    ]);

    const books = (readFixture('ws_orderbook_default.json') as UpbitRecord[]).map((r) => toOrderBook(r, { ...UPBIT_REST_ORDER_BOOK_KEYS, market: 'code' }, 'orderbook', 1));
    expectBig(sum(books[0]!.asks), '18.93431797');
    expectBig(sum(books[1]!.bids), '612.45477499');

    const [candle] = (readFixture('ws_candle.json') as UpbitRecord[]).map((r) => toCandle(r, { ...UPBIT_REST_CANDLE_KEYS, market: 'code' }, '1m', 'candle.1m', 1));
    expect(candle?.openTime).toBe(Date.UTC(2026, 7, 26, 8, 8, 0));
    expectBig(candle?.quoteVolume, '78269528.64757');
  });
});
