/**
 * The Redis reply cache, in one run against the Upbit simulator and a redis-server on 127.0.0.1:
 *
 * - a hit: `getCandles('KRW-BTC', '1m', { count: 200 })` answered from Redis, against the baseline of a
 *   bare node-redis `GET` of the same entry + `JSON.parse` (the difference is the library: exact JSON,
 *   the Big model), and against the same call sent to the exchange (what the cache saves);
 * - an outage: Redis killed; the first call pays the `GET` timeout once, the following ones skip Redis
 *   and cost what an uncached call costs.
 *
 * Needs `redis-server` on the PATH (`npm test`'s pretest installs it); skipped with a note otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createClient } from 'redis';
import { MarketDataBackbone, MemoryReplyCache, RedisReplyCache, exchangeAdapters, type ReplyCache } from '../src/index.js';
import { startUpbitSimulator, type UpbitSimulator } from '../src/testing/index.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { fmt, quantile, report } from './stats.js';

const SAMPLES = Number(process.env['BENCH_REDIS_SAMPLES'] ?? 300);
const WARMUP = 30;
const AFTER_OUTAGE = 50;
const TIMEOUT_MS = 100;

const raised = exchangeAdapters.upbit.rest.rateLimits.map((rule) => ({ ...rule, limit: 1_000_000, windowMs: 1000 }));

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function backboneOn(simulator: UpbitSimulator, replyCache?: ReplyCache): MarketDataBackbone {
  return new MarketDataBackbone({ rateLimits: raised, exchanges: { upbit: { restUrl: simulator.url, replyCache, replyTtlMs: 3_600_000 } } });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Redis hits vs a bare GET + JSON.parse vs the exchange, then an outage. */
export async function benchRedisCache(): Promise<void> {
  if (!hasRedisServer()) {
    console.log('redis-server is not installed: skipped (npm test installs it; or apt-get install redis-server)');
    return;
  }
  const redis = await startTestRedis();
  const simulator = await startUpbitSimulator({ rateLimits: { perSecond: 1_000_000 } });
  const client = createClient({ url: redis.url });
  client.on('error', () => undefined);
  await client.connect();
  const redisCache = new RedisReplyCache({ command: (args) => client.sendCommand(args), timeoutMs: TIMEOUT_MS });
  const cached = backboneOn(simulator, redisCache);
  const memory = backboneOn(simulator, new MemoryReplyCache());
  const uncached = backboneOn(simulator);
  const call = (backbone: MarketDataBackbone) => () => backbone.getCandles('KRW-BTC', '1m', { count: 200 });
  try {
    await Promise.all([cached, memory, uncached].map((b) => b.getMarkets()));
    await call(cached)();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const keys = (await client.sendCommand(['KEYS', 'mdb:reply:*candles*'])) as string[];
    const key = keys[0];
    if (key === undefined) throw new Error('the first call stored no candle entry');
    const runs = {
      redis: call(cached),
      bare: async () => {
        const entry = (await client.get(key)) ?? '';
        return JSON.parse(entry.slice(entry.indexOf('\n') + 1)) as unknown;
      },
      memory: call(memory),
      rest: call(uncached),
    };
    const samples: Record<keyof typeof runs, number[]> = { redis: [], bare: [], memory: [], rest: [] };
    const names = Object.keys(runs) as (keyof typeof runs)[];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length]!;
        const ms = await timed(runs[name]);
        if (i >= WARMUP) samples[name].push(ms);
      }
    }
    const p50 = (name: keyof typeof runs): number => quantile(samples[name], 0.5);
    const requestsBefore = simulator.requests.length;
    report(`getCandles('KRW-BTC', '1m', { count: 200 }): ${SAMPLES} rotating samples each (after ${WARMUP} warm-up)`, [
      ['from Redis (library) p50 / p90 (ms)', `${fmt(p50('redis'), 3)} ${fmt(quantile(samples.redis, 0.9), 3)}`],
      ['bare node-redis GET + JSON.parse p50 / p90 (ms, baseline)', `${fmt(p50('bare'), 3)} ${fmt(quantile(samples.bare, 0.9), 3)}`],
      ['from MemoryReplyCache p50 (ms, info)', fmt(p50('memory'), 3)],
      ['from the exchange (simulator, no cache) p50 / p90 (ms)', `${fmt(p50('rest'), 3)} ${fmt(quantile(samples.rest, 0.9), 3)}`],
      ['ratio Redis hit / bare GET + JSON.parse p50', fmt(p50('redis') / p50('bare'), 2)],
      ['ratio Redis hit / exchange request p50 (target < 1)', fmt(p50('redis') / p50('rest'), 2)],
      ['Redis hits / requests the cached backbone sent', `${redisCache.stats.hits} / ${(cached.stats.upbit?.requests ?? 0) - 1}`],
    ]);

    await redis.stop();
    const first = await timed(call(cached));
    const after: number[] = [];
    for (let i = 0; i < AFTER_OUTAGE; i++) after.push(await timed(call(cached)));
    report(`Redis killed: ${AFTER_OUTAGE} calls after the first`, [
      [`first call (pays the ${TIMEOUT_MS} ms GET timeout once) (ms)`, fmt(first, 1)],
      ['following calls p50 (ms): Redis skipped', fmt(quantile(after, 0.5), 3)],
      ['ratio following p50 / uncached p50 (target ~1)', fmt(quantile(after, 0.5) / p50('rest'), 2)],
      ['requests sent to the exchange during the outage', fmt(simulator.requests.length - requestsBefore, 0, 4)],
      ['cache errors / skipped', `${redisCache.stats.errors} / ${redisCache.stats.skipped}`],
    ]);
  } finally {
    await Promise.all([cached.close(), memory.close(), uncached.close()]);
    client.destroy();
    await simulator.close();
    await redis.stop();
  }
}
