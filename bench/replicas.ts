/**
 * Three replicas starting together on one egress IP under Upbit's real quotation limits (10 requests a
 * second per group, fixed one-second windows; more than ten 429s within 10 s blocks the group with 418),
 * each a separate process on the Upbit simulator: first with the adaptive shares alone (each process
 * learns from its 429s), then sharing the budget through Redis (`RedisRateBudget`). Counts the 429s and
 * 418s drawn, and the 429s of each group's first window. Target: 0 418s, at most one 429 per group in the
 * first window.
 *
 * Needs `redis-server` on the PATH (`npm test`'s pretest installs it).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startUpbitSimulator } from '../src/testing/index.js';
import { startTestRedis } from '../test/helpers/redis-server.js';

const REPLICAS = 3;
const CALLS = Number(process.env['BENCH_REPLICA_CALLS'] ?? 40);
const worker = fileURLToPath(new URL('./replica-worker.ts', import.meta.url));

interface Outcome {
  readonly refused429: number;
  readonly blocked418: number;
  /** The most 429s any group drew in the second after its first request. */
  readonly firstWindow429: number;
  readonly answered: number;
  readonly failed: number;
  readonly ms: number;
}

function runWorker(env: Record<string, string>): Promise<{ ok: number; failed: string[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { ok: number; failed: string[]; ms: number }) : reject(new Error(`replica exited ${code}: ${out}`))));
  });
}

async function scenario(redisUrl: string | undefined): Promise<Outcome> {
  const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
  try {
    // Processes take a while to start; they begin together at a common instant.
    const startAt = String(Date.now() + 4_000);
    const env: Record<string, string> = { SIM_URL: simulator.url, START_AT: startAt, CALLS: String(CALLS), ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }) };
    const replicas = await Promise.all(Array.from({ length: REPLICAS }, () => runWorker(env)));
    const requests = simulator.requests;
    // A group's first window: the second from its first request on (the start of the burst).
    const firstAt = new Map<string, number>();
    const first = new Map<string, number>();
    for (const r of requests) {
      const group = r.group ?? r.path;
      const start = firstAt.get(group) ?? r.receivedAt;
      firstAt.set(group, start);
      if (r.status === 429 && r.receivedAt < start + 1_000) first.set(group, (first.get(group) ?? 0) + 1);
    }
    return {
      refused429: requests.filter((r) => r.status === 429).length,
      blocked418: requests.filter((r) => r.status === 418).length,
      firstWindow429: Math.max(0, ...first.values()),
      answered: replicas.reduce((sum, r) => sum + r.ok, 0),
      failed: replicas.reduce((sum, r) => sum + r.failed.length, 0),
      ms: Math.max(...replicas.map((r) => r.ms)),
    };
  } finally {
    await simulator.close();
  }
}

function line(name: string, o: Outcome): string {
  return `${name.padEnd(28)} 429s ${String(o.refused429).padStart(4)}  418s ${String(o.blocked418).padStart(3)}  max 429s in a group's first window ${o.firstWindow429}  answered ${o.answered}/${REPLICAS * CALLS} (failed ${o.failed})  in ${(o.ms / 1000).toFixed(1)} s`;
}

/** Adaptive shares alone vs the shared Redis budget, three replica processes each. */
export async function benchReplicas(): Promise<void> {
  const local = await scenario(undefined);
  const redis = await startTestRedis();
  let shared: Outcome;
  try {
    shared = await scenario(redis.url);
  } finally {
    await redis.stop();
  }
  console.log(`${REPLICAS} replica processes x ${CALLS} candle calls at once, Upbit's real limits (10/s per group)`);
  console.log(line('adaptive shares (baseline)', local));
  console.log(line('shared Redis budget', shared));
  const ratio = local.refused429 === 0 ? 'n/a' : `${(shared.refused429 / local.refused429).toFixed(2)}x`;
  console.log(`429s shared/baseline ${ratio}; target: 0 418s (${shared.blocked418}), at most 1 429 per group in the first window (${shared.firstWindow429}), ${shared.firstWindow429 <= 1 && shared.blocked418 === 0 ? 'met' : 'NOT met'}`);
}
