/**
 * Two workers share candle replies through Redis: the first asks the (simulated) exchange, the second
 * is answered from Redis, to the last digit. Needs a Redis server (`REDIS_URL`, default
 * redis://127.0.0.1:6379) and the `redis` client package (`npm install redis`).
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/share-replies-redis.ts
 *
 * Without a Redis server it says so and exits with code 1 (it does not keep reconnecting).
 */
import { createClient } from 'redis';
import { MarketDataBackbone, RedisReplyCache } from 'market-data-backbone';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * A Redis connection, or `undefined` when there is no server at `url`. `reconnectStrategy: false`: the
 * client's default retries forever, which for a program run once means hanging on ECONNREFUSED.
 */
async function connectRedis(name: string) {
  const redis = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 5_000 } });
  redis.on('error', (error: Error) => {
    if (redis.isReady) console.error(`${name} redis:`, error.message);
  });
  return redis.connect().catch((error: unknown) => {
    console.error(`No Redis server at ${url} (${error instanceof Error ? error.message || error.name : String(error)}).`);
    console.error('Start one (redis-server) or point REDIS_URL at one: REDIS_URL=redis://host:6379 npx tsx examples/share-replies-redis.ts');
    return undefined;
  });
}

const probe = await connectRedis('probe');
if (probe === undefined) process.exit(1);
await probe.quit();

const simulator = await startUpbitSimulator();
/** One key space for this run, shared by both workers (and no other run's entries). */
const prefix = `share-replies-example:${Date.now()}:`;

/** One worker: its own Redis connection and backbone, caching candle replies for a minute. */
async function startWorker(name: string) {
  const redis = await connectRedis(name);
  if (redis === undefined) throw new Error(`${name}: Redis went away at ${url}`);
  const replyCache = new RedisReplyCache({ command: (args) => redis.sendCommand(args), prefix });
  const backbone = new MarketDataBackbone({
    exchanges: { upbit: { restUrl: simulator.url, replyCache, replyTtlMs: (request) => (request.path.includes('/candles/') ? 60_000 : undefined) } },
  });
  return { name, replyCache, backbone, close: async () => Promise.all([backbone.close(), redis.quit()]) };
}

const first = await startWorker('first');
const second = await startWorker('second');
try {
  const asked = (): number => simulator.requests.filter((r) => r.path.includes('/candles/')).length;
  const a = await first.backbone.getCandles('KRW-BTC', '1h', { count: 24 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the first worker's write is not waited for
  const b = await second.backbone.getCandles('KRW-BTC', '1h', { count: 24 });
  const same = a.length === b.length && a.every((c, i) => c.close.eq(b[i]!.close) && c.quoteVolume.eq(b[i]!.quoteVolume));
  console.log(`${a.length} hourly candles, last close ${a.at(-1)?.close.toFixed()} KRW`);
  console.log(`exchange asked ${asked()} time(s); second worker: ${second.replyCache.stats.hits} Redis hit(s); identical: ${same}`);
} finally {
  await Promise.all([first.close(), second.close()]);
  await simulator.close();
}
