import { describe, expect, it } from 'vitest';
import { parseJsonExact } from 'market-data-backbone/internals';
import { MemoryReplyCache, replyCacheKey, type CachedReply, type ReplyCache } from '../../src/cache/reply-cache.js';

/** A clock that moves only when told to. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const reply = (text: string, storedAt = 0): CachedReply => ({ text, status: 200, storedAt });

describe('MemoryReplyCache', () => {
  it('should serve an entry until its TTL has passed and not after', () => {
    const clock = fakeClock();
    const cache = new MemoryReplyCache({ now: clock.now });
    cache.set('upbit|/v1/market/all', reply('[1]'), 5_000);
    clock.advance(4_999);
    expect(cache.get('upbit|/v1/market/all')?.text).toBe('[1]');
    clock.advance(1);
    expect(cache.get('upbit|/v1/market/all')).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when touched
  });

  it('should give each key its own TTL and restart it on a new set', () => {
    const clock = fakeClock();
    const cache = new MemoryReplyCache({ now: clock.now });
    cache.set('a', reply('A'), 1_000);
    cache.set('b', reply('B'), 10_000);
    clock.advance(900);
    cache.set('a', reply('A2'), 1_000);
    clock.advance(900);
    expect(cache.get('a')?.text).toBe('A2');
    expect(cache.get('b')?.text).toBe('B');
    clock.advance(200);
    expect(cache.get('a')).toBeUndefined();
  });

  it('should not store a reply with a TTL of zero or less', () => {
    const cache = new MemoryReplyCache();
    cache.set('a', reply('A'), 1_000);
    cache.set('a', reply('A2'), 0);
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', reply('B'), -5);
    expect(cache.size).toBe(0);
  });

  it('should keep at most maxEntries, dropping the least recently used', () => {
    const cache = new MemoryReplyCache({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) cache.set(key, reply(key), 60_000);
    expect(cache.get('a')?.text).toBe('a'); // a is now the most recently used; b the least
    cache.set('d', reply('d'), 60_000);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k)?.text)).toEqual(['a', 'c', 'd']);
    cache.set('c', reply('c2'), 60_000); // rewriting counts as use: a is now the least recent
    cache.set('e', reply('e'), 60_000);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.text).toBe('c2');
  });

  it('should delete and clear', () => {
    const cache = new MemoryReplyCache();
    cache.set('a', reply('A'), 1_000);
    cache.set('b', reply('B'), 1_000);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('should round-trip reply text so that exact numbers survive a re-parse', async () => {
    // A caller only ever awaits the interface: an async store and the memory one behave alike.
    const cache: ReplyCache = new MemoryReplyCache();
    const text = '[{"trade_price":105514711074.18726,"sequential_id":17538720000000001}]';
    await cache.set('upbit|/v1/trades/ticks?market=KRW-BTC', reply(text, 5), 1_000);
    const hit = await cache.get('upbit|/v1/trades/ticks?market=KRW-BTC');
    expect(hit).toEqual({ text, status: 200, storedAt: 5 });
    expect(JSON.stringify(parseJsonExact(hit!.text))).toContain('105514711074.18726');
  });
});

describe('replyCacheKey', () => {
  it('should key by exchange, path and sorted query parameters', () => {
    const a = replyCacheKey('upbit', { path: '/v1/candles/minutes/1', query: { market: 'KRW-BTC', to: '2026-01-01T00:00:00Z', count: '200' } });
    const b = replyCacheKey('upbit', { path: '/v1/candles/minutes/1', query: { count: '200', to: '2026-01-01T00:00:00Z', market: 'KRW-BTC' } });
    expect(a).toBe(b);
    expect(a).toBe('upbit|/v1/candles/minutes/1?count=200&market=KRW-BTC&to=2026-01-01T00%3A00%3A00Z');
    expect(replyCacheKey('upbit', { path: '/v1/market/all' })).toBe('upbit|/v1/market/all');
    expect(replyCacheKey('binance', { path: '/v1/market/all' })).not.toBe(replyCacheKey('upbit', { path: '/v1/market/all' }));
  });
});
