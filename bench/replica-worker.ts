/**
 * One replica of `npm run bench -- replicas`, in its own process: a backbone on the Upbit simulator
 * (`SIM_URL`), sharing the rate budget through Redis when `REDIS_URL` is set. It waits for `START_AT`
 * (wall-clock ms) so that every replica starts together, loads the market list, then asks `CALLS`
 * distinct candle pages at once (what a replica warming its caches does), and prints one JSON line.
 */
import { createClient } from 'redis';
import { MarketDataBackbone, RedisRateBudget, type SharedRateBudget } from '../src/index.js';

const simUrl = process.env['SIM_URL']!;
const redisUrl = process.env['REDIS_URL'];
const startAt = Number(process.env['START_AT']);
const calls = Number(process.env['CALLS'] ?? 40);
const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA'];

let rateBudget: SharedRateBudget | undefined;
let close = async (): Promise<void> => undefined;
if (redisUrl !== undefined) {
  const client = createClient({ url: redisUrl, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  rateBudget = new RedisRateBudget({ command: (args) => client.sendCommand(args), timeoutMs: 1_000 });
  close = async () => client.destroy();
}
const backbone = new MarketDataBackbone({ batch: false, rateBudget, deadlineMs: 120_000, exchanges: { upbit: { restUrl: simUrl } } });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const started = performance.now();
await backbone.getMarkets();
const results = await Promise.allSettled(
  Array.from({ length: calls }, (_, i) => backbone.getCandles(MARKETS[i % MARKETS.length]!, '1m', { count: 1 + Math.floor(i / MARKETS.length) })),
);
const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
console.log(JSON.stringify({ ok: results.length - failed.length, failed, ms: Math.round(performance.now() - started) }));
await backbone.close();
await close();
