/**
 * REST overhead and batching, in one run against the Upbit simulator on 127.0.0.1:
 *
 * - latency: cold `getTicker('KRW-BTC')` through the library vs a bare cross-fetch of the same URL +
 *   `.text()` + `JSON.parse`, samples alternating so both see the same machine state. cross-fetch is
 *   the library's own fetch, so the difference is the library's overhead (limiter, retry wrapper,
 *   batching tick, exact JSON, Big model). Native `fetch` is printed for information.
 * - throughput: rounds of 50 concurrent `getTicker` calls for 50 KRW markets, batched (default) vs
 *   `batch: false`.
 * - the real limits: one such round at Upbit's 10 requests/s, unbatched vs batched.
 *
 * The simulator and the client both run with raised REST limits for the first two parts, so that the
 * rate limiter does not dominate what is measured.
 */
import crossFetch from 'cross-fetch';
import { exchangeAdapters, MarketDataBackbone, type RateLimitRule } from '../src/index.js';
import { DEFAULT_MARKETS, startUpbitSimulator, type SimMarketSpec, type UpbitSimulator } from '../src/testing/index.js';
import { fmt, quantile, report } from './stats.js';

/** Requests per second per group for the raised-limit runs: far beyond what one client can send. */
const RAISED_PER_SECOND = 1_000_000;
const SAMPLES = Number(process.env['BENCH_REST_SAMPLES'] ?? 300);
const WARMUP = 30;
const ROUND_MARKETS = 50;
const ROUNDS = Number(process.env['BENCH_REST_ROUNDS'] ?? 40);

/** The simulator lists 29 KRW markets; clones with a suffixed code make up the 50 the issue asks for. */
function fiftyKrwMarkets(): { specs: SimMarketSpec[]; krw: string[] } {
  const krw = DEFAULT_MARKETS.filter((spec) => spec.market.startsWith('KRW-'));
  const clones = krw.slice(0, Math.max(0, ROUND_MARKETS - krw.length)).map((spec) => ({ ...spec, market: `${spec.market}X` }));
  const specs = [...DEFAULT_MARKETS, ...clones];
  return { specs, krw: [...krw, ...clones].map((spec) => spec.market).slice(0, ROUND_MARKETS) };
}

/** Upbit's REST rules with every limit raised to `perSecond`. */
function raisedRules(perSecond: number): RateLimitRule[] {
  return exchangeAdapters.upbit.rest.rateLimits.map((rule) => ({ ...rule, limit: perSecond, windowMs: 1000 }));
}

/** Milliseconds `run` takes. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** A backbone on the simulator with its market list already loaded (validation costs no request later). */
async function openBackbone(simulator: UpbitSimulator, options: { batch?: boolean; rateLimits?: RateLimitRule[] }): Promise<MarketDataBackbone> {
  const backbone = new MarketDataBackbone({ validateSymbols: true, ...options, exchanges: { upbit: { restUrl: simulator.url } } });
  await backbone.getMarkets();
  return backbone;
}

/** Cold getTicker vs bare cross-fetch vs native fetch, alternating; returns the latencies of each. */
async function measureLatency(simulator: UpbitSimulator, backbone: MarketDataBackbone): Promise<Record<'library' | 'cross' | 'native', number[]>> {
  const url = `${simulator.url}/v1/ticker?markets=KRW-BTC`;
  const init = { headers: { accept: 'application/json' } };
  const runs = {
    library: () => backbone.getTicker('KRW-BTC'),
    cross: async () => JSON.parse(await (await crossFetch(url, init)).text()) as unknown,
    native: async () => JSON.parse(await (await fetch(url, init)).text()) as unknown,
  };
  const samples: Record<keyof typeof runs, number[]> = { library: [], cross: [], native: [] };
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    // Rotate the order too, so no contender always runs right after the same other one.
    const order = (['library', 'cross', 'native'] as const).map((_, k, all) => all[(i + k) % all.length]!);
    for (const name of order) {
      const ms = await timed(runs[name]);
      if (i >= WARMUP) samples[name].push(ms);
    }
  }
  return samples;
}

/** `rounds` rounds of one concurrent getTicker per market; markets/s and HTTP requests per round. */
async function measureRounds(backbone: MarketDataBackbone, markets: readonly string[], rounds: number): Promise<{ perSecond: number; requestsPerRound: number; ms: number }> {
  const before = backbone.stats.upbit?.requests ?? 0;
  const ms = await timed(async () => {
    for (let round = 0; round < rounds; round++) await Promise.all(markets.map((market) => backbone.getTicker(market)));
  });
  const requests = (backbone.stats.upbit?.requests ?? 0) - before;
  return { perSecond: (markets.length * rounds) / (ms / 1000), requestsPerRound: requests / rounds, ms };
}

