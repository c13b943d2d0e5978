import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataBackbone, MemoryReplyCache } from 'market-data-backbone';
import { ManualClock, startUpbitSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('REST reply cache in the exchange client', () => {
  it('serves a repeated candle request from the cache within its TTL and asks again after it', async () => {
    let now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const simulator = await startUpbitSimulator({ clock: new ManualClock(now), limitClock: { now: () => Date.now() } });
    const cache = new MemoryReplyCache({ now: () => now });
    const backbone = new MarketDataBackbone({
      exchanges: { upbit: { restUrl: simulator.url, replyCache: cache, replyTtlMs: (request) => (request.path.includes('/candles/') ? 60_000 : undefined) } },
    });
    cleanups.push(() => simulator.close(), () => backbone.close());
    const candleRequests = (): number => simulator.requests.filter((r) => r.path.includes('/candles/')).length;

    const first = await backbone.getCandles('KRW-BTC', '1m', { count: 5 });
    const second = await backbone.getCandles('KRW-BTC', '1m', { count: 5 });
    expect(candleRequests()).toBe(1);
    expect(second.map((c) => c.close.toFixed())).toEqual(first.map((c) => c.close.toFixed()));
    // Other parameters are another key; trades are not cached by this TTL policy.
    await backbone.getCandles('KRW-BTC', '1m', { count: 6 });
    expect(candleRequests()).toBe(2);
    await backbone.getTrades('KRW-BTC');
    await backbone.getTrades('KRW-BTC');
    expect(simulator.requests.filter((r) => r.path.includes('/trades/')).length).toBe(2);

    now += 60_000;
    await backbone.getCandles('KRW-BTC', '1m', { count: 5 });
    expect(candleRequests()).toBe(3);
  });
});
