import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, last, of } from 'rxjs';
import { ExchangeError, MarketDataError, ParseError } from '../../../src/errors/index.js';
import type { Subscription, WsMessage } from '../../../src/core/exchange-adapter.js';
import { binanceAdapter, binanceRest, createBinanceWs, decodeBinanceFrame } from '../../../src/exchanges/binance/index.js';
import type { Candle } from '../../../src/model/candle.js';
import type { DepthDiffEvent, MarketEvent } from '../../../src/model/market-event.js';
import type { OrderBookLevel } from '../../../src/model/order-book.js';
import type { Ticker } from '../../../src/model/ticker.js';
import type { Trade } from '../../../src/model/trade.js';
import { syncOrderBook } from '../../../operators/syncOrderBook.js';
import { plain, readFixture, readFixtureText, readRaw } from './fixtures.js';

const receivedAt = 1_800_000_000_000;

type RawLevel = [string, string];

function decode(text: string): WsMessage {
  return decodeBinanceFrame(text, receivedAt);
}

/** The events of a decoded frame; fails the test for any other kind. */
function eventsOf(text: string): readonly MarketEvent[] {
  const message = decode(text);
  if (message.kind !== 'events') throw new Error(`expected events, got ${message.kind}`);
  return message.events;
}

function only<T extends MarketEvent>(text: string, type: T['type']): T {
  const events = eventsOf(text);
  expect(events).toHaveLength(1);
  expect(events[0]?.type).toBe(type);
  return events[0] as T;
}

function spell(levels: readonly OrderBookLevel[]): [string, string][] {
  return levels.map((level) => [level.price.toFixed(), level.amount.toFixed()]);
}

function spellRaw(levels: readonly RawLevel[]): [string, string][] {
  return levels.map(([price, qty]) => [plain(price), plain(qty)]);
}

/** A frame text as the combined endpoint sends it. */
function combined(stream: string, payloadText: string): string {
  return `{"stream":${JSON.stringify(stream)},"data":${payloadText}}`;
}

describe('binance WebSocket adapter', () => {
  it('should use the combined endpoint, diff order books and the documented limits', () => {
    const ws = binanceAdapter.ws;
    expect(ws.url).toBe('wss://stream.binance.com:9443/stream');
    expect(ws.orderBook).toBe('diffs');
    expect(ws.maxSubscriptions).toBe(1024);
    expect(ws.keepalive).toEqual({ intervalMs: 0, frame: '' });
    expect(ws.sendLimits.every((rule) => rule.limit <= 5 && rule.windowMs === 1000)).toBe(true);
    expect(ws.maxConnectionAgeMs).toBeLessThan(24 * 3_600_000);
    expect(ws.maxConnectionAgeMs).toBeGreaterThan(23 * 3_600_000);
    expect(ws.supportsCandles?.('1h')).toBe(true);
    expect(ws.supportsCandles?.('10m')).toBe(false);
    expect(createBinanceWs({ url: 'ws://127.0.0.1:1/stream' }).url).toBe('ws://127.0.0.1:1/stream');
  });
});

