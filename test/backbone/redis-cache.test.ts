import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataBackbone, RedisReplyCache, type ConnectionError } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';
import { startTestRedis } from '../helpers/redis-server.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node-redis client as an application would hold it (default options: commands queue while reconnecting). */
async function connect(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: 50 } });
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(() => client.destroy());
  return client;
}

const candlesOnly = (request: { readonly path: string }): number | undefined => (request.path.includes('/candles/') ? 60_000 : undefined);

describe('REST replies shared through Redis', () => {
  it('should let a second process answer from the first one\'s reply, exactly, and ask the exchange once', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const backbones = await Promise.all(
      [0, 1].map(async () => {
        const client = await connect(redis.url);
        const replyCache = new RedisReplyCache({ command: (args) => client.sendCommand(args) });
        const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, replyCache, replyTtlMs: candlesOnly } } });
        cleanups.push(() => backbone.close());
        return { backbone, replyCache };
      }),
    );
    const [a, b] = backbones;
    if (a === undefined || b === undefined) throw new Error('two backbones');
    const candleRequests = (): number => simulator.requests.filter((r) => r.path.includes('/candles/')).length;

    const first = await a.backbone.getCandles('KRW-BTC', '1m', { count: 50 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the write is not waited for
    const second = await b.backbone.getCandles('KRW-BTC', '1m', { count: 50 });
    expect(candleRequests()).toBe(1);
    expect(b.replyCache.stats).toMatchObject({ hits: 1, writes: 0 });
    const spell = (candles: typeof first): string[] => candles.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.baseVolume, c.quoteVolume].map(String).join(' '));
    expect(spell(second)).toEqual(spell(first));
    expect(second.length).toBeGreaterThan(0);
    // Trades fall outside this TTL policy: each process asks.
    await a.backbone.getTrades('KRW-BTC');
    await b.backbone.getTrades('KRW-BTC');
    expect(simulator.requests.filter((r) => r.path.includes('/trades/')).length).toBe(2);
  });

  it('should share the market list, the call every process makes first', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const marketLists = (): number => simulator.requests.filter((r) => r.path === '/v1/market/all').length;
    const lists: string[][] = [];
    for (const worker of [0, 1]) {
      const client = await connect(redis.url);
      const replyCache = new RedisReplyCache({ command: (args) => client.sendCommand(args) });
      const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, replyCache, replyTtlMs: 300_000 } } });
      cleanups.push(() => backbone.close());
      lists.push((await backbone.getMarkets()).map((m) => `${m.symbol} ${m.market} ${m.tickSize?.toFixed() ?? '-'}`));
      // A symbol check needs the list too: answered from what this worker loaded.
      expect((await backbone.getTicker('KRW-ETH')).symbol).toBe('ETH/KRW');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(marketLists(), `market lists asked after worker ${worker}`).toBe(1);
    }
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[0]?.length).toBeGreaterThan(30);
  });

  it('should keep answering from the exchange when Redis dies, and use it again once it is back', async () => {
    const redis = await startTestRedis();
    const simulator = await startUpbitSimulator();
    cleanups.push(() => simulator.close());
    const client = await connect(redis.url);
    const errors: ConnectionError[] = [];
    let now = Date.now();
    const replyCache = new RedisReplyCache({ command: (args) => client.sendCommand(args), timeoutMs: 100, pauseMs: 5_000, now: () => now, onError: (e) => errors.push(e) });
    const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, replyCache, replyTtlMs: candlesOnly } } });
    cleanups.push(() => backbone.close());

    await backbone.getCandles('KRW-ETH', '1m', { count: 5 });
    await redis.stop();
    // Every call still answers, from the exchange: the first one pays one timeout, the rest skip Redis.
    for (const count of [6, 7, 8]) expect((await backbone.getCandles('KRW-ETH', '1m', { count })).length).toBeGreaterThan(0);
    expect(simulator.requests.filter((r) => r.path.includes('/candles/')).length).toBe(4);
    expect(errors.length).toBeGreaterThan(0);
    expect(replyCache.stats.skipped).toBeGreaterThan(0);

    // Redis back on the same port: after the pause the cache is used again.
    const again = await startTestRedis(redis.port);
    cleanups.push(() => again.stop());
    await waitFor(() => client.isReady);
    now += 5_000;
    await backbone.getCandles('KRW-ETH', '1m', { count: 9 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Number(await client.sendCommand(['DBSIZE']))).toBe(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}
