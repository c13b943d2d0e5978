/**
 * A server that refuses a random tenth of the requests (an overloaded gateway, not a shared budget):
 * throughput must stay above half the limit, and every call must finish, or fail with a typed error,
 * before its deadline. Virtual time: vitest's fake timers drive `setTimeout`, `Date` and the limiter's
 * `asyncScheduler`; the fake fetch answers 20 ms after it is called.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exchangeAdapters, RateLimitError, TimeoutError } from 'market-data-backbone';
import { RateLimiter } from '../../src/core/rate-limit/rate-limiter.js';
import { RestClient, type FetchLike } from '../../src/transport/http/rest-client.js';
import { seededRandom } from '../helpers/random.js';

const upbit = exchangeAdapters.upbit.rest;
const LIMIT = 10; // Upbit's candle group: 10 a second

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fetch that answers `[]` after 20 ms, or a plain-text 429 for a `refuse` fraction of the calls. */
function randomlyRefusingFetch(refuse: number, seed: number) {
  const random = seededRandom(seed);
  const log: { at: number; status: number }[] = [];
  const fetch: FetchLike = (_url, init) =>
    new Promise((resolve, reject) => {
      const status = random() < refuse ? 429 : 200;
      const timer = setTimeout(() => {
        log.push({ at: Date.now(), status });
        resolve({ status, headers: { get: () => null }, text: async () => (status === 200 ? '[]' : 'Too many API requests.') });
      }, 20);
      init.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
  return { fetch, log };
}

/** `workers` loops calling one candle request after another for `durationMs`; each call's fate. */
async function drive(client: RestClient, workers: number, durationMs: number) {
  const start = Date.now();
  const calls: { startedAt: number; endedAt: number; error?: unknown }[] = [];
  const loop = async (): Promise<void> => {
    while (Date.now() - start < durationMs) {
      const startedAt = Date.now();
      try {
        await client.fetch(upbit.candles('KRW-BTC', '1m', { count: 1 }));
        calls.push({ startedAt, endedAt: Date.now() });
      } catch (error) {
        calls.push({ startedAt, endedAt: Date.now(), error });
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  // In steps: one long advance over thousands of timers is slow in fake time.
  for (let t = 0; t < durationMs + 60_000; t += 1000) await vi.advanceTimersByTimeAsync(1000);
  await done;
  return calls;
}

describe('random 429s', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('should keep at least half the limit once learnt, and end every call within its deadline (seed %i)', { timeout: 60_000 }, async (seed) => {
    const { fetch, log } = randomlyRefusingFetch(0.1, seed);
    // The retry backoff's jitter too, so that a run replays exactly.
    vi.spyOn(Math, 'random').mockImplementation(seededRandom(seed + 1000));
    const limiter = new RateLimiter(upbit.rateLimits);
    const client = new RestClient({ exchange: 'upbit', adapter: upbit, limiter, fetch, baseUrl: 'http://sim', deadlineMs: 10_000 });
    const durationMs = 120_000;
    const calls = await drive(client, 20, durationMs);

    const start = log[0]!.at;
    const answered = log.filter((r) => r.status === 200);
    const refused = log.filter((r) => r.status === 429);
    expect(refused.length / log.length).toBeGreaterThan(0.05); // the server did refuse about a tenth
    // Achieved rate over the run, in requests answered per second (the limit is 10 sent, so 9 answered
    // is the most a tenth of refusals leaves): over the whole run, and over its second minute, once the
    // limiter has learnt that the refusals are noise.
    const rateOver = (from: number, to: number): number => answered.filter((r) => r.at >= start + from && r.at < start + to).length / ((to - from) / 1000);
    const rate = rateOver(0, durationMs);
    // Once learnt, at least half the limit; over the whole run (learning included) not far below.
    expect(rateOver(durationMs / 2, durationMs)).toBeGreaterThanOrEqual(0.5 * LIMIT);
    expect(rate).toBeGreaterThanOrEqual(0.4 * LIMIT);
    expect(rate).toBeLessThanOrEqual(LIMIT);
    expect(limiter.limit('candles')).toBeGreaterThanOrEqual(LIMIT / 2);
    for (const call of calls) {
      expect(call.endedAt - call.startedAt).toBeLessThanOrEqual(10_000);
      if (call.error !== undefined) expect(call.error instanceof RateLimitError || call.error instanceof TimeoutError).toBe(true);
    }
  });
});
