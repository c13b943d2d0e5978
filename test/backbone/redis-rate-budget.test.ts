/**
 * Three backbones on one IP sharing Upbit's quotation budget through Redis (`rateBudget`): where the
 * adaptive shares of `shared-budget.test.ts` settle only after a burst of 429s, the shared count draws
 * none. Time runs five times faster than Upbit's (200 ms windows on both sides), as in that test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeAdapters, MarketDataBackbone, RedisRateBudget } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';
import { connectTestRedis, startTestRedis } from '../helpers/redis-server.js';

const WINDOW_MS = 200;
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('backbones sharing one budget in Redis', () => {
  it('should answer every call of three clients at full pace together without a single 429', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const { command, close } = await connectTestRedis(redis);
    cleanups.push(close);
    const simulator = await startUpbitSimulator({
      limitClock: { now: () => Date.now() },
      rateLimits: { windowMs: WINDOW_MS, blockWindowMs: 10 * WINDOW_MS, blockBaseMs: WINDOW_MS, blockMaxMs: 60 * WINDOW_MS },
    });
    cleanups.push(() => simulator.close());
    const rateLimits = exchangeAdapters.upbit.rest.rateLimits.map((rule) => ({ ...rule, windowMs: WINDOW_MS }));
    const budgets = [0, 1, 2].map((i) => new RedisRateBudget({ command, processId: `replica-${i}`, timeoutMs: 2_000 }));
    const backbones = budgets.map((rateBudget) => new MarketDataBackbone({ batch: false, rateLimits, rateBudget, exchanges: { upbit: { restUrl: simulator.url } } }));
    cleanups.push(...backbones.map((backbone) => () => backbone.close()));
    await Promise.all(backbones.map((backbone) => backbone.getMarkets()));
    const markets = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA'];

    const calls = backbones.flatMap((backbone) =>
      Array.from({ length: 40 }, (_, i) => backbone.getCandles(markets[i % markets.length]!, '1m', { count: 1 + Math.floor(i / markets.length) })),
    );
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const answered = simulator.requests.map((r) => r.status);
    expect(answered.filter((status) => status === 200)).toHaveLength(3 + 120);
    expect(budgets.map((budget) => budget.stats.errors)).toEqual([0, 0, 0]);
    expect(answered.filter((status) => status === 429 || status === 418)).toEqual([]);
    expect(budgets.map((budget) => budget.stats.granted)).toEqual([41, 41, 41]);
  });
});
