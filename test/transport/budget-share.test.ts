import { describe, expect, it } from 'vitest';
import { shareLimit, shrinkShare } from '../../src/core/rate-limit/budget-share.js';
import { RateLimiter } from '../../src/core/rate-limit/rate-limiter.js';
import { ShareTracker } from '../../src/core/rate-limit/share-tracker.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';

describe('budget share arithmetic', () => {
  it('should halve what applies, at least one unit, once per window', () => {
    expect(shrinkShare(10, 1000, undefined, 0)).toEqual({ limit: 5, since: 0 });
    expect(shrinkShare(10, 1000, { limit: 5, since: 0 }, 999)).toEqual({ limit: 5, since: 0 });
    expect(shrinkShare(10, 1000, { limit: 5, since: 0 }, 1000)).toEqual({ limit: 2, since: 1000 });
    expect(shrinkShare(10, 1000, { limit: 1, since: 0 }, 5000)).toEqual({ limit: 1, since: 5000 });
    // Halving starts from what has grown back: 5 + 2 units after ten windows.
    expect(shrinkShare(10, 1000, { limit: 5, since: 0 }, 10_000)).toEqual({ limit: 3, since: 10_000 });
    expect(shrinkShare(1, 10_000, undefined, 0)).toEqual({ limit: 1, since: 0 });
  });

  it('should grow back one unit per recoverWindows windows, never past the rule', () => {
    const share = { limit: 2, since: 1000 };
    expect([0, 4999, 5000, 9999, 10_000, 1_000_000].map((t) => shareLimit(10, 1000, share, 1000 + t))).toEqual([2, 2, 3, 3, 4, 10]);
    expect(shareLimit(10, 1000, share, 1000 + 2000, { recoverWindows: 2 })).toBe(3);
    expect(shareLimit(10, 1000, undefined, 0)).toBe(10);
  });

  it('should step a tenth of a large limit, at least every 10 s for long windows', () => {
    // Binance: 6000 weight a minute. Five windows would be five minutes a step.
    const share = shrinkShare(6000, 60_000, undefined, 0);
    expect(share).toEqual({ limit: 3000, since: 0 });
    expect([9_999, 10_000, 30_000, 50_000, 600_000].map((t) => shareLimit(6000, 60_000, share, t))).toEqual([3000, 3600, 4800, 6000, 6000]);
    // Upbit's 30 a second: three units a step.
    expect(shareLimit(30, 1000, { limit: 15, since: 0 }, 5_000)).toBe(18);
    expect(shareLimit(10, 1000, { limit: 5, since: 0 }, 5_000, { maxRecoverMs: 1_000 })).toBe(10);
  });
});

describe('RateLimiter.refused', () => {
  function setup() {
    const { scheduler, advanceTo } = createVirtualClock();
    const limiter = new RateLimiter([{ group: 'ticker', limit: 10, windowMs: 1000 }], { scheduler, safetyMarginMs: 0 });
    const grants: number[] = [];
    const acquire = (n: number): void => {
      for (let i = 0; i < n; i++) limiter.acquire('ticker').subscribe(() => grants.push(scheduler.now()));
    };
    /** Grants per window [k s, k+1 s). */
    const perWindow = (): number[] => {
      const counts: number[] = [];
      for (const t of grants) counts[Math.floor(t / 1000)] = (counts[Math.floor(t / 1000)] ?? 0) + 1;
      return Array.from(counts, (c) => c ?? 0);
    };
    return { limiter, acquire, advanceTo, perWindow };
  }

  it('should grant half as many per window after a refusal, and win one unit back every five windows', () => {
    const { limiter, acquire, advanceTo, perWindow } = setup();
    acquire(10);
    limiter.refused('ticker'); // the server refused one of these: someone else spends the budget
    limiter.refused('ticker'); // more refusals of the same burst change nothing
    expect(limiter.limit('ticker')).toBe(5);
    acquire(60);
    advanceTo(12_000);
    expect(perWindow()).toEqual([10, 5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 3]);
    expect(limiter.limit('ticker')).toBe(7);
    advanceTo(60_000);
    expect(limiter.limit('ticker')).toBe(10);
  });

  it('should halve again on a refusal one window later, down to one unit, and ignore unlimited groups', () => {
    const { limiter, advanceTo } = setup();
    for (const at of [0, 1000, 2000, 3000]) {
      advanceTo(at);
      limiter.refused('ticker');
    }
    expect(limiter.limit('ticker')).toBe(1);
    limiter.refused('unlisted');
    expect(limiter.limit('unlisted')).toBe(Infinity);
  });
});

describe('ShareTracker', () => {
  /** Runs `windows` windows of `pace` requests each from `start`, refusing those `refuse(i)` picks. */
  function run(tracker: ShareTracker, start: number, windows: number, refuse: (i: number) => boolean): number {
    let i = 0;
    for (let w = 0; w < windows; w++) {
      const at = start + w * 1000;
      const pace = tracker.limit(at);
      for (let k = 0; k < pace; k++, i++) {
        tracker.sent(at + k);
        if (refuse(i)) tracker.refused(at + k + 20);
      }
    }
    return start + windows * 1000;
  }

  it('should give a cut back and learn the noise when refusals go on at the same fraction', () => {
    const tracker = new ShareTracker({ limit: 10, windowMs: 1000 }, 5);
    const everyTenth = (i: number): boolean => i % 10 === 9;
    const end = run(tracker, 0, 60, everyTenth);
    expect(tracker.noise).toBeGreaterThan(0);
    expect(tracker.noise).toBeLessThanOrEqual(0.3);
    expect(tracker.limit(end)).toBe(10);
  });

  it('should keep a cut after which the refusals stopped (another client took the rest)', () => {
    const tracker = new ShareTracker({ limit: 10, windowMs: 1000 }, 5);
    // Two windows at full pace with the other client taking half: five of ten refused each time.
    const end = run(tracker, 0, 2, (i) => i % 2 === 1);
    expect(tracker.limit(end)).toBeLessThanOrEqual(5);
    const later = run(tracker, end, 3, () => false);
    expect(tracker.noise).toBe(0);
    expect(tracker.limit(later)).toBeLessThanOrEqual(5);
  });
});
