import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Big } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { startCoinoneSimulator, type CoinoneSimulator } from '../../src/testing/coinone/simulator.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { fixtureDir } from '../helpers/shared.js';
import { asRecord, asRecords, get, shapeOf, T0 } from './helpers.js';

const FIXTURES = fixtureDir('coinone');
const V2 = '/public/v2';

/** The request producing each REST fixture's kind of reply; `limited` requests follow `rateLimitNext()`. */
const REQUESTS: Readonly<Record<string, { readonly path: string; readonly limited?: true }>> = {
  'rest_market.json': { path: `${V2}/markets/KRW/BTC` },
  'rest_markets_unknown_quote_empty.json': { path: `${V2}/markets/USDT` },
  'rest_ticker.json': { path: `${V2}/ticker_new/KRW/BTC` },
  'rest_tickers_all.json': { path: `${V2}/ticker_new/KRW` },
  'rest_tickers_all_additional_data.json': { path: `${V2}/ticker_new/KRW?additional_data=true` },
  'rest_tickers_unknown_quote_empty.json': { path: `${V2}/ticker_new/USDT` },
  'rest_orderbook.json': { path: `${V2}/orderbook/KRW/BTC?size=5` },
  'rest_trades.json': { path: `${V2}/trades/KRW/BTC?size=10` },
  'rest_chart.json': { path: `${V2}/chart/KRW/BTC?interval=15m&size=5` },
  'error_parameter_wrong.json': { path: `${V2}/orderbook/KRW/BTC?size=20` },
  'error_unknown_currency.json': { path: `${V2}/ticker_new/KRW/NOPE` },
  'error_rate_limit.json': { path: `${V2}/ticker_new/KRW/BTC`, limited: true },
  'error_rate_limit_v1_legacy.json': { path: '/ticker?currency=btc', limited: true },
};

const restFixtures = readdirSync(FIXTURES).filter((name) => /^(rest|error)_.*\.json$/.test(name));

