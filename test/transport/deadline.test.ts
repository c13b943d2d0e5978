/**
 * Every REST call has one deadline, counted from the call: time queued in the rate limiter, the
 * attempts and the waits between retries. Virtual time (vitest fake timers drive `setTimeout`, `Date`
 * and the limiter's `asyncScheduler`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exchangeAdapters, RateLimitError, TimeoutError } from 'market-data-backbone';
import { RateLimiter } from '../../src/core/rate-limit/rate-limiter.js';
import { RestClient, type FetchLike } from '../../src/transport/http/rest-client.js';

const upbit = exchangeAdapters.upbit.rest;
const candles = upbit.candles('KRW-BTC', '1m', { count: 1 });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A fetch answering `status` (with `headers`) after `delayMs`, counting its calls. */
function fakeFetch(status: number, delayMs: number, headers: Record<string, string> = {}) {
  let calls = 0;
  const fetch: FetchLike = (_url, init) =>
    new Promise((resolve, reject) => {
      calls += 1;
      const timer = setTimeout(() => resolve({ status, headers: { get: (name) => headers[name.toLowerCase()] ?? null }, text: async () => (status === 200 ? '[]' : 'Too many API requests.') }), delayMs);
      init.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
  return { fetch, calls: () => calls };
}

/** Settles `promise` in virtual time; the result and the virtual ms it took. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = Date.now();
  const outcome = promise.then(
    (value) => ({ value, ms: Date.now() - start }),
    (error: unknown) => ({ error, ms: Date.now() - start }),
  );
  for (let i = 0; i < 120; i++) await vi.advanceTimersByTimeAsync(1000);
  return outcome;
}

describe('RestClient deadline', () => {
  it('should fail a call still queued in the limiter with a RateLimitError when its deadline passes', async () => {
    const { fetch, calls } = fakeFetch(200, 10);
    const limiter = new RateLimiter([{ group: 'candles', limit: 1, windowMs: 60_000 }]);
    const client = new RestClient({ exchange: 'upbit', adapter: upbit, limiter, fetch, baseUrl: 'http://sim', deadlineMs: 5_000 });
    const first = settle(client.fetch(candles));
    const second = await settle(client.fetch(candles)); // waits a minute for the one unit: past its deadline
    expect((await first).value?.status).toBe(200);
    expect(second.error).toBeInstanceOf(RateLimitError);
    expect(second.error).toMatchObject({ status: undefined, group: 'candles', retryable: true });
    expect(second.ms).toBe(5_000);
    expect(calls()).toBe(1);
    expect(limiter.queued('candles')).toBe(0); // it left the queue
  });

  it('should fail a call whose server does not answer within the deadline with a TimeoutError, retries included', async () => {
    const { fetch, calls } = fakeFetch(200, 60_000);
    const limiter = new RateLimiter(upbit.rateLimits);
    const client = new RestClient({ exchange: 'upbit', adapter: upbit, limiter, fetch, baseUrl: 'http://sim', timeoutMs: 3_000, deadlineMs: 8_000 });
    const { error, ms } = await settle(client.fetch(candles));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 8_000, reason: 'timeout' });
    expect(ms).toBe(8_000);
    expect(calls()).toBeGreaterThanOrEqual(2); // the per-attempt timeout retried within the deadline
  });

  it('should fail at once with the RateLimitError when the server asks for a wait past the deadline', async () => {
    const { fetch, calls } = fakeFetch(429, 10, { 'retry-after': '60' });
    const limiter = new RateLimiter(upbit.rateLimits);
    const client = new RestClient({ exchange: 'upbit', adapter: upbit, limiter, fetch, baseUrl: 'http://sim', deadlineMs: 10_000 });
    const { error, ms } = await settle(client.fetch(candles));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(ms).toBeLessThan(1_000);
    expect(calls()).toBe(1);
  });

  it('should report the last refusal when 429s go on until the deadline', async () => {
    const { fetch } = fakeFetch(429, 10);
    const limiter = new RateLimiter(upbit.rateLimits);
    const client = new RestClient({ exchange: 'upbit', adapter: upbit, limiter, fetch, baseUrl: 'http://sim', deadlineMs: 4_000, retry: { maxRetries: 100 } });
    const { error, ms } = await settle(client.fetch(candles));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429 });
    expect(ms).toBeLessThanOrEqual(4_000);
  });
});
