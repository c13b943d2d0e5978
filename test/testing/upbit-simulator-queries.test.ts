import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Big, toBig, toIdString } from '../../src/model/decimal.js';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { asRecord, asRecords, get, T0 } from './helpers.js';

const big = (value: unknown): Big => toBig(value as string);
const QUOTATION_400 = {
  missing: { error: { name: 400, message: 'Missing request parameter error. Check the required parameters!' } },
  invalid: { error: { name: 400, message: 'Invalid parameter. Check the given value!' } },
  type: { error: { name: 400, message: 'Type mismatch error. Check the parameters type!' } },
};
const NOT_FOUND_CODE = { error: { name: 404, message: 'Code not found' } };

describe('Upbit simulator queries', () => {
  const clock = new ManualClock(T0);
  let sim: UpbitSimulator;

  beforeAll(async () => {
    sim = await startUpbitSimulator({ clock, rateLimits: { perSecond: 100_000 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should report the last trade as the ticker price, inside the order book', async () => {
    for (const code of ['KRW-BTC', 'KRW-XEC', 'USDT-ETH']) {
      const [ticker] = asRecords((await get(sim.url, `/v1/ticker?markets=${code}`)).json);
      const [trade] = asRecords((await get(sim.url, `/v1/trades/ticks?market=${code}&count=1`)).json);
      const [book] = asRecords((await get(sim.url, `/v1/orderbook?markets=${code}`)).json);
      const [best] = asRecords(asRecord(book).orderbook_units);
      expect(big(ticker?.trade_price).eq(big(trade?.trade_price))).toBe(true);
      expect(ticker?.trade_timestamp).toBe(trade?.timestamp);
      expect(big(best?.bid_price).lt(big(best?.ask_price))).toBe(true);
      expect(big(ticker?.trade_price).gte(big(best?.bid_price))).toBe(true);
      expect(big(ticker?.trade_price).lte(big(best?.ask_price))).toBe(true);
    }
  });

  it('should serve minute candles equal to the aggregated trades', async () => {
    const { json } = await get(sim.url, '/v1/candles/minutes/1?market=KRW-ETH&count=30');
    const candles = asRecords(json);
    expect(candles.length).toBeGreaterThan(20);
    for (const candle of candles) {
      const start = Date.parse(`${String(candle.candle_date_time_utc)}Z`);
      const trades = sim.model.trades('KRW-ETH', start, Math.min(start + 60_000, T0 + 1));
      expect(big(candle.opening_price).eq(trades[0]?.price ?? -1)).toBe(true);
      expect(big(candle.trade_price).eq(trades[trades.length - 1]?.price ?? -1)).toBe(true);
      expect(candle.timestamp).toBe(trades[trades.length - 1]?.timestamp);
      const volume = trades.reduce((sum, t) => sum.plus(t.volume), new Big(0));
      const value = trades.reduce((sum, t) => sum.plus(t.price.times(t.volume)), new Big(0));
      expect(big(candle.candle_acc_trade_volume).eq(volume)).toBe(true);
      expect(big(candle.candle_acc_trade_price).eq(value)).toBe(true);
      expect(candle.unit).toBe(1);
    }
  });

  it('should page minute candles back with `to`: strictly older, no duplicates, no gaps', async () => {
    const seen: string[] = [];
    let to = '';
    for (let page = 0; page < 3; page++) {
      const { json } = await get(sim.url, `/v1/candles/minutes/1?market=KRW-STX&count=200${to}`);
      const times = asRecords(json).map((c) => String(c.candle_date_time_utc));
      expect([...times].sort().reverse()).toEqual(times);
      const oldest = times[times.length - 1] ?? '';
      if (seen.length > 0) expect(times[0]! < seen[seen.length - 1]!).toBe(true);
      seen.push(...times);
      to = `&to=${oldest}`;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const from = Date.parse(`${seen[seen.length - 1]}Z`);
    const expected = sim.model.candles('KRW-STX', '1m', from, T0 + 1).map((c) => new Date(c.start).toISOString().slice(0, 19));
    expect([...seen].reverse()).toEqual(expected);
    expect(seen.length).toBeLessThan(600);
  });

  it('should accept `to` with an offset and in `yyyy-MM-dd HH:mm:ss` form', async () => {
    const offset = await get(sim.url, '/v1/candles/days?market=KRW-BTC&count=2&to=2025-07-30T00:00:00%2B09:00');
    const spaced = await get(sim.url, '/v1/candles/days?market=KRW-BTC&count=2&to=2025-07-29 15:00:00');
    expect(asRecords(offset.json).map((c) => c.candle_date_time_utc)).toEqual(['2025-07-29T00:00:00', '2025-07-28T00:00:00']);
    expect(spaced.text).toBe(offset.text);
  });

  it('should give day candles the previous close and a KRW conversion on request', async () => {
    const [today, yesterday] = asRecords((await get(sim.url, '/v1/candles/days?market=BTC-SOL&count=2&converting_price_unit=KRW')).json);
    expect(big(today?.prev_closing_price).eq(big(yesterday?.trade_price))).toBe(true);
    expect(big(today?.change_price).eq(big(today?.trade_price).minus(big(today?.prev_closing_price)))).toBe(true);
    const rate = sim.model.lastTrade('KRW-BTC', Number(today?.timestamp))?.price ?? new Big(0);
    expect(big(today?.converted_trade_price).eq(big(today?.trade_price).times(rate))).toBe(true);
  });

  it('should page trades with cursor and days_ago', async () => {
    const first = asRecords((await get(sim.url, '/v1/trades/ticks?market=KRW-SAND&count=50')).json);
    const cursor = toIdString(first[first.length - 1]?.sequential_id as string);
    const second = asRecords((await get(sim.url, `/v1/trades/ticks?market=KRW-SAND&count=50&cursor=${cursor}`)).json);
    const ids = [...first, ...second].map((t) => BigInt(toIdString(t.sequential_id as string)));
    expect(ids.length).toBe(100);
    ids.forEach((id, i) => i > 0 && expect(id < (ids[i - 1] ?? 0n)).toBe(true));
    const expected = sim.model.tradesBefore('KRW-SAND', T0 + 1, 0, 0, 100).map((t) => BigInt(t.sequentialId));
    expect(ids).toEqual(expected);
    const earlier = asRecords((await get(sim.url, '/v1/trades/ticks?market=KRW-SAND&count=3&days_ago=2&to=120000')).json);
    expect(earlier.map((t) => t.trade_date_utc)).toEqual(['2025-07-28', '2025-07-28', '2025-07-28']);
    expect(earlier.every((t) => String(t.trade_time_utc) < '12:00:00')).toBe(true);
  });

  it('should answer identically for the same seed and clock', async () => {
    const twin = await startUpbitSimulator({ clock, rateLimits: { perSecond: 100_000 } });
    const other = await startUpbitSimulator({ clock, seed: 99, rateLimits: { perSecond: 100_000 } });
    try {
      for (const path of ['/v1/ticker/all', '/v1/orderbook?markets=KRW-BTC,KRW-XRP', '/v1/trades/ticks?market=KRW-BTC&count=100', '/v1/candles/minutes/5?market=KRW-SOL&count=50', '/v1/candles/weeks?market=KRW-ETH&count=10']) {
        const [a, b, c] = await Promise.all([get(sim.url, path), get(twin.url, path), get(other.url, path)]);
        expect(b.text).toBe(a.text);
        expect(c.text).not.toBe(a.text);
      }
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it.each([
    ['/v1/ticker', QUOTATION_400.missing],
    ['/v1/ticker?markets=', QUOTATION_400.missing],
    ['/v1/candles/days?count=2', QUOTATION_400.missing],
    ['/v1/candles/minutes/1?market=KRW-BTC&count=201', QUOTATION_400.invalid],
    ['/v1/candles/minutes/1?market=KRW-BTC&count=0', QUOTATION_400.invalid],
    ['/v1/candles/minutes/2?market=KRW-BTC', QUOTATION_400.invalid],
    ['/v1/candles/minutes/x?market=KRW-BTC', QUOTATION_400.type],
    ['/v1/candles/days?market=KRW-BTC&to=yesterday', QUOTATION_400.invalid],
    ['/v1/candles/days?market=KRW-BTC&to=2025-02-30T00:00:00', QUOTATION_400.invalid],
    ['/v1/candles/days?market=KRW-BTC&converting_price_unit=USD', QUOTATION_400.invalid],
    ['/v1/candles/seconds?market=KRW-BTC&count=1.5', QUOTATION_400.type],
    ['/v1/orderbook?markets=KRW-BTC&count=31', QUOTATION_400.invalid],
    ['/v1/orderbook?markets=KRW-BTC&level=1500', QUOTATION_400.invalid],
    ['/v1/orderbook?markets=BTC-ETH&level=1', QUOTATION_400.invalid],
    ['/v1/orderbook?markets=KRW-BTC&level=high', QUOTATION_400.type],
    ['/v1/trades/ticks?market=KRW-BTC&count=501', QUOTATION_400.invalid],
    ['/v1/trades/ticks?market=KRW-BTC&days_ago=8', QUOTATION_400.invalid],
    ['/v1/trades/ticks?market=KRW-BTC&to=25:00:00', QUOTATION_400.invalid],
    ['/v1/trades/ticks?market=KRW-BTC&cursor=abc', QUOTATION_400.type],
    ['/v1/market/all?isDetails=maybe', QUOTATION_400.type],
    ['/v1/ticker?markets=KRW-NOPE', NOT_FOUND_CODE],
    ['/v1/ticker?markets=KRW-BTC,krw-eth', NOT_FOUND_CODE],
    ['/v1/ticker/all?quote_currencies=KRW,EUR', NOT_FOUND_CODE],
    ['/v1/orderbook?markets=KRW-BTC,KRW-NOPE', NOT_FOUND_CODE],
    ['/v1/candles/days?market=KRW-NOPE', NOT_FOUND_CODE],
  ])('should reject %s like Upbit', async (path, body) => {
    const reply = await get(sim.url, path);
    expect(reply.status).toBe(body.error.name);
    expect(reply.json).toEqual(body);
    expect(reply.headers.get('remaining-req')).toMatch(/^group=\w+; min=600; sec=\d+$/);
  });

  it('should answer unknown paths with not_found and no Remaining-Req', async () => {
    for (const path of ['/v1/tickers', '/v2/ticker?markets=KRW-BTC', '/']) {
      const reply = await get(sim.url, path);
      expect(reply.status).toBe(404);
      expect(asRecord(asRecord(reply.json).error).name).toBe('not_found');
      expect(reply.headers.get('remaining-req')).toBeNull();
    }
  });

  it('should accept both isDetails and is_details', async () => {
    const a = await get(sim.url, '/v1/market/all?isDetails=true');
    const b = await get(sim.url, '/v1/market/all?is_details=true');
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('"market_event"');
  });

  it('should list ticker/all per quote currency', async () => {
    const all = asRecords((await get(sim.url, '/v1/ticker/all')).json).map((t) => String(t.market));
    const usdt = asRecords((await get(sim.url, '/v1/ticker/all?quote_currencies=USDT')).json).map((t) => String(t.market));
    expect(usdt.length).toBeGreaterThan(0);
    expect(usdt.every((m) => m.startsWith('USDT-'))).toBe(true);
    expect(all).toEqual(sim.model.markets().map((m) => m.market));
  });
});
