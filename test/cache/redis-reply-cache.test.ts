import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, RedisReplyCache, type RedisCommand } from 'market-data-backbone';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let client: ReturnType<typeof createClient>;
let command: RedisCommand;
let prefixes = 0;
/** A fresh key prefix per test, so tests never see each other's entries. */
const prefix = (): string => `test${++prefixes}:`;

beforeAll(async () => {
  redis = await startTestRedis();
  client = createClient({ url: redis.url });
  client.on('error', () => undefined);
  await client.connect();
  command = (args) => client.sendCommand(args);
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
});

describe('RedisReplyCache against redis-server', () => {
  it('should give back the exact text, status and time it stored, under its prefix', async () => {
    const cache = new RedisReplyCache({ command, prefix: 'a:' });
    // Spellings a float round trip would change, an id beyond 2^53, and text that is not ASCII.
    const text = '[{"market":"KRW-BTC","trade_price":1.0E+8,"sequential_id":17877285547970001,"korean_name":"비트코인","x":"0.10"}]\n';
    await cache.set('upbit|/v1/trades/ticks?market=KRW-BTC', { text, status: 200, storedAt: 1_764_000_000_123 }, 60_000);
    expect(await cache.get('upbit|/v1/trades/ticks?market=KRW-BTC')).toEqual({ text, status: 200, storedAt: 1_764_000_000_123 });
    expect(await client.sendCommand(['KEYS', 'a:*'])).toEqual(['a:upbit|/v1/trades/ticks?market=KRW-BTC']);
    expect(await cache.get('upbit|/v1/trades/ticks?market=KRW-ETH')).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, writes: 1, errors: 0 });
  });

  it('should let Redis expire an entry after its TTL, for every reader', async () => {
    const p = prefix();
    const writer = new RedisReplyCache({ command, prefix: p });
    const reader = new RedisReplyCache({ command, prefix: p });
    await writer.set('k', { text: '{}', storedAt: 1 }, 60_000);
    const pttl = Number(await client.sendCommand(['PTTL', `${p}k`]));
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await writer.set('short', { text: '{}', storedAt: 1 }, 30);
    expect(await reader.get('short')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await reader.get('short')).toBeUndefined();
    expect(await reader.get('k')).toEqual({ text: '{}', status: 200, storedAt: 1 });
  });

  it('should delete on a TTL of 0 or less and on delete()', async () => {
    const p = prefix();
    const cache = new RedisReplyCache({ command, prefix: p });
    await cache.set('a', { text: '1', storedAt: 1 }, 60_000);
    await cache.set('b', { text: '2', storedAt: 1 }, 60_000);
    await cache.set('a', { text: '1', storedAt: 1 }, 0);
    await cache.delete('b');
    expect(await client.sendCommand(['KEYS', `${p}*`])).toEqual([]);
  });

  it('should answer a miss for an entry in another format and delete it', async () => {
    const p = prefix();
    const cache = new RedisReplyCache({ command, prefix: p });
    await client.sendCommand(['SET', `${p}k`, '{"not":"ours"}']);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats).toMatchObject({ unreadable: 1, misses: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await client.sendCommand(['EXISTS', `${p}k`])).toBe(0);
  });
});

describe('RedisReplyCache when Redis fails', () => {
  it('should turn a failed command into a miss, report it typed and stand aside for pauseMs', async () => {
    let now = 1_000;
    let calls = 0;
    const errors: ConnectionError[] = [];
    const failing: RedisCommand = () => {
      calls += 1;
      return Promise.reject(new Error('ECONNREFUSED'));
    };
    const cache = new RedisReplyCache({ command: failing, pauseMs: 5_000, now: () => now, onError: (e) => errors.push(e) });
    expect(await cache.get('k')).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    expect(errors[0]?.retryable).toBe(true);
    // Standing aside: neither reads nor writes reach the client.
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', { text: '{}', storedAt: 1 }, 1_000);
    expect(calls).toBe(1);
    expect(cache.stats).toMatchObject({ errors: 1, skipped: 2 });
    now += 5_000;
    await cache.set('k', { text: '{}', storedAt: 1 }, 1_000);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it('should answer a miss when Redis does not answer within timeoutMs', async () => {
    const errors: ConnectionError[] = [];
    const hanging: RedisCommand = () => new Promise<unknown>(() => undefined);
    const cache = new RedisReplyCache({ command: hanging, timeoutMs: 30, onError: (e) => errors.push(e) });
    expect(await cache.get('k')).toBeUndefined();
    expect(errors.map((e) => e.reason)).toEqual(['timeout']);
  });

  it('should read an entry handed back as bytes', async () => {
    const bytes: RedisCommand = () => Promise.resolve(new TextEncoder().encode('mdb1 42 200\n{"a":1}'));
    expect(await new RedisReplyCache({ command: bytes }).get('k')).toEqual({ text: '{"a":1}', status: 200, storedAt: 42 });
  });
});
