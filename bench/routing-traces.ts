/**
 * The workload traces of `npm run bench -- routing`, generated from fixed seeds: who asks for which
 * market when, with what `maxAgeMs`, and what the network does meanwhile (socket lag and drops, REST
 * 429s). Stream timing comes from the Upbit simulator's market model (a ticker per trade).
 * Development traces tuned the router; held-out traces were run only once it was frozen.
 */
import { DEFAULT_MARKETS, MarketModel, type SimMarketSpec } from '../src/testing/index.js';
import { seededRandom } from '../test/helpers/random.js';

/** One call: `getTicker` (one market) or `getTickers` (several, batched), at `at` ms from the start. */
export interface TraceCall {
  readonly at: number;
  readonly markets: readonly string[];
  readonly maxAgeMs: number;
}

/** What the network does during a trace (ms from the start). */
export interface TraceNetwork {
  /** Socket down (no frames) between these times; each start is a drop the client sees. */
  readonly down: readonly (readonly [number, number])[];
  /** Extra delivery lag of stream frames between these times. */
  readonly lag: readonly (readonly [number, number, number])[];
  /** Share of REST attempts answered 429 between these times. */
  readonly rateLimited: readonly (readonly [number, number, number])[];
}

export interface Trace {
  readonly name: string;
  readonly set: 'development' | 'held-out';
  readonly durationMs: number;
  readonly calls: readonly TraceCall[];
  /** Markets the caller streams itself for the whole trace (every policy may read them). */
  readonly userStreams: readonly string[];
  readonly network: TraceNetwork;
}

/** 38 simulator markets plus synthetic ones cloned from them, for bursts over 100 markets. */
export const TRACE_MARKETS: readonly SimMarketSpec[] = [
  ...DEFAULT_MARKETS,
  ...Array.from({ length: 82 }, (_, i) => {
    const like = DEFAULT_MARKETS[i % DEFAULT_MARKETS.length]!;
    return { ...like, market: `KRW-S${String(i).padStart(3, '0')}`, englishName: `Synthetic ${i}`, tradesPerMinute: Math.max(1, like.tradesPerMinute / 4) };
  }),
];

/** Trace start: a fixed instant of the simulator's history. */
export const TRACE_EPOCH = Date.UTC(2026, 10, 2, 3, 0, 0);

const MINUTE = 60_000;
const NO_NETWORK_EVENTS: TraceNetwork = { down: [], lag: [], rateLimited: [] };
const KRW = TRACE_MARKETS.map((m) => m.market).filter((m) => m.startsWith('KRW-'));

/** Calls to `market` every `periodMs` (± 10 % jitter) between `from` and `to`. */
function periodic(random: () => number, market: string, periodMs: number, from: number, to: number, maxAgeMs: number): TraceCall[] {
  const calls: TraceCall[] = [];
  for (let at = from + random() * periodMs; at < to; at += periodMs * (0.9 + 0.2 * random())) calls.push({ at: Math.round(at), markets: [market], maxAgeMs });
  return calls;
}

/** Poisson calls to `market` at `perMinute` between `from` and `to`. */
function poisson(random: () => number, market: string, perMinute: number, from: number, to: number, maxAgeMs: number): TraceCall[] {
  const calls: TraceCall[] = [];
  for (let at = from - Math.log(1 - random()) * (MINUTE / perMinute); at < to; at -= Math.log(1 - random()) * (MINUTE / perMinute)) {
    calls.push({ at: Math.round(at), markets: [market], maxAgeMs });
  }
  return calls;
}

const sorted = (calls: TraceCall[]): TraceCall[] => calls.sort((a, b) => a.at - b.at);

