import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBig, toIdString } from '../../src/model/decimal.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { asRecord, asRecords, FIXTURES, get, shapeOf, T0 } from './helpers.js';

/** The request that produces the same kind of reply as each quotation fixture. */
const REQUESTS: Readonly<Record<string, string>> = {
  'rest_market_all_details.json': '/v1/market/all?is_details=true',
  'rest_market_all_first5_doc2025.json': '/v1/market/all',
  'rest_ticker_krw_doc2025.json': '/v1/ticker?markets=KRW-BTC,KRW-ETH',
  'rest_ticker_all_krw_doc.json': '/v1/ticker/all?quote_currencies=KRW',
  'rest_orderbook.json': '/v1/orderbook?markets=KRW-BTC&level=10000',
  'rest_trades_ticks.json': '/v1/trades/ticks?market=KRW-BTC',
  'rest_candles_seconds.json': '/v1/candles/seconds?market=KRW-BTC',
  'rest_candles_minutes.json': '/v1/candles/minutes/1?market=KRW-BTC',
  'rest_candles_days_doc2025.json': '/v1/candles/days?market=KRW-BTC&to=2025-07-30T00%3A00%3A00%2B09%3A00&count=2',
  'error_400_type_mismatch.json': '/v1/candles/days?market=KRW-BTC&count=two',
  'error_404_code_not_found.json': '/v1/ticker?markets=KRW-BTC,KRW-NOPE',
};

/** Exchange (authenticated) API fixtures: not served by the quotation simulator. */
const EXCHANGE_FIXTURES = new Set(['rest_accounts.json', 'error_401_no_authorization_ip.json']);

const restFixtures = readdirSync(FIXTURES).filter((name) => /^(rest|error)_.*\.json$/.test(name) && !EXCHANGE_FIXTURES.has(name));

describe('Upbit simulator reply shapes', () => {
  const clock = new ManualClock(T0);
  let sim: UpbitSimulator;

  beforeAll(async () => {
    sim = await startUpbitSimulator({ clock, rateLimits: { perSecond: 1000 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should map every quotation fixture to a request', () => {
    expect(restFixtures.length).toBeGreaterThanOrEqual(11);
    expect(restFixtures.filter((name) => REQUESTS[name] === undefined)).toEqual([]);
  });

  it.each(restFixtures)('should reply like %s (keys, order and JSON types)', async (name) => {
    const fixture = parseJsonExact(readFileSync(join(FIXTURES, name), 'utf8'));
    const reply = await get(sim.url, REQUESTS[name] ?? '');
    expect(reply.status).toBe(name.startsWith('error_') ? Number(name.split('_')[1]) : 200);
    expect(shapeOf(reply.json)).toEqual(shapeOf(fixture));
  });

  it('should send the headers of the 2025 capture', async () => {
    const captured = readFileSync(join(FIXTURES, 'http_headers_doc2025.txt'), 'utf8');
    expect(captured).toContain('content-type: application/json;charset=UTF-8');
    for (const [path, group] of [
      ['/v1/market/all', 'market'],
      ['/v1/ticker?markets=KRW-BTC', 'ticker'],
      ['/v1/candles/days?market=KRW-BTC', 'candles'],
    ] as const) {
      expect(captured).toContain(`remaining-req: group=${group}; min=600; sec=9`);
      const reply = await get(sim.url, path);
      expect(reply.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(reply.headers.get('remaining-req')).toMatch(new RegExp(`^group=${group}; min=600; sec=\\d+$`));
      expect(reply.headers.get('limit-by-ip')).toBe('Yes');
    }
  });

  it('should let pages of any origin read replies, like Upbit (CORS)', async () => {
    const page = { Origin: 'http://127.0.0.1:1' };
    for (const path of ['/v1/ticker?markets=KRW-BTC', '/v1/ticker?markets=KRW-NOPE', '/v1/nowhere']) {
      expect((await get(sim.url, path, page)).headers.get('access-control-allow-origin')).toBe('*');
    }
    const preflight = await fetch(`${sim.url}/v1/ticker?markets=KRW-BTC`, {
      method: 'OPTIONS',
      headers: { ...page, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-trace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('*');
    expect(sim.requests.at(-1)).toMatchObject({ method: 'OPTIONS', status: 204, group: undefined });
  });

  it('should spell ticker numbers like the 2025 capture', async () => {
    const { text } = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    for (const field of ['opening_price', 'high_price', 'low_price', 'trade_price', 'prev_closing_price', 'highest_52_week_price']) {
      expect(text).toMatch(new RegExp(`"${field}":\\d+\\.\\d{8}[,}]`));
    }
    expect(text).toMatch(/"acc_trade_price":\d+\.\d{16}[,}]/);
    expect(text).toMatch(/"acc_trade_price_24h":\d+\.\d{8}[,}]/);
    expect(text).toMatch(/"trade_volume":\d+\.\d{8}[,}]/);
    expect(text).toMatch(/"signed_change_rate":-?\d\.\d{10}[,}]|"signed_change_rate":0[,}]/);
  });

  it('should write EVEN changes as the integer 0', async () => {
    // KRW-USDT barely moves: find an instant where its last price equals the previous close.
    let at = T0;
    while (sim.model.ticker('KRW-USDT', at)?.change !== 'EVEN') at += 60_000;
    clock.set(at);
    const { text } = await get(sim.url, '/v1/ticker?markets=KRW-USDT');
    clock.set(T0);
    expect(text).toContain('"change":"EVEN","change_price":0,"change_rate":0,"signed_change_price":0,"signed_change_rate":0,');
  });

  it('should send sequential_id as a bare integer beyond 2^53', async () => {
    const { text, json } = await get(sim.url, '/v1/trades/ticks?market=KRW-BTC&count=5');
    expect(text).toMatch(/"sequential_id":\d{17}[,}]/);
    const ids = asRecords(json).map((trade) => toIdString(trade.sequential_id as string));
    const expected = sim.model.tradesBefore('KRW-BTC', T0 + 1, 0, T0 - 86_400_000, 5).map((trade) => trade.sequentialId);
    expect(ids).toEqual(expected);
    expect(BigInt(ids[0] ?? '0')).toBeGreaterThan(2n ** 53n);
  });

  it('should keep every digit of exact values on the wire', async () => {
    const { json } = await get(sim.url, '/v1/ticker?markets=KRW-SHIB,BTC-ETH');
    for (const ticker of asRecords(json)) {
      const model = sim.model.ticker(String(ticker.market), T0);
      expect(toBig(ticker.acc_trade_price as string).eq(model?.accTradePrice ?? -1)).toBe(true);
      expect(toBig(ticker.acc_trade_volume_24h as string).eq(model?.accTradeVolume24h ?? -1)).toBe(true);
    }
  });

  it('should answer market/all with and without details', async () => {
    const plain = asRecords((await get(sim.url, '/v1/market/all')).json);
    const details = asRecords((await get(sim.url, '/v1/market/all?isDetails=true')).json);
    expect(plain.length).toBeGreaterThanOrEqual(30);
    expect(plain.filter((m) => String(m.market).startsWith('KRW-')).length).toBeGreaterThanOrEqual(20);
    expect(plain.map((m) => m.market)).toContain('KRW-USDT');
    expect(plain.some((m) => String(m.market).startsWith('BTC-'))).toBe(true);
    expect(plain.some((m) => String(m.market).startsWith('USDT-'))).toBe(true);
    expect(details.some((m) => asRecord(m.market_event).warning === true)).toBe(true);
    expect(details.some((m) => asRecord(m.market_event).warning === false)).toBe(true);
  });
});
