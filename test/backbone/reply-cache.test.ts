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

  it('serves tickers and order books from a shared cache: one request for two clients, receivedAt the stored time', async () => {
    const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
    const cache = new MemoryReplyCache();
    const quotes = (request: { readonly path: string }): number | undefined => (request.path === '/v1/ticker' || request.path === '/v1/orderbook' ? 60_000 : undefined);
    const [a, b] = [0, 1].map(() => new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, replyCache: cache, replyTtlMs: quotes } } }));
    cleanups.push(() => simulator.close(), () => a?.close(), () => b?.close());
    if (a === undefined || b === undefined) throw new Error('two backbones');
    const asked = (path: string): number => simulator.requests.filter((r) => r.path === path).length;

    const first = await a.getTicker('KRW-BTC');
    const second = await b.getTicker('KRW-BTC');
    expect(asked('/v1/ticker')).toBe(1);
    expect(second.last.toFixed()).toBe(first.last.toFixed());
    expect(second.receivedAt).toBe(first.receivedAt);
    // A batch is its own key: BTC and ETH together are one more request, then answered for both.
    const [btc, eth] = await Promise.all([a.getTicker('KRW-BTC'), a.getTicker('KRW-ETH')]);
    await Promise.all([b.getTicker('KRW-BTC'), b.getTicker('KRW-ETH')]);
    expect(asked('/v1/ticker')).toBe(2);
    expect([btc?.market, eth?.market]).toEqual(['KRW-BTC', 'KRW-ETH']);
    const book = await a.getOrderBook('KRW-BTC', { depth: 5 });
    expect((await b.getOrderBook('KRW-BTC', { depth: 5 })).bids.map((l) => l.price.toFixed())).toEqual(book.bids.map((l) => l.price.toFixed()));
    expect(asked('/v1/orderbook')).toBe(1);
    expect([a.stats.upbit?.cacheHits, b.stats.upbit?.cacheHits]).toEqual([0, 3]); // the single BTC ticker, the BTC+ETH batch, the book
  });

  it('treats a cached entry that is not JSON as a miss: the call is answered from the exchange and the entry replaced', async () => {
    const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
    const cache = new MemoryReplyCache();
    const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, replyCache: cache, replyTtlMs: 60_000 } } });
    cleanups.push(() => simulator.close(), () => backbone.close());
    await backbone.getMarkets();
    const key = 'upbit|/v1/ticker?markets=KRW-BTC';
    cache.set(key, { text: '[{"market":"KRW-BTC","trade_price":', storedAt: Date.now() }, 60_000);

    const ticker = await backbone.getTicker('KRW-BTC');
    expect(ticker.market).toBe('KRW-BTC');
    expect(simulator.requests.filter((r) => r.path === '/v1/ticker')).toHaveLength(1);
    expect(backbone.stats.upbit?.cacheHits).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cache.get(key)?.text.startsWith('[{')).toBe(true);
    expect(() => JSON.parse(cache.get(key)?.text ?? '')).not.toThrow();
  });
});
