import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Big, toBig } from '../../src/model/decimal.js';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { MarketModel } from '../../src/testing/market/market-model.js';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/testing/binance/simulator.js';
import { get, T0 } from './helpers.js';
import { BINANCE_FIXTURES, fixture, obj, strictShape } from './binance-helpers.js';

const SYMBOLS = encodeURIComponent('["BTCUSDT","ETHUSDT"]');

/** The request whose reply has the shape of each REST fixture. */
const REQUESTS: Readonly<Record<string, string>> = {
  'rest_ping.json': '/api/v3/ping',
  'rest_time.json': '/api/v3/time',
  'rest_time_docs.json': '/api/v3/time',
  'rest_exchangeInfo_snippet.json': '/api/v3/exchangeInfo?symbolStatus=TRADING&showPermissionSets=false',
  'rest_depth.json': '/api/v3/depth?symbol=BTCUSDT&limit=5',
  'rest_trades.json': '/api/v3/trades?symbol=BTCUSDT&limit=20',
  'rest_aggTrades.json': '/api/v3/aggTrades?symbol=BTCUSDT&limit=20',
  'rest_klines.json': '/api/v3/klines?symbol=ETHUSDT&interval=1m&limit=10',
  'rest_klines_docs.json': '/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=3',
  'rest_ticker_24hr.json': '/api/v3/ticker/24hr?symbol=BTCUSDT',
  'rest_ticker_24hr_capture_ethbtc.json': '/api/v3/ticker/24hr?symbol=ETHUSDT',
  'rest_ticker_24hr_list.json': `/api/v3/ticker/24hr?symbols=${SYMBOLS}`,
  'rest_ticker_24hr_mini.json': '/api/v3/ticker/24hr?symbol=BTCUSDT&type=MINI',
  'rest_ticker_price.json': '/api/v3/ticker/price?symbol=BTCUSDT',
  'rest_ticker_price_list.json': `/api/v3/ticker/price?symbols=${SYMBOLS}`,
  'rest_bookTicker.json': '/api/v3/ticker/bookTicker?symbol=BTCUSDT',
  'rest_bookTicker_list.json': '/api/v3/ticker/bookTicker',
  'error_invalid_symbol.json': '/api/v3/depth?symbol=NOPEUSDT',
};

const PADDED = /^\d+\.\d{8}$/;

