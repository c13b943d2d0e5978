import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from '../../src/testing/index.js';
import { asRecord, get, T0 } from './helpers.js';

/** Start of a fresh one-second window. */
const WINDOW = Math.ceil(T0 / 1000) * 1000;

describe('Upbit simulator rate limits and controls', () => {
  const clock = new ManualClock(WINDOW);
  let sim: UpbitSimulator;

  beforeAll(async () => {
    sim = await startUpbitSimulator({ clock, rateLimits: { blockAfter: 3, blockBaseMs: 1000, blockMaxMs: 4000 } });
  });
  afterEach(() => {
    sim.resume();
    sim.setLatency(0);
    sim.resetLimits();
    sim.clearLog();
    clock.set(WINDOW);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('should count down sec= per group and answer the 11th request in a second with 429', async () => {
    const secs: Array<string | null> = [];
    for (let i = 0; i < 10; i++) secs.push((await get(sim.url, '/v1/ticker?markets=KRW-BTC')).headers.get('remaining-req'));
    expect(secs.map((s) => s?.replace(/.*sec=/, ''))).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    const limited = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ error: { name: 'too_many_requests', message: 'Too many API requests.' } });
    expect(limited.headers.get('remaining-req')).toBe('group=ticker; min=600; sec=0');
    const otherGroup = await get(sim.url, '/v1/candles/days?market=KRW-BTC');
    expect(otherGroup.headers.get('remaining-req')).toBe('group=candles; min=600; sec=9');
    clock.advance(1000);
    const nextSecond = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    expect(nextSecond.status).toBe(200);
    expect(nextSecond.headers.get('remaining-req')).toBe('group=ticker; min=600; sec=9');
  });

  it('should block a client that keeps sending while limited (418, Retry-After) and lengthen repeat blocks', async () => {
    for (let i = 0; i < 10; i++) await get(sim.url, '/v1/orderbook?markets=KRW-BTC');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(sim.url, '/v1/orderbook?markets=KRW-BTC')).status);
    expect(statuses).toEqual([429, 429, 429, 418]);
    const blocked = await get(sim.url, '/v1/orderbook?markets=KRW-BTC');
    expect(blocked.status).toBe(418);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(String(asRecord(asRecord(blocked.json).error).message)).toMatch(/blocked for 1 seconds/);
    clock.advance(999);
    expect((await get(sim.url, '/v1/orderbook?markets=KRW-BTC')).status).toBe(418);
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC')).status).toBe(200);
    clock.advance(1);
    expect((await get(sim.url, '/v1/orderbook?markets=KRW-BTC')).status).toBe(200);
    // Second offence: the block doubles.
    for (let i = 0; i < 9; i++) await get(sim.url, '/v1/orderbook?markets=KRW-BTC');
    for (let i = 0; i < 3; i++) expect((await get(sim.url, '/v1/orderbook?markets=KRW-BTC')).status).toBe(429);
    const again = await get(sim.url, '/v1/orderbook?markets=KRW-BTC');
    expect(again.status).toBe(418);
    expect(again.headers.get('retry-after')).toBe('2');
  });

  it('should ban one group or all groups for a while', async () => {
    sim.ban(5000, 'trade');
    expect((await get(sim.url, '/v1/trades/ticks?market=KRW-BTC')).status).toBe(418);
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC')).status).toBe(200);
    sim.ban(2000);
    const blocked = await get(sim.url, '/v1/market/all');
    expect(blocked.status).toBe(418);
    expect(blocked.headers.get('retry-after')).toBe('2');
    clock.advance(2000);
    expect((await get(sim.url, '/v1/market/all')).status).toBe(200);
    expect((await get(sim.url, '/v1/trades/ticks?market=KRW-BTC')).status).toBe(418);
    clock.advance(3000);
    expect((await get(sim.url, '/v1/trades/ticks?market=KRW-BTC')).status).toBe(200);
  });

  it('should force 429s with a JSON or plain-text body', async () => {
    sim.rateLimitNext(1);
    sim.rateLimitNext(1, { plainText: true });
    const json = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    const text = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    const normal = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    expect(json.status).toBe(429);
    expect(json.json).toEqual({ error: { name: 'too_many_requests', message: 'Too many API requests.' } });
    expect(text.status).toBe(429);
    expect(text.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(text.text).toBe('Too many API requests.');
    expect(text.headers.get('remaining-req')).toBe('group=ticker; min=600; sec=0');
    expect(normal.status).toBe(200);
  });

  it('should inject raw failures, including malformed JSON', async () => {
    sim.failNext(1, { status: 500, body: { error: { name: 'server_error', message: 'boom' } } });
    sim.failNext(1, { status: 200, body: '[{"market":"KRW-BTC",' });
    const error = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    const malformed = await get(sim.url, '/v1/ticker?markets=KRW-BTC');
    expect(error.status).toBe(500);
    expect(error.json).toEqual({ error: { name: 'server_error', message: 'boom' } });
    expect(malformed.status).toBe(200);
    expect(malformed.text).toBe('[{"market":"KRW-BTC",');
    expect(malformed.json).toBeUndefined();
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC')).status).toBe(200);
  });

  it('should delay replies by the configured latency', async () => {
    sim.setLatency(80);
    const started = performance.now();
    const reply = await get(sim.url, '/v1/market/all');
    expect(reply.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('should hold replies while paused and send them on resume', async () => {
    sim.pause();
    let answered = false;
    const pending = get(sim.url, '/v1/market/all').then((reply) => {
      answered = true;
      return reply;
    });
    while (sim.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    sim.resume();
    expect((await pending).status).toBe(200);
    expect(answered).toBe(true);
  });

  it('should limit requests with an Origin header to 1 per 10 s', async () => {
    const origin = { Origin: 'https://example.com' };
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC', origin)).status).toBe(200);
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC', origin)).status).toBe(429);
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC')).status).toBe(200);
    clock.set(Math.ceil(WINDOW / 10_000) * 10_000 + 10_000);
    expect((await get(sim.url, '/v1/ticker?markets=KRW-BTC', origin)).status).toBe(200);
  });

  it('should log every request', async () => {
    await get(sim.url, '/v1/candles/minutes/5?market=KRW-ETH&count=2');
    await get(sim.url, '/v1/nope');
    expect(sim.requests).toEqual([
      { at: WINDOW, receivedAt: expect.any(Number), method: 'GET', path: '/v1/candles/minutes/5', query: { market: 'KRW-ETH', count: '2' }, group: 'candles', status: 200 },
      { at: WINDOW, receivedAt: expect.any(Number), method: 'GET', path: '/v1/nope', query: {}, group: undefined, status: 404 },
    ]);
    expect(sim.requests[1]!.receivedAt).toBeGreaterThanOrEqual(sim.requests[0]!.receivedAt);
    sim.clearLog();
    expect(sim.requests).toEqual([]);
  });

  it('should close every socket on close', async () => {
    const other = await startUpbitSimulator({ clock });
    await get(other.url, '/v1/market/all');
    await other.close();
    await expect(get(other.url, '/v1/market/all')).rejects.toThrow();
  });
});
