/**
 * `npm run bench`: every benchmark, each printing ratios against a baseline measured in the same run.
 * Pass a name to run one: `npm run bench -- rest`.
 */
import { benchOrderBook } from './order-book.js';
import { benchRest } from './rest.js';
import { benchStreamMemory, benchStreamThroughput } from './ws.js';

const suites: Record<string, () => Promise<void>> = {
  rest: benchRest,
  streams: benchStreamThroughput,
  'stream-memory': benchStreamMemory,
  'order-book': benchOrderBook,
  analytics: async () => (await import('./analytics.js')).benchAnalytics(),
  'binance-depth': async () => (await import('./binance-depth.js')).benchBinanceDepth(),
  'redis-cache': async () => (await import('./redis-cache.js')).benchRedisCache(),
  churn: async () => (await import('./churn.js')).benchChurn(),
  peers: async () => (await import('./peers.js')).benchPeers(),
  routing: async () => (await import('./routing.js')).benchRouting(),
  consolidated: async () => (await import('./consolidated.js')).benchConsolidated(),
  gateway: async () => (await import('./gateway.js')).benchGateway(),
  replicas: async () => (await import('./replicas.js')).benchReplicas(),
  replay: async () => (await import('./replay.js')).benchReplay(),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n# ${name}`);
  await run();
}