describe('subscriptionFrames', () => {
  const ticker: Subscription = { channel: 'ticker', market: 'BTCUSDT' };
  const trades: Subscription = { channel: 'trades', market: 'BTCUSDT' };
  const book5: Subscription = { channel: 'orderBook', market: 'ETHBTC', depth: 5 };
  const book20: Subscription = { channel: 'orderBook', market: 'ETHBTC', depth: 20 };
  const candles: Subscription = { channel: 'candles', market: 'BTCUSDT', interval: '1m' };

  it('should subscribe lower-case stream names with increasing ids', () => {
    const ws = createBinanceWs();
    expect(ws.subscriptionFrames([ticker, trades, book5, candles], []).map((f) => JSON.parse(f) as unknown)).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@ticker', 'btcusdt@trade', 'ethbtc@depth@100ms', 'btcusdt@kline_1m'], id: 1 },
    ]);
    expect(ws.subscriptionFrames([ticker], [])).toEqual(['{"method":"SUBSCRIBE","params":["btcusdt@ticker"],"id":2}']);
  });

  it('should send only the difference: UNSUBSCRIBE first, then SUBSCRIBE', () => {
    const ws = createBinanceWs();
    const frames = ws.subscriptionFrames([trades, candles], [ticker, trades]).map((f) => JSON.parse(f) as unknown);
    expect(frames).toEqual([
      { method: 'UNSUBSCRIBE', params: ['btcusdt@ticker'], id: 1 },
      { method: 'SUBSCRIBE', params: ['btcusdt@kline_1m'], id: 2 },
    ]);
    expect(ws.subscriptionFrames([trades], [trades])).toEqual([]);
    expect(ws.subscriptionFrames([], [trades])).toEqual(['{"method":"UNSUBSCRIBE","params":["btcusdt@trade"],"id":3}']);
  });

  it('should share one diff stream between order-book depths of a market', () => {
    const ws = createBinanceWs();
    expect(ws.subscriptionFrames([book5, book20], [])).toEqual(['{"method":"SUBSCRIBE","params":["ethbtc@depth@100ms"],"id":1}']);
    expect(ws.subscriptionFrames([book20], [book5, book20])).toEqual([]);
    expect(ws.subscriptionFrames([], [book20])).toEqual(['{"method":"UNSUBSCRIBE","params":["ethbtc@depth@100ms"],"id":2}']);
  });

  it('should split long lists into messages of at most maxParamsPerFrame names', () => {
    const ws = createBinanceWs({ maxParamsPerFrame: 2 });
    const subs: Subscription[] = ['AUSDT', 'BUSDT', 'CUSDT', 'DUSDT', 'EUSDT'].map((market) => ({ channel: 'trades', market }));
    const frames = ws.subscriptionFrames(subs, []).map((f) => JSON.parse(f) as { params: string[]; id: number });
    expect(frames.map((f) => f.params)).toEqual([['ausdt@trade', 'busdt@trade'], ['cusdt@trade', 'dusdt@trade'], ['eusdt@trade']]);
    expect(frames.map((f) => f.id)).toEqual([1, 2, 3]);
  });

  it('should match the documented request shapes', () => {
    const ws = createBinanceWs();
    const [subscribe] = ws.subscriptionFrames([{ channel: 'trades', market: 'BTCUSDT' }], []);
    const docRequest = readRaw<{ method: string; params: string[]; id: number }>('ws_subscribe_request.json');
    const sent = JSON.parse(subscribe!) as typeof docRequest;
    expect(Object.keys(sent)).toEqual(Object.keys(docRequest));
    expect(sent.method).toBe(docRequest.method);
    const [unsubscribe] = ws.subscriptionFrames([], [{ channel: 'orderBook', market: 'BTCUSDT' }]);
    expect((JSON.parse(unsubscribe!) as { method: string }).method).toBe(readRaw<{ method: string }>('ws_unsubscribe_request.json').method);
  });

  it('should refuse candle intervals Binance lacks with a typed error', () => {
    expect(() => createBinanceWs().subscriptionFrames([{ channel: 'candles', market: 'BTCUSDT', interval: '10m' }], [])).toThrow(MarketDataError);
  });
});

