import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { ManualClock, MarketModel } from '../../src/testing/index.js';
import { startUpbitWsSimulator, type UpbitWsSimulator } from '../../src/testing/upbit/ws-simulator.js';
import { FIXTURES, shapeOf, T0 } from './helpers.js';
import { big, dec, rec, TestClient, type Received } from './upbit-ws-client.js';

const fixture = (name: string): unknown => parseJsonExact(readFileSync(join(FIXTURES, name), 'utf8'));
const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);
const ofType = (frames: readonly Received[], type: string): Received[] => frames.filter((f) => rec(f).type === type || rec(f).ty === type);
const streamTypes = (frames: readonly Received[]): unknown[] => frames.map((f) => rec(f).stream_type ?? rec(f).st);

const REQUEST_ALL = [
  { ticket: 'test' },
  { type: 'ticker', codes: ['KRW-BTC'] },
  { type: 'trade', codes: ['KRW-BTC'] },
  { type: 'orderbook', codes: ['KRW-BTC'] },
  { type: 'candle.1m', codes: ['KRW-BTC'] },
];

describe('Upbit WebSocket simulator: protocol and data', () => {
  let clock: ManualClock;
  let model: MarketModel;
  let sim: UpbitWsSimulator;
  let client: TestClient;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    model = new MarketModel({ clock });
    sim = await startUpbitWsSimulator({ model, pushIntervalMs: 0 });
    client = await TestClient.open(sim.url);
  });
  afterEach(async () => {
    client.close();
    await sim.close();
  });

  /** Advances the clock, pushes once, and returns the frames of that push. */
  const step = async (ms: number): Promise<Received[]> => {
    clock.advance(ms);
    sim.tick();
    return client.barrier();
  };

  it('should send a SNAPSHOT per (type, code), then REALTIME frames, all in binary frames', async () => {
    const snapshots = await client.exchange(REQUEST_ALL);
    expect(snapshots.map((f) => rec(f).type)).toEqual(['ticker', 'trade', 'orderbook', 'candle.1m']);
    expect(streamTypes(snapshots)).toEqual(['SNAPSHOT', 'SNAPSHOT', 'SNAPSHOT', 'SNAPSHOT']);
    const realtime = await step(5000);
    expect(realtime.length).toBeGreaterThan(3);
    expect(new Set(streamTypes(realtime))).toEqual(new Set(['REALTIME']));
    expect(client.frames.every((f) => f.binary)).toBe(true);
    // Within a push: the trades, then the ticker after them, then the book and the candle.
    const types = realtime.map((f) => rec(f).type);
    expect(types.lastIndexOf('trade')).toBeLessThan(types.indexOf('ticker'));
    expect(types.slice(types.indexOf('ticker'))).toEqual(['ticker', 'orderbook', 'candle.1m']);
  });

  it.each([
    ['ticker', 'ws_ticker_default.json'],
    ['trade', 'ws_trade_default.json'],
    ['orderbook', 'ws_orderbook_default.json'],
    ['candle.1m', 'ws_candle.json'],
  ])('should send DEFAULT %s frames with the keys, key order and JSON types of %s', async (type, name) => {
    const [snapshot] = await client.exchange([{ ticket: 't' }, { type, codes: ['KRW-BTC'] }]);
    expect(shapeOf(snapshot?.json)).toEqual(shapeOf(first(fixture(name))));
    const realtime = ofType(await step(3000), type);
    expect(realtime.length).toBeGreaterThan(0);
    for (const frame of realtime) expect(shapeOf(frame.json)).toEqual(shapeOf(first(fixture(name))));
  });

  it('should spell numbers like the WebSocket fixtures, exactly, with sequential_id beyond 2^53', async () => {
    const [trade] = await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }]);
    const last = model.lastTrade('KRW-BTC', T0);
    expect(trade?.text).toContain(`"trade_price":${big(last!.price)}.0,`);
    expect(trade?.text).toMatch(/"best_ask_price":\d+,/);
    expect(trade?.text).toContain(`"sequential_id":${last!.sequentialId},`);
    expect(BigInt(last!.sequentialId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(dec(rec(trade).trade_volume)).toBe(big(last!.volume));
    const [book] = await client.exchange([{ ticket: 't' }, { type: 'orderbook', codes: ['KRW-BTC'], level: 10000 }]);
    expect(book?.text).toMatch(/"ask_price":\d+\.0,/);
    expect(book?.text).toMatch(/"level":10000}$/);
  });

  it('should agree with model.ticker() and model.trades() at the same instant', async () => {
    await client.exchange([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }, { type: 'trade', codes: ['KRW-BTC'] }]);
    // Two pushes: together they carry every trade of (T0, T0 + 10 s] exactly once, in order.
    const frames = [...(await step(4000)), ...(await step(6000))];
    const trades = ofType(frames, 'trade').map(rec);
    const expected = model.trades('KRW-BTC', T0 + 1, T0 + 10_001);
    expect(expected.length).toBeGreaterThan(5);
    expect(trades.map((t) => String((t.sequential_id as { value?: string }).value ?? t.sequential_id))).toEqual(
      expected.map((t) => t.sequentialId),
    );
    expect(trades.map((t) => dec(t.trade_price))).toEqual(expected.map((t) => big(t.price)));
    expect(trades.map((t) => t.ask_bid)).toEqual(expected.map((t) => t.side));
    const ticker = rec(ofType(frames, 'ticker').at(-1));
    const model10 = model.ticker('KRW-BTC', T0 + 10_000)!;
    expect(ticker.timestamp).toBe(T0 + 10_000);
    expect(ticker.trade_timestamp).toBe(model10.tradeTimestamp);
    expect(dec(ticker.trade_price)).toBe(big(model10.tradePrice));
    expect(dec(ticker.acc_trade_price)).toBe(big(model10.accTradePrice));
    expect(dec(ticker.acc_trade_volume_24h)).toBe(big(model10.accTradeVolume24h));
    expect(dec(ticker.signed_change_rate)).toBe(big(model10.signedChangeRate));
    expect(dec(ticker.prev_closing_price)).toBe(big(model10.prevClosingPrice));
    expect(dec(trades[0]?.prev_closing_price)).toBe(big(model10.prevClosingPrice));
  });

  it('should send a book that equals model.orderBook() when it changes, and nothing when nothing changed', async () => {
    await client.exchange([{ ticket: 't' }, { type: 'orderbook', codes: ['KRW-BTC.5'] }]);
    expect(await step(0)).toEqual([]);
    const [book] = ofType(await step(2000), 'orderbook').map(rec);
    const expected = model.orderBook('KRW-BTC', T0 + 2000, 5)!;
    expect(book?.timestamp).toBe(T0 + 2000);
    expect(dec(book?.total_ask_size)).toBe(big(expected.totalAskSize));
    expect((book?.orderbook_units as unknown[]).map((u) => dec(rec(u).bid_price))).toEqual(expected.units.map((u) => big(u.bidPrice)));
  });

  it('should serve N units for a .N depth suffix and group by level', async () => {
    const frames = await client.exchange([
      { ticket: 't' },
      { type: 'orderbook', codes: ['KRW-BTC.5', 'KRW-ETH.1', 'KRW-XRP'] },
    ]);
    expect(frames.map((f) => (rec(f).orderbook_units as unknown[]).length)).toEqual([5, 1, 30]);
    const [grouped] = await client.exchange([{ ticket: 't' }, { type: 'orderbook', codes: ['KRW-BTC.3'], level: 100000 }]);
    const units = rec(grouped).orderbook_units as unknown[];
    expect(units).toHaveLength(3);
    expect(units.every((u) => BigInt(dec(rec(u).ask_price)) % 100000n === 0n)).toBe(true);
  });

  it('should use the abbreviated keys with SIMPLE and arrays with SIMPLE_LIST', async () => {
    const frames = await client.exchange([...REQUEST_ALL, { format: 'SIMPLE' }]);
    const [ticker, trade, book, candle] = frames.map(rec);
    const elided = Object.keys(rec(first(fixture('ws_ticker_simple_list_elided.json'))));
    expect(Object.keys(ticker ?? {}).filter((k) => elided.includes(k))).toEqual(elided);
    expect(Object.keys(ticker ?? {})).toEqual(expect.arrayContaining(['l52wp', 'l52wdt', 'ms', 'its', 'dd', 'mw', 'tms', 'atp24h', 'atv24h']));
    expect(Object.keys(trade ?? {})).toEqual(['ty', 'cd', 'tms', 'td', 'ttm', 'ttms', 'tp', 'tv', 'ab', 'pcp', 'c', 'cp', 'sid', 'bap', 'bas', 'bbp', 'bbs', 'st']);
    expect(Object.keys(book ?? {})).toEqual(['ty', 'cd', 'tms', 'tas', 'tbs', 'obu', 'st', 'lv']);
    expect(Object.keys(rec((book?.obu as unknown[])[0]))).toEqual(['ap', 'bp', 'as', 'bs']);
    expect(Object.keys(candle ?? {})).toEqual(['ty', 'cd', 'cdttmu', 'cdttmk', 'op', 'hp', 'lp', 'tp', 'catv', 'catp', 'tms', 'st']);
    const [list] = await client.exchange([...REQUEST_ALL, { format: 'SIMPLE_LIST' }]);
    expect(Array.isArray(list?.json)).toBe(true);
    expect((list?.json as unknown[]).map((item) => rec(item).ty)).toEqual(['ticker', 'trade', 'orderbook', 'candle.1m']);
    const pushed = await step(3000);
    expect(pushed).toHaveLength(1);
    expect((pushed[0]?.json as unknown[]).every((item) => rec(item).st === 'REALTIME')).toBe(true);
  });

  it('should replace the subscription set with a new request (old codes stop)', async () => {
    await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }]);
    expect(ofType(await step(5000), 'trade').length).toBeGreaterThan(0);
    await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-ETH'] }]);
    const frames = await step(30_000);
    expect(frames.map((f) => rec(f).code)).toEqual(frames.map(() => 'KRW-ETH'));
    expect(frames).toHaveLength(model.trades('KRW-ETH', T0 + 5001, T0 + 35_001).length);
    expect(frames.length).toBeGreaterThan(0);
  });

  it('should honour is_only_snapshot and the older isOnlyRealtime', async () => {
    const snapshotOnly = await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'], is_only_snapshot: true }]);
    expect(streamTypes(snapshotOnly)).toEqual(['SNAPSHOT']);
    expect(await step(5000)).toEqual([]);
    expect(await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'], isOnlyRealtime: true }])).toEqual([]);
    const realtime = await step(5000);
    expect(realtime.length).toBeGreaterThan(0);
    expect(new Set(streamTypes(realtime))).toEqual(new Set(['REALTIME']));
  });

  it('should send candles at most once a second, repeating the period until it closes', async () => {
    const [snapshot] = (await client.exchange([{ ticket: 't' }, { type: 'candle.1m', codes: ['KRW-BTC'] }])).map(rec);
    expect(snapshot?.candle_date_time_utc).toBe('2025-07-30T17:03:00');
    expect(await step(500)).toEqual([]);
    const [update] = (await step(600)).map(rec);
    const candle = model.candles('KRW-BTC', '1m', T0, T0 + 1, T0 + 1100)[0]!;
    expect(update?.candle_date_time_utc).toBe('2025-07-30T17:03:00');
    expect(dec(update?.candle_acc_trade_volume)).toBe(big(candle.volume));
    expect(dec(update?.trade_price)).toBe(big(candle.close));
    // 17:03:16.213 → 17:04:10: the closing 17:03 candle first (final), then the new period's.
    const rolled = (await step(53_787)).map(rec);
    const final = model.candles('KRW-BTC', '1m', T0, T0 + 1, T0 + 60_000)[0]!;
    expect(rolled.map((c) => c.candle_date_time_utc)).toEqual(['2025-07-30T17:03:00', '2025-07-30T17:04:00']);
    expect(dec(rolled[0]?.candle_acc_trade_price)).toBe(big(final.value));
  });

  it('should answer PING with {"status":"UP"} in a binary frame', async () => {
    const mark = client.frames.length;
    await client.barrier();
    expect(client.frames.slice(mark)).toEqual([{ binary: true, text: '{"status":"UP"}', json: { status: 'UP' } }]);
    expect(sim.pings).toBe(1);
  });

  it.each([
    ['NO_TICKET', [{ type: 'ticker', codes: ['KRW-BTC'] }]],
    ['WRONG_FORMAT', 'not json'],
    ['WRONG_FORMAT', { ticket: 't' }],
    ['WRONG_FORMAT', [{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }, { format: 'XML' }]],
    ['NO_TYPE', [{ ticket: 't' }]],
    ['NO_CODES', [{ ticket: 't' }, { type: 'ticker' }]],
    ['NO_CODES', [{ ticket: 't' }, { type: 'ticker', codes: [] }]],
    ['INVALID_PARAM', [{ ticket: 't' }, { type: 'ticker', codes: ['KRW-NOPE'] }]],
    ['INVALID_PARAM', [{ ticket: 't' }, { type: 'orderbook', codes: ['KRW-BTC.31'] }]],
    ['INVALID_PARAM', [{ ticket: 't' }, { type: 'candle.2m', codes: ['KRW-BTC'] }]],
    ['INVALID_AUTH', [{ ticket: 't' }, { type: 'myOrder', codes: ['KRW-BTC'] }]],
  ])('should reply with a %s error frame to %j and keep the previous set', async (name, request) => {
    await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }]);
    const replies = await client.exchange(request);
    expect(replies.map((f) => rec(rec(f).error).name)).toEqual([name]);
    expect(typeof rec(rec(replies[0]).error).message).toBe('string');
    expect(sim.requests.at(-1)?.error?.name).toBe(name);
    expect(ofType(await step(5000), 'trade').length).toBeGreaterThan(0);
  });

  it('should log every request with its text and exactly parsed value', async () => {
    await client.exchange('[{"ticket":"t"},{"type":"ticker","codes":["KRW-BTC"]}]');
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ at: T0, connection: 1, error: undefined, text: '[{"ticket":"t"},{"type":"ticker","codes":["KRW-BTC"]}]' });
    expect(sim.requests[0]?.parsed).toEqual([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'] }]);
  });
});

describe('Upbit WebSocket simulator: push timer', () => {
  it('should push REALTIME frames from its own timer as the model clock moves', async () => {
    const clock = new ManualClock(T0);
    const sim = await startUpbitWsSimulator({ clock });
    const client = await TestClient.open(sim.url);
    try {
      await client.exchange([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'], is_only_realtime: true }]);
      clock.advance(5000);
      await client.until(() => client.frames.some((f) => rec(f).stream_type === 'REALTIME'));
      expect(rec(client.frames.find((f) => rec(f).stream_type === 'REALTIME')).code).toBe('KRW-BTC');
    } finally {
      client.close();
      await sim.close();
    }
  });
});
