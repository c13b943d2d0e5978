/**
 * The rate budget shared in Redis, against a real redis-server: limiters that share it never exceed it
 * together, and when Redis dies each falls back to its local share and says so.
 */
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, RateLimiter, RedisRateBudget } from 'market-data-backbone';
import { connectTestRedis, startTestRedis, type TestRedis } from '../helpers/redis-server.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redisCommand(redis: TestRedis): Promise<(args: string[]) => Promise<unknown>> {
  const { command, close } = await connectTestRedis(redis);
  cleanups.push(close);
  return command;
}

/** The most grants found in any interval of `windowMs` (times sorted). */
function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const WINDOW_MS = 300;
const LIMIT = 4;
const rule = { group: 'ticker', limit: LIMIT, windowMs: WINDOW_MS };

describe('RedisRateBudget', () => {
  it('should keep three limiters sharing one budget within it together, each granting every call', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const command = await redisCommand(redis);
    const grants: number[] = [];
    const budgets = [0, 1, 2].map((i) => new RedisRateBudget({ command, processId: `p${i}`, safetyMarginMs: 100, timeoutMs: 2_000 }));
    const limiters = budgets.map((budget) => new RateLimiter([rule], { safetyMarginMs: 100, shared: { budget, scope: 'upbit' } }));
    // Each limiter alone would grant its 4 a window: together 12 a window, three times the budget.
    await Promise.all(
      limiters.flatMap((limiter) => Array.from({ length: 8 }, () => firstValueFrom(limiter.acquire('ticker')).then(() => grants.push(performance.now())))),
    );
    expect(grants).toHaveLength(24);
    expect(busiestWindow(grants.sort((a, b) => a - b), WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
    expect(budgets.map((budget) => budget.stats.granted)).toEqual([8, 8, 8]);
    expect(budgets.map((budget) => budget.stats.errors)).toEqual([0, 0, 0]);
    expect(budgets.reduce((sum, budget) => sum + budget.stats.waits, 0)).toBeGreaterThan(0);
  });

  it('should hold a leased unit until its release, for every process', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const command = await redisCommand(redis);
    const one = { group: 'order', limit: 1, windowMs: 50 };
    const [a, b] = [0, 1].map((i) => new RateLimiter([one], { shared: { budget: new RedisRateBudget({ command, processId: `q${i}`, timeoutMs: 2_000 }), scope: 'upbit' } }));
    const lease = await firstValueFrom(a!.lease('order'));
    let granted = false;
    const other = firstValueFrom(b!.lease('order')).then((l) => {
      granted = true;
      return l;
    });
    // Four windows pass with the unit held by a: b must still wait.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(granted).toBe(false);
    lease.release();
    (await other).release();
    expect(granted).toBe(true);
  });

  it('should share a block one process saw with every other', async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const command = await redisCommand(redis);
    const budget = new RedisRateBudget({ command, processId: 'x' });
    budget.block('upbit', 'ticker', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const take = await new RedisRateBudget({ command, processId: 'y' }).take('upbit', rule, 1);
    expect(take.kind).toBe('wait');
    expect(take.kind === 'wait' && take.waitMs).toBeGreaterThan(4_000);
  });

  it('should fall back to the local share of the processes last seen when Redis dies, and say so', async () => {
    const redis = await startTestRedis();
    const command = await redisCommand(redis);
    const errors: ConnectionError[] = [];
    const states: string[] = [];
    const budgets = [0, 1].map((i) => new RedisRateBudget({ command, processId: `r${i}`, onError: (error) => errors.push(error), pauseMs: 1_000, timeoutMs: 2_000 }));
    const limiters = budgets.map(
      (budget, i) => new RateLimiter([rule], { shared: { budget, scope: 'upbit', onState: (group, state, peers) => states.push(`${i} ${group} ${state} ${peers}`) } }),
    );
    // Two rounds, so that each has seen the other.
    for (let round = 0; round < 2; round++) await Promise.all(limiters.map((limiter) => firstValueFrom(limiter.acquire('ticker'))));
    await redis.stop();
    // Every call is still granted; each limiter now takes half of the limit (two peers were seen).
    const times: number[][] = [[], []];
    await Promise.all(limiters.flatMap((limiter, i) => Array.from({ length: 4 }, () => firstValueFrom(limiter.acquire('ticker')).then(() => times[i]!.push(performance.now())))));
    expect(states.filter((state) => state.includes('local'))).toEqual(['0 ticker local 2', '1 ticker local 2']);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0]!.message).toMatch(/Redis rate budget \(counting locally meanwhile\)/);
    for (const own of times) expect(busiestWindow(own, WINDOW_MS)).toBeLessThanOrEqual(LIMIT / 2);
    expect(budgets.map((budget) => budget.stats.local)).toEqual([4, 4]);

    // Redis back on the same port: after the pause, the groups count there again and say so.
    const back = await startTestRedis(redis.port);
    cleanups.push(() => back.stop());
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    for (let round = 0; round < 10 && states.length < 6; round++) {
      await Promise.all(limiters.map((limiter) => firstValueFrom(limiter.acquire('ticker'))));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // (A fresh Redis has seen no peers yet: the first to come back finds itself alone.)
    expect(states.slice(4).map((state) => state.replace(/ \d+$/, ''))).toEqual(['0 ticker shared', '1 ticker shared']);
  });
});