describe('decode: stream events', () => {
  it('should map the trade example: m true is a taker sell', () => {
    const raw = readRaw<{ E: number; s: string; t: number; p: string; q: string; T: number }>('ws_trade.json');
    const trade = only<Trade>(readFixtureText('ws_trade.json'), 'trade');
    expect(trade).toMatchObject({ exchange: 'binance', market: raw.s, symbol: 'BNB/BTC', id: String(raw.t), timestamp: raw.T, receivedAt, side: 'sell' });
    expect([trade.price.toFixed(), trade.amount.toFixed()]).toEqual([plain(raw.p), plain(raw.q)]);
  });

  it('should map the 2019 combined trade capture, legacy b/a keys included', () => {
    const raw = readRaw<{ stream: string; data: { t: number; p: string; q: string; T: number; m: boolean } }[]>('ws_trade_capture_2019_legacy.json');
    for (const frame of raw) {
      const trade = only<Trade>(JSON.stringify(frame), 'trade');
      expect([trade.id, trade.price.toFixed(), trade.amount.toFixed(), trade.timestamp, trade.side, trade.market]).toEqual([
        String(frame.data.t), plain(frame.data.p), plain(frame.data.q), frame.data.T, frame.data.m ? 'sell' : 'buy', 'BNBBTC',
      ]);
    }
    expect(raw.map((frame) => only<Trade>(JSON.stringify(frame), 'trade').side)).toEqual(['buy', 'sell']);
  });

  it('should keep trade ids beyond 2^53 exact', () => {
    const trade = only<Trade>(combined('btcusdt@trade', '{"e":"trade","E":1,"s":"BTCUSDT","t":90071992547409931,"p":"1.00","q":"2.50","T":2,"m":false,"M":true}'), 'trade');
    expect([trade.id, trade.side, trade.amount.toFixed()]).toEqual(['90071992547409931', 'buy', '2.5']);
  });

  it('should map the ticker example and the combined DOGEBNB capture to exact values', () => {
    type RawTicker = { E: number; s: string; p: string; P: string; x: string; c: string; Q: string; o: string; h: string; l: string; v: string; q: string };
    const check = (ticker: Ticker, raw: RawTicker): void => {
      expect([ticker.market, ticker.timestamp, ticker.receivedAt]).toEqual([raw.s, raw.E, receivedAt]);
      const got = [ticker.change, ticker.prevClose, ticker.last, ticker.lastAmount!, ticker.open, ticker.high, ticker.low, ticker.baseVolume, ticker.quoteVolume, ticker.baseVolume24h, ticker.quoteVolume24h];
      const want = [raw.p, raw.x, raw.c, raw.Q, raw.o, raw.h, raw.l, raw.v, raw.q, raw.v, raw.q];
      expect(got.map((value) => value.toFixed())).toEqual(want.map(plain));
    };
    const doc = only<Ticker>(readFixtureText('ws_ticker.json'), 'ticker');
    check(doc, readRaw<RawTicker>('ws_ticker.json'));
    expect([doc.symbol, doc.changeRate.toFixed()]).toEqual(['BNB/BTC', '2.5']);
    const capture = readRaw<{ data: RawTicker }>('ws_ticker_capture_combined.json');
    const doge = only<Ticker>(readFixtureText('ws_ticker_capture_combined.json'), 'ticker');
    check(doge, capture.data);
    expect([doge.symbol, doge.changeRate.toFixed()]).toEqual(['DOGE/BNB', '0.02068']);
  });

  it('should map the depthUpdate example to a DepthDiffEvent with string update ids', () => {
    const raw = readRaw<{ E: number; s: string; U: number; u: number; b: RawLevel[]; a: RawLevel[] }>('ws_depth_diff.json');
    const diff = only<DepthDiffEvent>(readFixtureText('ws_depth_diff.json'), 'depthDiff');
    expect(diff).toMatchObject({ exchange: 'binance', market: raw.s, symbol: 'BNB/BTC', timestamp: raw.E, firstUpdateId: String(raw.U), finalUpdateId: String(raw.u) });
    expect([spell(diff.bids), spell(diff.asks)]).toEqual([spellRaw(raw.b), spellRaw(raw.a)]);
  });

  it('should map the kline example to a candle of the library interval', () => {
    const raw = readRaw<{ E: number; s: string; k: { t: number; o: string; c: string; h: string; l: string; v: string; q: string } }>('ws_kline.json');
    const candle = only<Candle>(readFixtureText('ws_kline.json'), 'candle');
    expect(candle).toMatchObject({ market: raw.s, symbol: 'BNB/BTC', interval: '1m', openTime: raw.k.t, timestamp: raw.E });
    const got = [candle.open, candle.high, candle.low, candle.close, candle.baseVolume, candle.quoteVolume].map((v) => v.toFixed());
    expect(got).toEqual([raw.k.o, raw.k.h, raw.k.l, raw.k.c, raw.k.v, raw.k.q].map(plain));
    const month = only<Candle>(readFixtureText('ws_kline.json').replace('"i": "1m"', '"i": "1M"'), 'candle');
    expect(month.interval).toBe('1M');
    expect(decode(readFixtureText('ws_kline.json').replace('"i": "1m"', '"i": "2h"'))).toEqual({ kind: 'ignore' });
  });

  it('should ignore payloads the library does not map, raw or combined', () => {
    for (const name of ['ws_aggTrade.json', 'ws_bookTicker.json', 'ws_miniTicker.json', 'ws_depth_partial.json', 'ws_combined_wrapper.json']) {
      expect(decode(readFixtureText(name))).toEqual({ kind: 'ignore' });
    }
    expect(decode(combined('btcusdt@depth5', readFixtureText('ws_depth_partial.json')))).toEqual({ kind: 'ignore' });
  });

  it('should map every element of an array payload it knows', () => {
    const ticker = readFixtureText('ws_ticker.json');
    const events = eventsOf(combined('!ticker@arr', `[${ticker},${readFixtureText('ws_miniTicker.json')},${ticker}]`));
    expect(events.map((e) => e.type)).toEqual(['ticker', 'ticker']);
  });
});