/** The latency and throughput parts, on a simulator with raised limits. */
async function benchRaised(): Promise<void> {
  const { specs, krw } = fiftyKrwMarkets();
  const simulator = await startUpbitSimulator({ markets: specs, rateLimits: { perSecond: RAISED_PER_SECOND } });
  const rateLimits = raisedRules(RAISED_PER_SECOND);
  const batched = await openBackbone(simulator, { rateLimits });
  const unbatched = await openBackbone(simulator, { rateLimits, batch: false });
  try {
    const { library, cross, native } = await measureLatency(simulator, batched);
    const p50 = { library: quantile(library, 0.5), cross: quantile(cross, 0.5), native: quantile(native, 0.5) };
    console.log(`REST limits raised to ${RAISED_PER_SECOND}/s per group on both the simulator and the client, so the limiter does not dominate.`);
    report(`cold getTicker('KRW-BTC'): ${SAMPLES} alternating samples each (after ${WARMUP} warm-up)`, [
      ['library getTicker p50 / p90 (ms)', `${fmt(p50.library, 3)} ${fmt(quantile(library, 0.9), 3)}`],
      ['bare cross-fetch + text + JSON.parse p50 / p90 (ms)', `${fmt(p50.cross, 3)} ${fmt(quantile(cross, 0.9), 3)}`],
      ['native fetch + text + JSON.parse p50 / p90 (ms, info)', `${fmt(p50.native, 3)} ${fmt(quantile(native, 0.9), 3)}`],
      ['library overhead p50 - bare p50 (ms, target < 1)', fmt(p50.library - p50.cross, 3)],
      ['ratio library / bare cross-fetch p50', fmt(p50.library / p50.cross, 2)],
    ]);

    await measureRounds(batched, krw, 3); // warm-up of both paths
    await measureRounds(unbatched, krw, 3);
    const one = await measureRounds(batched, krw, ROUNDS);
    const many = await measureRounds(unbatched, krw, ROUNDS);
    report(`throughput: ${ROUNDS} rounds of ${krw.length} concurrent getTicker (${krw.length} KRW markets)`, [
      ['batched (default): markets/s', fmt(one.perSecond, 0)],
      ['batched: HTTP requests per round', fmt(one.requestsPerRound, 1)],
      ['unbatched (batch: false): markets/s', fmt(many.perSecond, 0)],
      ['unbatched: HTTP requests per round', fmt(many.requestsPerRound, 1)],
      ['ratio batched / unbatched markets/s', fmt(one.perSecond / many.perSecond, 2)],
    ]);
  } finally {
    await batched.close();
    await unbatched.close();
    await simulator.close();
  }
}

/** One round at Upbit's real limits (10/s per group, on both sides): the wall time the limiter imposes. */
async function benchRealLimits(): Promise<void> {
  const { specs, krw } = fiftyKrwMarkets();
  const simulator = await startUpbitSimulator({ markets: specs });
  const batched = await openBackbone(simulator, {});
  const unbatched = await openBackbone(simulator, { batch: false });
  try {
    // Warm the simulator's model for these markets so neither contender pays its first computation.
    await (await crossFetch(`${simulator.url}/v1/ticker?markets=${krw.join(',')}`)).text();
    simulator.resetLimits();
    const one = await measureRounds(batched, krw, 1);
    simulator.resetLimits(); // the unbatched client starts with a fresh budget, as the batched one did
    const many = await measureRounds(unbatched, krw, 1);
    const refused = (unbatched.stats.upbit?.replies[429] ?? 0) + (unbatched.stats.upbit?.replies[418] ?? 0);
    report(`one round of ${krw.length} getTicker at Upbit's real limits (10 requests/s per group)`, [
      ['batched: wall time (ms)', fmt(one.ms, 0)],
      ['batched: HTTP requests', fmt(one.requestsPerRound, 0)],
      ['unbatched: wall time (ms)', fmt(many.ms, 0)],
      ['unbatched: HTTP requests', fmt(many.requestsPerRound, 0)],
      ['unbatched: 429/418 replies (limiter keeps this at 0)', fmt(refused, 0)],
      ['ratio unbatched / batched wall time', fmt(many.ms / one.ms, 1)],
    ]);
  } finally {
    await batched.close();
    await unbatched.close();
    await simulator.close();
  }
}

/** Library REST overhead over a bare fetch, batched vs unbatched throughput, and the real limits. */
export async function benchRest(): Promise<void> {
  await benchRaised();
  await benchRealLimits();
}
