import { describe, expect, it } from 'vitest';
import { ExchangeError, MarketDataError, ParseError } from '../../../src/errors/index.js';
import type { Subscription, WsMessage } from '../../../src/core/exchange-adapter.js';
import { coinoneAdapter, COINONE_WS_URL, coinoneWs, createCoinoneWs } from '../../../src/exchanges/coinone/index.js';
import type { MarketEvent } from '../../../src/model/market-event.js';
import { Big } from '../../../src/model/decimal.js';
import { pick, pickList, pickText, plain, readFixtureText, readRaw } from './fixtures.js';

const AT = 1_700_000_000_456;

function decode(text: string): WsMessage {
  return coinoneWs.decode(text, AT);
}

/** The one event of a data frame. */
function decodeEvent(text: string): MarketEvent {
  const message = decode(text);
  if (message.kind !== 'events' || message.events.length !== 1) throw new Error(`expected one event, got ${JSON.stringify(message)}`);
  return message.events[0]!;
}

function same(value: Big | undefined, raw: string): boolean {
  return value !== undefined && value.eq(new Big(raw));
}

/**
 * SHORT keys as the protocol reference lists them, written out here independently of the adapter's
 * key tables: envelope, common keys, then per channel.
 */
const SHORT_ENVELOPE: Record<string, string> = { response_type: 'r', channel: 'c', data: 'd' };
const SHORT_COMMON: Record<string, string> = { quote_currency: 'qc', target_currency: 'tc', timestamp: 't', id: 'i' };
const SHORT_BY_CHANNEL: Record<string, Record<string, string>> = {
  ORDERBOOK: { asks: 'a', bids: 'b', price: 'p', qty: 'q' },
  TICKER: {
    quote_volume: 'qv',
    target_volume: 'tv',
    high: 'hi',
    low: 'lo',
    first: 'fi',
    last: 'la',
    volume_power: 'vp',
    ask_best_price: 'abp',
    ask_best_qty: 'abq',
    bid_best_price: 'bbp',
    bid_best_qty: 'bbq',
    yesterday_high: 'yhi',
    yesterday_low: 'ylo',
    yesterday_first: 'yfi',
    yesterday_last: 'yla',
    yesterday_quote_volume: 'yqv',
    yesterday_target_volume: 'ytv',
  },
  TRADE: { price: 'p', qty: 'q', is_seller_maker: 'sm' },
  CHART: {
    interval: 'iv',
    candle_timestamp: 'ct',
    high: 'hi',
    low: 'lo',
    first: 'fi',
    last: 'la',
    quote_volume: 'qv',
    target_volume: 'tv',
  },
};

/** Renames every key of a JSON tree with `names` (keys not listed stay). */
function renameKeys(value: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, names));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [names[key] ?? key, renameKeys(inner, names)]));
}

/** A DEFAULT data frame rewritten in SHORT keys. */
function toShort(frame: unknown): unknown {
  const channel = pickText(frame, 'channel');
  const data = renameKeys(pick(frame, 'data'), { ...SHORT_COMMON, ...SHORT_BY_CHANNEL[channel] });
  return { r: 'DATA', c: channel, d: data };
}

/** A SHORT data frame rewritten in DEFAULT keys. */
function toDefault(frame: unknown): unknown {
  const channel = pickText(frame, 'c');
  const long = Object.fromEntries(Object.entries({ ...SHORT_COMMON, ...SHORT_BY_CHANNEL[channel] }).map(([k, v]) => [v, k]));
  return { response_type: 'DATA', channel, data: renameKeys(pick(frame, 'd'), long) };
}

