import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/errors/index.js';
import { applyJitter, computeBackoffDelay, computeExponentialDelay, computeRetryDelay, getServerWaitMs } from '../../src/core/backoff.js';

describe('backoff math', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => computeExponentialDelay(n, { initialDelayMs: 1000, maxDelayMs: 32_000 }));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 32_000, 32_000, 32_000]);
  });

  it('stays at the cap after an outage long enough to overflow the exponent', () => {
    expect(computeExponentialDelay(5000, { initialDelayMs: 250, maxDelayMs: 32_000 })).toBe(32_000);
  });

  it('treats attempt 0 like attempt 1 and a zero initial delay as no wait', () => {
    expect(computeExponentialDelay(0, { initialDelayMs: 100 })).toBe(100);
    expect(computeExponentialDelay(7, { initialDelayMs: 0 })).toBe(0);
  });

  it('jitters only the configured fraction, within bounds', () => {
    expect(applyJitter(1000, 0.5, () => 0)).toBe(500);
    expect(applyJitter(1000, 0.5, () => 1)).toBe(1000);
    expect(applyJitter(1000, 0, () => 0)).toBe(1000);
    expect(applyJitter(1000, 2, () => 0)).toBe(0);
    expect(applyJitter(1000, 0.5, () => 7)).toBe(1000);
  });

  it('combines exponential delay and jitter', () => {
    expect(computeBackoffDelay(3, { initialDelayMs: 100, jitter: 0.5, random: () => 0 })).toBe(200);
  });

  it("never waits less than the server's retryAfterMs, even beyond the cap", () => {
    const blocked = new RateLimitError('Blocked: ticker', { status: 418, retryAfterMs: 120_000 });
    expect(getServerWaitMs(blocked)).toBe(120_000);
    expect(computeRetryDelay(1, blocked, { maxDelayMs: 32_000 })).toBe(120_000);
    expect(computeRetryDelay(3, new Error('reset'), { initialDelayMs: 100, jitter: 0 })).toBe(400);
    expect(getServerWaitMs(new Error('reset'))).toBe(0);
  });
});