/** Every trace: seven for development (three added in the second pass), four held out. */
export function buildTraces(): Trace[] {
  const r = (seed: number): (() => number) => seededRandom(seed);
  const ten = 10 * MINUTE;
  const steady = r(1);
  const burst = r(2);
  const hot = r(3);
  const flap = r(4);
  const tail = r(5);
  const hot2 = r(6);
  const degrade = r(7);
  const limited = r(8);
  const lagDev = r(9);
  const limitedDev = r(10);
  const tailDev = r(11);
  return [
    {
      name: 'steady-polling',
      set: 'development',
      durationMs: ten,
      userStreams: ['KRW-BTC'],
      network: NO_NETWORK_EVENTS,
      calls: sorted([
        ...periodic(steady, 'KRW-BTC', 1_000, 0, ten, 2_000),
        ...periodic(steady, 'KRW-ETH', 2_000, 0, ten, 2_000),
        ...periodic(steady, 'KRW-XRP', 5_000, 0, ten, 1_000),
        ...periodic(steady, 'KRW-SOL', 10_000, 0, ten, 3_000),
      ]),
    },
    {
      name: 'burst-100',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: NO_NETWORK_EVENTS,
      calls: sorted([
        ...Array.from({ length: 20 }, (_, i) => ({ at: i * 30_000 + Math.round(burst() * 1_000), markets: KRW.slice(0, 100), maxAgeMs: 5_000 })),
        ...periodic(burst, 'KRW-BTC', 3_000, 0, ten, 2_000),
      ]),
    },
    {
      name: 'hot-then-cold',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: NO_NETWORK_EVENTS,
      calls: sorted([
        ...poisson(hot, 'KRW-ETH', 1, 0, 3 * MINUTE, 2_000),
        ...poisson(hot, 'KRW-ETH', 240, 3 * MINUTE, 6 * MINUTE, 2_000),
        ...poisson(hot, 'KRW-ETH', 0.5, 6 * MINUTE, ten, 2_000),
        ...poisson(hot, 'KRW-XRP', 2, 0, ten, 3_000),
      ]),
    },
    {
      name: 'socket-flaps',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: { down: [120_000, 140_000, 160_000, 180_000].map((at) => [at, at + 2_000] as const), lag: [], rateLimited: [] },
      calls: sorted(['KRW-BTC', 'KRW-ETH', 'KRW-DOGE'].flatMap((m) => periodic(flap, m, 1_500, 0, ten, 2_000))),
    },
    // Added by the second routing pass (development only): a lag episode with drops, a 429 episode and
    // a long tail, so that degradation and tails are tuned without looking at the held-out traces.
    {
      name: 'socket-lag-dev',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: {
        down: Array.from({ length: 8 }, (_, i) => 240_000 + i * 14_000).map((at) => [at, at + 2_000] as const),
        lag: [[230_000, 370_000, 1_200]],
        rateLimited: [],
      },
      calls: sorted(['KRW-SOL', 'KRW-ADA', 'KRW-TRX', 'KRW-LINK'].flatMap((m) => periodic(lagDev, m, 1_200, 0, ten, 2_500))),
    },
    {
      name: 'rest-429-dev',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: { down: [], lag: [], rateLimited: [[200_000, 330_000, 0.6]] },
      calls: sorted(KRW.slice(10, 16).flatMap((m) => periodic(limitedDev, m, 2_500, 0, ten, 2_000))),
    },
    {
      name: 'long-tail-dev',
      set: 'development',
      durationMs: ten,
      userStreams: [],
      network: NO_NETWORK_EVENTS,
      // Zipf-like over other markets than the held-out tail's order: the k-th is asked 20 / k times a minute.
      calls: sorted(KRW.slice(0, 60).reverse().flatMap((m, k) => poisson(tailDev, m, 20 / (k + 1), 0, ten, 2_000))),
    },
    {
      name: 'long-tail',
      set: 'held-out',
      durationMs: ten,
      userStreams: [],
      network: NO_NETWORK_EVENTS,
      // Zipf-like: the k-th market is asked 30 / k times a minute.
      calls: sorted(KRW.slice(0, 100).flatMap((m, k) => poisson(tail, m, 30 / (k + 1), 0, ten, 3_000))),
    },
    {
      name: 'hot-then-cold-2',
      set: 'held-out',
      durationMs: ten,
      userStreams: [],
      network: NO_NETWORK_EVENTS,
      calls: sorted([
        ...poisson(hot2, 'KRW-DOGE', 0.3, 0, 2 * MINUTE, 1_500),
        ...poisson(hot2, 'KRW-DOGE', 90, 2 * MINUTE, 4 * MINUTE, 1_500),
        ...poisson(hot2, 'KRW-DOGE', 0.3, 4 * MINUTE, ten, 1_500),
        ...poisson(hot2, 'KRW-SOL', 20, 5 * MINUTE, 8 * MINUTE, 4_000),
      ]),
    },
    {
      name: 'socket-degradation',
      set: 'held-out',
      durationMs: ten,
      userStreams: [],
      network: {
        down: Array.from({ length: 20 }, (_, i) => 180_000 + i * 9_000).map((at) => [at, at + 3_000] as const),
        lag: [[180_000, 360_000, 1_500]],
        rateLimited: [],
      },
      calls: sorted(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-USDT', 'KRW-DOGE'].flatMap((m) => periodic(degrade, m, 1_000, 0, ten, 2_000))),
    },
    {
      name: 'rest-429',
      set: 'held-out',
      durationMs: ten,
      userStreams: [],
      network: { down: [], lag: [], rateLimited: [[120_000, 300_000, 0.7]] },
      calls: sorted(KRW.slice(0, 8).flatMap((m) => periodic(limited, m, 3_000, 0, ten, 2_500))),
    },
  ];
}

/** Receipt times of each market's stream frames (a ticker per trade) over a trace, from the market model. */
export function streamTimes(markets: Iterable<string>, durationMs: number): Map<string, Float64Array> {
  const model = new MarketModel({ seed: 42, markets: TRACE_MARKETS, clock: { now: () => TRACE_EPOCH + durationMs } });
  const times = new Map<string, Float64Array>();
  for (const market of markets) times.set(market, Float64Array.from(model.trades(market, TRACE_EPOCH, TRACE_EPOCH + durationMs), (t) => t.timestamp - TRACE_EPOCH));
  return times;
}