function fixture(name: string): unknown {
  return parseJsonExact(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** `body.<key>` as a list of records. */
function rows(body: unknown, key: string): Array<Record<string, unknown>> {
  return asRecords(asRecord(body)[key]);
}

function decimal(value: unknown): Big {
  if (typeof value !== 'string') throw new Error(`not a string number: ${String(value)}`);
  return new Big(value);
}

describe('Coinone REST simulator', () => {
  const clock = new ManualClock(T0);
  let sim: CoinoneSimulator;

  beforeAll(async () => {
    sim = await startCoinoneSimulator({ clock, ws: { pushIntervalMs: 0 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should map every REST fixture to a request', () => {
    expect(restFixtures.length).toBe(13);
    expect(restFixtures.filter((name) => REQUESTS[name] === undefined)).toEqual([]);
  });

  it.each(restFixtures)('should reply like %s (keys, order and string/number types), with HTTP 200', async (name) => {
    const request = REQUESTS[name];
    if (request === undefined) throw new Error(`no request for ${name}`);
    if (request.limited === true) sim.rateLimitNext();
    const reply = await get(sim.url, request.path);
    expect(reply.status).toBe(200);
    expect(shapeOf(reply.json)).toEqual(shapeOf(fixture(name)));
    expect(reply.json).toMatchObject(name.startsWith('error_') ? { result: 'error' } : { result: 'success', error_code: '0' });
  });

  it('should send the error bodies of the fixtures exactly', async () => {
    expect((await get(sim.url, `${V2}/trades/KRW/BTC?size=7`)).json).toEqual(fixture('error_parameter_wrong.json'));
    expect((await get(sim.url, `${V2}/chart/KRW/BTC?interval=10m`)).json).toEqual(fixture('error_parameter_wrong.json'));
    expect((await get(sim.url, `${V2}/chart/KRW/BTC`)).json).toEqual(fixture('error_parameter_wrong.json'));
    expect((await get(sim.url, `${V2}/ticker_new/KRW?additional_data=yes`)).json).toEqual(fixture('error_parameter_wrong.json'));
    expect((await get(sim.url, `${V2}/orderbook/KRW/BTC?order_book_unit=3`)).json).toEqual(fixture('error_parameter_wrong.json'));
    for (const path of ['orderbook/KRW/NOPE', 'trades/KRW/NOPE', 'chart/KRW/NOPE?interval=1m', 'markets/KRW/NOPE', 'orderbook/USDT/BTC']) {
      const reply = await get(sim.url, `${V2}/${path}`);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual(fixture('error_unknown_currency.json'));
    }
    sim.rateLimitNext();
    expect((await get(sim.url, `${V2}/markets/KRW`)).json).toEqual(fixture('error_rate_limit.json'));
    expect(asRecord((await get(sim.url, `${V2}/markets/KRW`)).json)['result']).toBe('success');
  });

  it('should price BTC at the model price times (1 + premium), on the 1000-KRW tick', async () => {
    const body = (await get(sim.url, `${V2}/ticker_new/KRW/BTC`)).json;
    const last = decimal(rows(body, 'tickers')[0]?.['last']);
    const upbit = sim.model.lastTrade('KRW-BTC', T0)?.price;
    if (upbit === undefined) throw new Error('no model trade');
    expect(last.mod(1000).eq(0)).toBe(true);
    expect(last.minus(upbit.times('0.999')).abs().lte(500)).toBe(true);
    expect(last.lt(upbit)).toBe(true);
  });

  it('should follow a positive premium and share a given model', async () => {
    const rich = await startCoinoneSimulator({ model: sim.model, premium: 0.02 });
    try {
      const body = (await get(rich.url, `${V2}/trades/KRW/XRP?size=10`)).json;
      const newest = rows(body, 'transactions')[0];
      const trade = sim.model.lastTrade('KRW-XRP', T0);
      if (newest === undefined || trade === undefined) throw new Error('no trade');
      expect(newest['timestamp']).toBe(trade.timestamp);
      // XRP at ~3300 KRW ticks by 1 KRW: the scaled price rounds to the nearest unit.
      expect(decimal(newest['price']).toFixed()).toBe(trade.price.times('1.02').round(0, Big.roundHalfUp).toFixed());
    } finally {
      await rich.close();
    }
  });

  it('should spell currencies in lower case on ticker_new only, and accept lower-case paths', async () => {
    const ticker = rows((await get(sim.url, `${V2}/ticker_new/krw/btc`)).json, 'tickers')[0];
    expect(ticker).toMatchObject({ quote_currency: 'krw', target_currency: 'btc' });
    expect(String(ticker?.['last'])).toMatch(/^\d+\.\d+$/);
    const book = asRecord((await get(sim.url, `${V2}/orderbook/krw/btc`)).json);
    expect(book).toMatchObject({ quote_currency: 'KRW', target_currency: 'BTC' });
    const markets = rows((await get(sim.url, `${V2}/markets/KRW`)).json, 'markets');
    expect(markets.length).toBe(sim.model.markets(T0).filter((m) => m.quote === 'KRW').length);
    expect(markets.every((m) => m['quote_currency'] === 'KRW')).toBe(true);
  });

  it('should list every KRW market of the model in ticker_new, with yesterday_* only when asked', async () => {
    const plain = rows((await get(sim.url, `${V2}/ticker_new/KRW`)).json, 'tickers');
    const extra = rows((await get(sim.url, `${V2}/ticker_new/KRW?additional_data=true`)).json, 'tickers');
    const bases = sim.model.markets(T0).filter((m) => m.quote === 'KRW').map((m) => m.base.toLowerCase());
    expect(plain.map((t) => t['target_currency'])).toEqual(bases);
    expect(plain.some((t) => 'yesterday_last' in t)).toBe(false);
    expect(extra.every((t) => typeof t['yesterday_last'] === 'string')).toBe(true);
  });

  it('should order the REST book best first on both sides, 15 levels by default', async () => {
    const book = asRecord((await get(sim.url, `${V2}/orderbook/KRW/ETH`)).json);
    const asks = asRecords(book['asks']).map((level) => decimal(level['price']));
    const bids = asRecords(book['bids']).map((level) => decimal(level['price']));
    expect([asks.length, bids.length]).toEqual([15, 15]);
    for (let i = 1; i < 15; i++) {
      expect(asks[i]?.gt(asks[i - 1] ?? 0)).toBe(true);
      expect(bids[i]?.lt(bids[i - 1] ?? 0)).toBe(true);
    }
    expect(asks[0]?.gt(bids[0] ?? Infinity)).toBe(true);
    expect(String(book['id'])).toBe(`${String(book['timestamp'])}001`);
    expect(asRecords(asRecord((await get(sim.url, `${V2}/orderbook/KRW/ETH?size=16`)).json)['asks']).length).toBe(16);
  });

  it('should aggregate the book to multiples of order_book_unit', async () => {
    const units = rows((await get(sim.url, `${V2}/markets/KRW/BTC`)).json, 'markets')[0]?.['order_book_units'];
    if (!Array.isArray(units)) throw new Error('no order_book_units');
    const unit = String(units[2]);
    const book = asRecord((await get(sim.url, `${V2}/orderbook/KRW/BTC?size=10&order_book_unit=${unit}`)).json);
    expect(book['order_book_unit']).toBe(unit);
    for (const side of ['asks', 'bids']) {
      const levels = asRecords(book[side]);
      expect(levels.length).toBe(10);
      for (const level of levels) expect(decimal(level['price']).mod(new Big(unit)).eq(0)).toBe(true);
    }
  });

  it('should list trades newest first, 200 by default', async () => {
    const trades = rows((await get(sim.url, `${V2}/trades/KRW/BTC`)).json, 'transactions');
    expect(trades.length).toBe(200);
    const times = trades.map((trade) => Number(trade['timestamp']));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(trades.every((trade) => String(trade['id']).startsWith(String(trade['timestamp'])))).toBe(true);
  });

  it('should serve chart candles newest first, up to timestamp, with is_last at the listing', async () => {
    const chart = asRecord((await get(sim.url, `${V2}/chart/KRW/BTC?interval=1h&size=24`)).json);
    const times = asRecords(chart['chart']).map((candle) => Number(candle['timestamp']));
    expect(times.length).toBe(24);
    expect(times[0]).toBe(Math.floor(T0 / 3_600_000) * 3_600_000);
    times.slice(1).forEach((time, i) => expect((times[i] ?? 0) - time).toBe(3_600_000));
    expect(chart['is_last']).toBe(false);
    const upTo = Date.UTC(2024, 1, 15);
    const monthly = asRecord((await get(sim.url, `${V2}/chart/KRW/BTC?interval=1mon&timestamp=${upTo}`)).json);
    expect(asRecords(monthly['chart']).map((c) => c['timestamp'])).toEqual([Date.UTC(2024, 1, 1), Date.UTC(2024, 0, 1)]);
    expect(monthly['is_last']).toBe(true);
  });

  it('should count the rate limit down in Public-Ratelimit-Remaining, then refuse with error 4', async () => {
    const limitClock = new ManualClock(0);
    const small = await startCoinoneSimulator({ model: sim.model, limitClock, rateLimit: { burst: 3, perSecond: 1 } });
    try {
      const remaining: Array<string | null> = [];
      for (let i = 0; i < 3; i++) remaining.push((await get(small.url, `${V2}/markets/KRW/BTC`)).headers.get('public-ratelimit-remaining'));
      expect(remaining).toEqual(['2', '1', '0']);
      const refused = await get(small.url, `${V2}/markets/KRW/BTC`);
      expect(refused.status).toBe(200);
      expect(refused.json).toEqual(fixture('error_rate_limit.json'));
      expect(refused.headers.get('public-ratelimit-remaining')).toBeNull();
      limitClock.advance(1000);
      expect(asRecord((await get(small.url, `${V2}/markets/KRW/BTC`)).json)['result']).toBe('success');
      expect(small.requests.map((entry) => entry.errorCode)).toEqual(['0', '0', '0', '4', '0']);
    } finally {
      await small.close();
    }
  });

  it('should answer unknown paths with an HTML page and status 200', async () => {
    const reply = await get(sim.url, '/public/v2/nope/KRW');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/html');
    expect(reply.json).toBeUndefined();
  });
});