describe('decode: control frames', () => {
  it('should ignore subscription and property replies', () => {
    for (const name of ['ws_subscribe_response.json', 'ws_unsubscribe_response.json', 'ws_list_subscriptions_response.json', 'ws_set_property_response.json', 'ws_get_property_response.json']) {
      expect(decode(readFixtureText(name))).toEqual({ kind: 'ignore' });
    }
  });

  it('should turn the server-shutdown notice into a reconnect request in both forms', () => {
    for (const name of ['ws_server_shutdown_raw.json', 'ws_server_shutdown_combined.json']) {
      const message = decode(readFixtureText(name));
      expect(message.kind).toBe('reconnect');
      if (message.kind === 'reconnect') expect(message.reason).toMatch(/serverShutdown/);
    }
  });

  it('should not take another event named like the notice stream for a shutdown', () => {
    // Only the payload's `e` decides: a trade that arrives on any stream name stays a trade.
    const trade = readFixtureText('ws_trade.json');
    expect(decode(`{"stream":"!serverShutdown","data":${trade}}`).kind).toBe('events');
  });

  it('should turn every documented error template into an ExchangeError', () => {
    const templates = readRaw<string[]>('ws_control_error_templates.json');
    for (const template of templates) {
      const text = template.replaceAll('%s', '7');
      const message = decode(text);
      expect(message.kind).toBe('error');
      if (message.kind !== 'error') continue;
      const expected = JSON.parse(text) as { code: number; msg: string };
      expect(message.error).toBeInstanceOf(ExchangeError);
      expect(message.error).toMatchObject({ exchange: 'binance', code: expected.code });
      expect(message.error.message).toContain(expected.msg);
    }
  });

  it('should turn a nested error reply into an ExchangeError naming the request id', () => {
    const message = decode('{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":42}');
    expect(message.kind).toBe('error');
    if (message.kind === 'error') {
      expect(message.error).toMatchObject({ code: 2 });
      expect(message.error.message).toContain('request 42');
    }
  });

  it('should throw ParseError on garbage', () => {
    for (const text of ['not json', '42', '"text"', 'null', '{"hello":"world"}', combined('btcusdt@trade', '"x"')]) {
      expect(() => decode(text)).toThrow(ParseError);
    }
    expect(() => decode(combined('btcusdt@trade', '{"e":"trade","s":"BTCUSDT","t":1,"p":"x","q":"1","T":1,"m":true}'))).toThrow(/"p" is not a decimal/);
    expect(() => decode('{"e":"depthUpdate","E":1,"s":"A","U":1,"u":2,"b":"nope","a":[]}')).toThrow(ParseError);
  });
});

describe('diff sync with the captured GNTBTC sequence', () => {
  it('should build the book from the decoded diffs and the parsed snapshot', async () => {
    const frames = readRaw<{ stream: string; generated?: boolean; data: unknown }[]>('ws_depth_sync_sequence_capture.json');
    const diffs = frames.filter((f) => f.generated !== true).map((f) => only<DepthDiffEvent>(JSON.stringify(f), 'depthDiff'));
    expect(diffs.map((d) => [d.firstUpdateId, d.finalUpdateId])).toEqual([['41603407', '41603413'], ['41603414', '41603418'], ['41603417', '41603419']]);
    const snapshotBody = (readFixture('ws_depth_sync_sequence_capture.json') as { data: unknown }[])[2]!.data;
    const snapshot = binanceRest.parseDepthSnapshot!(snapshotBody, { receivedAt });
    expect(snapshot.lastUpdateId).toBe('41603417');
    const book = await firstValueFrom(from(diffs).pipe(syncOrderBook({ snapshot: () => of(snapshot) }), last()));
    expect(book.updateId).toBe('41603419');
    // The last diff removes ask 0.00002257 (absent anyway) and adds 0.00002262 behind the snapshot's asks.
    expect(spell(book.asks)).toEqual([
      ['0.00002253', '3945'], ['0.00002256', '50641'], ['0.00002258', '1777'], ['0.00002262', '6080'],
    ]);
    // The overlapping diff [41603414..41603418] was applied over the snapshot: bid 0.00002246 is 375, not 370.
    expect(spell(book.bids).slice(0, 2)).toEqual([['0.00002248', '114'], ['0.00002246', '375']]);
  });
});