/** The keys of a tree, at every depth, sorted. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))].sort();
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value)
    .flatMap(([key, inner]) => [`${prefix}${key}`, ...keyPaths(inner, `${prefix}${key}.`)])
    .sort();
}

describe('coinone ws adapter', () => {
  it('should point at the public stream with a JSON PING every 20 s and snapshot books', () => {
    expect(coinoneAdapter.ws).toBe(coinoneWs);
    expect(coinoneWs.url).toBe('wss://stream.coinone.co.kr');
    expect(COINONE_WS_URL).toBe(coinoneWs.url);
    expect(JSON.parse(coinoneWs.keepalive.frame)).toEqual(readRaw('ws_ping_request.json'));
    expect(coinoneWs.keepalive.intervalMs).toBe(20_000);
    expect(coinoneWs.orderBook).toBe('snapshots');
    expect(coinoneWs.sendLimits).toEqual([]);
    expect(coinoneWs.maxSubscriptions).toBeUndefined();
    expect(createCoinoneWs({ url: 'ws://127.0.0.1:1' }).url).toBe('ws://127.0.0.1:1');
  });

  it('should stream the CHART intervals the library has', () => {
    expect(coinoneWs.supportsCandles?.('1m')).toBe(true);
    expect(coinoneWs.supportsCandles?.('4h')).toBe(true);
    expect(coinoneWs.supportsCandles?.('1w')).toBe(true);
    expect(coinoneWs.supportsCandles?.('1M')).toBe(false);
    expect(coinoneWs.supportsCandles?.('10m')).toBe(false);
  });
});

describe('coinone subscriptionFrames', () => {
  const book: Subscription = { channel: 'orderBook', market: 'KRW-XRP' };
  const trades: Subscription = { channel: 'trades', market: 'KRW-BTC' };
  const ticker: Subscription = { channel: 'ticker', market: 'KRW-ETH' };

  it('should send the documented SUBSCRIBE frames, DEFAULT and SHORT', () => {
    const [frame, ...rest] = coinoneWs.subscriptionFrames([book], []);
    expect(rest).toEqual([]);
    expect(JSON.parse(frame!)).toEqual(readRaw('ws_subscribe_request.json'));
    const [short] = createCoinoneWs({ format: 'SHORT' }).subscriptionFrames([book], []);
    expect(JSON.parse(short!)).toEqual(readRaw('ws_subscribe_request_short.json'));
    const [chart] = coinoneWs.subscriptionFrames([{ channel: 'candles', market: 'KRW-XRP', interval: '1m' }], []);
    expect(JSON.parse(chart!)).toEqual(readRaw('ws_chart_subscribe_request.json'));
  });

  it('should name each channel in upper case', () => {
    const frames = coinoneWs.subscriptionFrames([ticker, trades], []).map((f) => JSON.parse(f) as unknown);
    expect(frames).toEqual([
      { request_type: 'SUBSCRIBE', channel: 'TICKER', topic: { quote_currency: 'KRW', target_currency: 'ETH' } },
      { request_type: 'SUBSCRIBE', channel: 'TRADE', topic: { quote_currency: 'KRW', target_currency: 'BTC' } },
    ]);
  });

  it('should unsubscribe what left and subscribe what came, nothing else', () => {
    const frames = createCoinoneWs({ format: 'SHORT' }).subscriptionFrames([trades, ticker], [book, trades]).map((f) => JSON.parse(f) as unknown);
    expect(frames).toEqual([
      { request_type: 'UNSUBSCRIBE', channel: 'ORDERBOOK', topic: { quote_currency: 'KRW', target_currency: 'XRP' } },
      { request_type: 'SUBSCRIBE', channel: 'TICKER', topic: { quote_currency: 'KRW', target_currency: 'ETH' }, format: 'SHORT' },
    ]);
    expect(coinoneWs.subscriptionFrames([], [book, trades]).map((f) => (JSON.parse(f) as { request_type: string }).request_type)).toEqual([
      'UNSUBSCRIBE',
      'UNSUBSCRIBE',
    ]);
    expect(coinoneWs.subscriptionFrames([], [])).toEqual([]);
  });

  it('should ignore depth (books are always 16 levels) and duplicates', () => {
    expect(coinoneWs.subscriptionFrames([{ ...book, depth: 5 }], [book])).toEqual([]);
    expect(coinoneWs.subscriptionFrames([book, { ...book, depth: 10 }], [])).toHaveLength(1);
  });

  it('should tell candle intervals apart', () => {
    const m1: Subscription = { channel: 'candles', market: 'KRW-XRP', interval: '1m' };
    const h1: Subscription = { channel: 'candles', market: 'KRW-XRP', interval: '1h' };
    const frames = coinoneWs.subscriptionFrames([h1], [m1]).map((f) => JSON.parse(f) as unknown);
    expect(frames).toEqual([
      { request_type: 'UNSUBSCRIBE', channel: 'CHART', topic: { quote_currency: 'KRW', target_currency: 'XRP', interval: '1m' } },
      { request_type: 'SUBSCRIBE', channel: 'CHART', topic: { quote_currency: 'KRW', target_currency: 'XRP', interval: '1h' } },
    ]);
  });

  it('should refuse candle intervals Coinone does not stream', () => {
    expect(() => coinoneWs.subscriptionFrames([{ channel: 'candles', market: 'KRW-BTC', interval: '1M' }], [])).toThrow(MarketDataError);
  });
});

describe('coinone decode: control frames', () => {
  it('should read PONG as a heartbeat and acknowledgements as nothing', () => {
    expect(decode(readFixtureText('ws_pong.json'))).toEqual({ kind: 'heartbeat' });
    for (const name of ['ws_connected.json', 'ws_subscribed.json', 'ws_unsubscribed.json', 'ws_chart_subscribed.json']) {
      expect(decode(readFixtureText(name))).toEqual({ kind: 'ignore' });
    }
  });

  it('should report each error frame as an ExchangeError with its numeric code', () => {
    const cases = [
      ['ws_error_invalid_request.json', 160010, 'Invalid Request'],
      ['ws_error_invalid_type.json', 160011, 'field request_type'],
      ['ws_error_invalid_topic.json', 160012, 'Invalid Topic'],
    ] as const;
    for (const [name, code, text] of cases) {
      const message = decode(readFixtureText(name));
      if (message.kind !== 'error') throw new Error(`${name} did not decode to an error`);
      expect(message.error).toBeInstanceOf(ExchangeError);
      expect(message.error).toMatchObject({ exchange: 'coinone', code });
      expect(message.error.message).toContain(text);
      expect(message.error.raw).toEqual(readRaw(name));
    }
  });

  it('should throw ParseError on garbage', () => {
    const garbage = [
      'not json',
      '[]',
      '42',
      '{}',
      '{"response_type":"HELLO"}',
      '{"response_type":"DATA","channel":"CANDLES","data":{}}',
      '{"response_type":"DATA","channel":"TRADE"}',
      '{"r":"DATA","c":"TRADE","d":{"qc":"KRW","tc":"XRP"}}',
      '{"response_type":"ERROR","message":"no code"}',
      readFixtureText('ws_trade.json').replace('"price": "688.3"', '"price": "cheap"'),
      readFixtureText('ws_chart.json').replace('"interval": "1m"', '"interval": "2h"'),
    ];
    for (const text of garbage) expect(() => decode(text), text).toThrow(ParseError);
  });
});

describe('coinone decode: data frames', () => {
  it('should decode the DEFAULT ticker exactly', () => {
    const raw = readRaw('ws_ticker.json');
    const event = decodeEvent(readFixtureText('ws_ticker.json'));
    if (event.type !== 'ticker') throw new Error('not a ticker');
    expect(event).toMatchObject({ exchange: 'coinone', symbol: 'XRP/KRW', market: 'KRW-XRP', timestamp: 1693560360010, receivedAt: AT });
    expect(same(event.last, pickText(raw, 'data', 'last'))).toBe(true);
    expect(same(event.open, pickText(raw, 'data', 'first'))).toBe(true);
    expect(same(event.high, pickText(raw, 'data', 'high'))).toBe(true);
    expect(same(event.low, pickText(raw, 'data', 'low'))).toBe(true);
    expect(same(event.prevClose, pickText(raw, 'data', 'yesterday_last'))).toBe(true);
    expect(same(event.baseVolume, pickText(raw, 'data', 'target_volume'))).toBe(true);
    expect(same(event.quoteVolume24h, pickText(raw, 'data', 'quote_volume'))).toBe(true);
    expect(event.baseVolume.toFixed()).toBe('80021677.1681579');
    expect(event.change.toFixed()).toBe('-10.8');
  });

  it('should decode the SHORT ticker exactly', () => {
    const raw = readRaw('ws_ticker_short.json');
    const event = decodeEvent(readFixtureText('ws_ticker_short.json'));
    if (event.type !== 'ticker') throw new Error('not a ticker');
    expect(event).toMatchObject({ market: 'KRW-XRP', timestamp: 1693560378928 });
    expect(same(event.last, pickText(raw, 'd', 'la'))).toBe(true);
    expect(same(event.open, pickText(raw, 'd', 'fi'))).toBe(true);
    expect(same(event.high, pickText(raw, 'd', 'hi'))).toBe(true);
    expect(same(event.low, pickText(raw, 'd', 'lo'))).toBe(true);
    expect(same(event.prevClose, pickText(raw, 'd', 'yla'))).toBe(true);
    expect(same(event.baseVolume, pickText(raw, 'd', 'tv'))).toBe(true);
    expect(same(event.quoteVolume, pickText(raw, 'd', 'qv'))).toBe(true);
  });

  it('should decode trades with the taker side, DEFAULT and SHORT', () => {
    expect(plain(decodeEvent(readFixtureText('ws_trade.json')))).toEqual({
      type: 'trade',
      exchange: 'coinone',
      symbol: 'XRP/KRW',
      market: 'KRW-XRP',
      timestamp: 1693560450996,
      receivedAt: AT,
      id: '1693560450996001',
      price: '688.3',
      amount: '5000',
      side: 'buy',
    });
    expect(plain(decodeEvent(readFixtureText('ws_trade_short.json')))).toEqual({
      type: 'trade',
      exchange: 'coinone',
      symbol: 'XRP/KRW',
      market: 'KRW-XRP',
      timestamp: 1693560563084,
      receivedAt: AT,
      id: '1693560563084003',
      price: '688.3',
      amount: '290.745',
      side: 'sell',
    });
  });

  it('should decode full 16-level books, asks reordered best-first', () => {
    for (const [name, asksKey, bidsKey, priceKey, qtyKey] of [
      ['ws_orderbook.json', 'asks', 'bids', 'price', 'qty'],
      ['ws_orderbook_short.json', 'a', 'b', 'p', 'q'],
    ] as const) {
      const raw = readRaw(name);
      const data = pick(raw, name.includes('short') ? 'd' : 'data');
      const event = decodeEvent(readFixtureText(name));
      if (event.type !== 'orderBook') throw new Error('not a book');
      expect(event.market).toBe('KRW-XRP');
      const rawAsks = pickList(data, asksKey);
      const rawBids = pickList(data, bidsKey);
      expect(event.asks).toHaveLength(16);
      expect(event.bids).toHaveLength(16);
      // the wire sends asks worst-first: the book holds them in the reverse order
      event.asks.forEach((level, i) => {
        const wire = rawAsks[rawAsks.length - 1 - i];
        expect(same(level.price, pickText(wire, priceKey))).toBe(true);
        expect(same(level.amount, pickText(wire, qtyKey))).toBe(true);
      });
      event.bids.forEach((level, i) => {
        expect(same(level.price, pickText(rawBids[i], priceKey))).toBe(true);
        expect(same(level.amount, pickText(rawBids[i], qtyKey))).toBe(true);
      });
      for (let i = 1; i < 16; i++) {
        expect(event.asks[i]!.price.gt(event.asks[i - 1]!.price)).toBe(true);
        expect(event.bids[i]!.price.lt(event.bids[i - 1]!.price)).toBe(true);
      }
      expect(event.asks[0]!.price.gt(event.bids[0]!.price)).toBe(true);
    }
    const book = decodeEvent(readFixtureText('ws_orderbook.json'));
    if (book.type !== 'orderBook') throw new Error('not a book');
    expect(book.asks[0]?.price.toFixed()).toBe('687.5');
    expect(book.asks[15]?.price.toFixed()).toBe('695.5');
    expect(book.bids[0]?.price.toFixed()).toBe('687.4');
    expect(book.bids[2]?.amount.toFixed()).toBe('71156.78279601');
  });

  it('should decode CHART frames as candles', () => {
    expect(plain(decodeEvent(readFixtureText('ws_chart.json')))).toEqual({
      type: 'candle',
      exchange: 'coinone',
      symbol: 'XRP/KRW',
      market: 'KRW-XRP',
      timestamp: 1693560360010,
      receivedAt: AT,
      interval: '1m',
      openTime: 1693560360000,
      open: '698.7',
      high: '699.5',
      low: '683.9',
      close: '687.9',
      baseVolume: '80021677.1681579',
      quoteVolume: '55904975548.1528',
    });
  });
});

describe('coinone decode: SHORT and DEFAULT agree', () => {
  const channels = [
    ['ws_ticker.json', 'ws_ticker_short.json'],
    ['ws_trade.json', 'ws_trade_short.json'],
    ['ws_orderbook.json', 'ws_orderbook_short.json'],
    ['ws_chart.json', 'ws_chart_short.json'],
  ] as const;

  it('should abbreviate exactly the keys the SHORT fixtures use (checks the test table)', () => {
    for (const [long, short] of channels) {
      expect(keyPaths(toShort(readRaw(long))), long).toEqual(keyPaths(readRaw(short)));
    }
  });

  it('should decode a frame and its SHORT rewrite to the same event', () => {
    for (const [long, short] of channels) {
      const fromLong = decodeEvent(readFixtureText(long));
      expect(plain(decodeEvent(JSON.stringify(toShort(readRaw(long)))))).toEqual(plain(fromLong));
      const fromShort = decodeEvent(readFixtureText(short));
      expect(plain(decodeEvent(JSON.stringify(toDefault(readRaw(short)))))).toEqual(plain(fromShort));
    }
  });
});