describe('Binance simulator REST', () => {
  const clock = new ManualClock(T0);
  const model = new MarketModel({ clock, seed: 11 });
  let sim: BinanceSimulator;

  beforeAll(async () => {
    sim = await startBinanceSimulator({ model, fxRate: 1400, premium: 0.02, ws: { pushIntervalMs: 0 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should map every REST fixture to a request', () => {
    const files = readdirSync(BINANCE_FIXTURES).filter((name) => /^rest_.*\.json$/.test(name) || name === 'error_invalid_symbol.json');
    expect(files.filter((name) => REQUESTS[name] === undefined)).toEqual([]);
  });

  for (const [name, path] of Object.entries(REQUESTS)) {
    it(`should reply to ${path} with the keys and types of ${name}`, async () => {
      const reply = await get(sim.url, path);
      expect(reply.status).toBe(name.startsWith('error_') ? 400 : 200);
      expect(strictShape(reply.json)).toEqual(strictShape(fixture(name)));
    });
  }

  it('should spell prices and quantities with 8 padded decimals, quoteQty unpadded', async () => {
    const book = obj((await get(sim.url, '/api/v3/depth?symbol=XRPUSDT&limit=3')).json);
    for (const level of [...(book['bids'] as string[][]), ...(book['asks'] as string[][])]) for (const cell of level) expect(cell).toMatch(PADDED);
    const [trade] = (await get(sim.url, '/api/v3/trades?symbol=BTCUSDT&limit=1')).json as Array<Record<string, string>>;
    expect(trade?.['price']).toMatch(PADDED);
    expect(trade?.['quoteQty']).toBe(toBig(trade?.['price'] ?? '0').times(toBig(trade?.['qty'] ?? '0')).toFixed());
    const info = obj((await get(sim.url, '/api/v3/exchangeInfo?symbol=BTCUSDT')).json);
    const filters = (obj((info['symbols'] as unknown[])[0])['filters'] as Array<Record<string, unknown>>).filter((f) => f['filterType'] === 'PRICE_FILTER');
    expect(filters[0]?.['tickSize']).toBe('0.01000000');
  });

  it('should list BTCUSDT, ETHUSDT and XRPUSDT but not USDTUSDT', async () => {
    const info = obj((await get(sim.url, '/api/v3/exchangeInfo')).json);
    const names = (info['symbols'] as Array<Record<string, unknown>>).map((s) => s['symbol']);
    expect(names).toEqual(expect.arrayContaining(['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'SOLUSDT']));
    expect(names).not.toContain('USDTUSDT');
  });

  it('should price BTCUSDT at the KRW price / fxRate / (1 + premium), to the tick', async () => {
    const price = toBig(obj((await get(sim.url, '/api/v3/ticker/price?symbol=BTCUSDT')).json)['price'] as string);
    const krw = model.lastTrade('KRW-BTC')?.price ?? new Big(0);
    const expected = krw.div(1400 * 1.02);
    expect(price.minus(expected).abs().lte('0.005')).toBe(true);
  });

  it('should keep trades, aggTrades and klines consistent', async () => {
    const trades = (await get(sim.url, '/api/v3/trades?symbol=BTCUSDT&limit=50')).json as Array<Record<string, unknown>>;
    const ids = trades.map((t) => Number(t['id']));
    ids.slice(1).forEach((id, i) => expect(id).toBe((ids[i] ?? 0) + 1));
    const first = ids[0] ?? 0;
    const agg = (await get(sim.url, `/api/v3/aggTrades?symbol=BTCUSDT&fromId=${first}&limit=50`)).json as Array<Record<string, unknown>>;
    expect(agg.map((a) => a['a'])).toEqual(ids);
    expect(agg.map((a) => a['p'])).toEqual(trades.map((t) => t['price']));
    const minute = Math.floor(T0 / 60_000) * 60_000 - 60_000;
    const inMinute = (await get(sim.url, `/api/v3/aggTrades?symbol=BTCUSDT&startTime=${minute}&endTime=${minute + 59_999}&limit=1000`)).json as Array<Record<string, string>>;
    const [kline] = (await get(sim.url, `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${minute}&limit=1`)).json as unknown[][];
    const volume = inMinute.reduce((sum, t) => sum.plus(toBig(t['q'] ?? '0')), new Big(0));
    expect(kline?.[0]).toBe(minute);
    expect(kline?.[8]).toBe(inMinute.length);
    expect(toBig(kline?.[5] as string).eq(volume)).toBe(true);
    expect(kline?.[6]).toBe(minute + 59_999);
  });

  it('should answer MICROSECOND time units', async () => {
    const reply = await get(sim.url, '/api/v3/time', { 'X-MBX-TIME-UNIT': 'MICROSECOND' });
    expect(obj(reply.json)['serverTime']).toBe(T0 * 1000);
  });

  it('should answer Binance error codes for bad requests', async () => {
    const cases: Array<[string, number]> = [
      ['/api/v3/depth', -1102],
      ['/api/v3/depth?symbol=BTCUSDT&foo=1', -1103],
      ['/api/v3/klines?symbol=BTCUSDT&interval=2m', -1120],
      ['/api/v3/depth?symbol=BTCUSDT&limit=ten', -1100],
      [`/api/v3/ticker/price?symbol=BTCUSDT&symbols=${SYMBOLS}`, -1128],
      ['/api/v3/ticker/24hr?symbol=BTCUSDT&type=HALF', -1139],
      ['/api/v3/ticker/24hr?symbol=BTCUSDT&symbolStatus=HALT', -1220],
    ];
    for (const [path, code] of cases) {
      const reply = await get(sim.url, path);
      expect([path, reply.status, obj(reply.json)['code']]).toEqual([path, 400, code]);
    }
    expect((await get(sim.url, '/api/v1/ping')).status).toBe(404);
  });

  it('should cap depth at 5000 levels and charge weight by limit', async () => {
    const before = Number((await get(sim.url, '/api/v3/ping')).headers.get('x-mbx-used-weight-1m'));
    const reply = await get(sim.url, '/api/v3/depth?symbol=BTCUSDT&limit=9999');
    const book = obj(reply.json);
    expect((book['bids'] as unknown[]).length).toBe(5000);
    expect((book['asks'] as unknown[]).length).toBe(5000);
    expect(Number(reply.headers.get('x-mbx-used-weight-1m'))).toBe(before + 250);
    const log = sim.requests[sim.requests.length - 1];
    expect([log?.path, log?.weight, log?.query['limit']]).toEqual(['/api/v3/depth', 250, '9999']);
  });
});

describe('Binance simulator weight limits', () => {
  it('should count weight in X-MBX-USED-WEIGHT-1M, answer 429 with Retry-After, then ban with 418', async () => {
    const clock = new ManualClock(Date.UTC(2025, 6, 30, 12, 0, 10));
    const sim = await startBinanceSimulator({ clock, rateLimits: { weightPerMinute: 50, banAfter429s: 2, banMs: 120_000 }, ws: { pushIntervalMs: 0 } });
    try {
      const used: number[] = [];
      for (let i = 0; i < 10; i++) {
        const reply = await get(sim.url, '/api/v3/depth?symbol=BTCUSDT&limit=5');
        expect(reply.status).toBe(200);
        used.push(Number(reply.headers.get('x-mbx-used-weight-1m')));
      }
      expect(used).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
      const limited = await get(sim.url, '/api/v3/ping');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('50');
      expect(obj(limited.json)['code']).toBe(-1003);
      expect((await get(sim.url, '/api/v3/ping')).status).toBe(429);
      const banned = await get(sim.url, '/api/v3/ping');
      expect(banned.status).toBe(418);
      expect(banned.headers.get('retry-after')).toBe('120');
      expect(obj(banned.json)['msg']).toBe(String(obj(fixture('error_418.json'))['msg']).replace('1702275878212', String(clock.now() + 120_000)));
      clock.advance(60_000);
      expect((await get(sim.url, '/api/v3/ping')).status).toBe(418);
      clock.advance(61_000);
      const after = await get(sim.url, '/api/v3/ping');
      expect([after.status, after.headers.get('x-mbx-used-weight-1m')]).toEqual([200, '1']);
    } finally {
      await sim.close();
    }
  });

  it('should send the documented 429 body under rateLimitNext', async () => {
    const sim = await startBinanceSimulator({ clock: new ManualClock(T0), ws: { pushIntervalMs: 0 } });
    try {
      sim.rateLimitNext();
      const reply = await get(sim.url, '/api/v3/ping');
      expect(reply.status).toBe(429);
      expect(reply.json).toEqual(fixture('error_429.json'));
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await get(sim.url, '/api/v3/ping')).status).toBe(200);
      sim.ban(5000);
      expect((await get(sim.url, '/api/v3/ping')).status).toBe(418);
    } finally {
      await sim.close();
    }
  });
});
