import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from '../../src/core/rate-limit/rate-limiter.js';
import { createVirtualClock as createClock } from '../helpers/virtual-clock.js';

function createLimiter(options: RateLimiterOptions = {}) {
  const clock = createClock();
  const limiter = new RateLimiter([{ group: 'ticker', limit: 10, windowMs: 1000 }], {
    scheduler: clock.scheduler,
    ...options,
  });
  /** Acquires and records `[id, grant time]` into `grants`. */
  const grants: [number, number][] = [];
  const acquire = (id: number, group = 'ticker', cost = 1) =>
    limiter.acquire(group, cost).subscribe(() => grants.push([id, clock.scheduler.now()]));
  return { limiter, grants, acquire, ...clock };
}

describe('RateLimiter', () => {
  it('should grant 200 requests against 10/1000 ms in order, never more than 10 in any window', () => {
    const { grants, acquire, advanceTo, pending } = createLimiter();
    for (let id = 0; id < 200; id++) acquire(id);
    expect(grants).toHaveLength(10);
    expect(pending()).toBe(1);
    advanceTo(100_000);
    expect(grants.map(([id]) => id)).toEqual(Array.from({ length: 200 }, (_, id) => id));
    const times = grants.map(([, time]) => time);
    // Any 11 consecutive grants span more than a window: no 1000 ms interval holds 11.
    for (let i = 0; i + 10 < times.length; i++) expect(times[i + 10]! - times[i]!).toBeGreaterThanOrEqual(1025);
    // And the budget is used fully: a batch of 10 per window plus the default 25 ms margin.
    expect(times[199]).toBe(19 * 1025);
    expect(pending()).toBe(0);
  });

  it('should spend each unit for exactly one window plus the safety margin', () => {
    const { limiter, grants, acquire, advanceTo } = createLimiter({ safetyMarginMs: 5 });
    advanceTo(100);
    for (let id = 0; id < 10; id++) acquire(id);
    expect(limiter.available('ticker')).toBe(0);
    acquire(10);
    advanceTo(1104);
    expect(grants).toHaveLength(10);
    advanceTo(1105);
    expect(grants.at(-1)).toEqual([10, 1105]);
    expect(limiter.available('ticker')).toBe(9);
  });

  it('should keep at most one timer per group and none once the queue is empty', () => {
    const { limiter, acquire, pending } = createLimiter();
    for (let id = 0; id < 10; id++) acquire(id);
    const waiting = [10, 11, 12].map((id) => acquire(id));
    expect(pending()).toBe(1);
    expect(limiter.queued('ticker')).toBe(3);
    waiting[1]!.unsubscribe();
    expect(limiter.queued('ticker')).toBe(2);
    expect(pending()).toBe(1);
    for (const subscription of waiting) subscription.unsubscribe();
    expect(limiter.queued('ticker')).toBe(0);
    expect(pending()).toBe(0);
  });

  it('should hold a group for one window after update({ remaining: 0 })', () => {
    const { limiter, grants, acquire, advanceTo } = createLimiter({ safetyMarginMs: 0 });
    acquire(0);
    advanceTo(400);
    limiter.update({ group: 'ticker', remaining: 0 });
    expect(limiter.available('ticker')).toBe(0);
    acquire(1);
    advanceTo(1399);
    expect(grants).toEqual([[0, 0]]);
    advanceTo(1400);
    expect(grants).toEqual([[0, 0], [1, 1400]]);
  });

  it('should grant at most the reported remaining units until a window has passed', () => {
    const { limiter, grants, acquire, advanceTo } = createLimiter({ safetyMarginMs: 0 });
    limiter.update({ group: 'ticker', remaining: 3 });
    for (let id = 0; id < 5; id++) acquire(id);
    expect(grants.map(([, time]) => time)).toEqual([0, 0, 0]);
    advanceTo(1000);
    expect(grants.map(([, time]) => time)).toEqual([0, 0, 0, 1000, 1000]);
  });

  it('should ignore reports that leave the whole limit', () => {
    const { limiter, pending } = createLimiter();
    limiter.update({ group: 'ticker', remaining: 10 });
    expect(limiter.available('ticker')).toBe(10);
    expect(pending()).toBe(0);
  });

  it('should block a group until the given time and never shorten a block', () => {
    const { limiter, grants, acquire, advanceTo } = createLimiter();
    limiter.block('ticker', 5000);
    limiter.block('ticker', 2000);
    expect(limiter.blockedUntil('ticker')).toBe(5000);
    expect(limiter.available('ticker')).toBe(0);
    acquire(0);
    advanceTo(4999);
    expect(grants).toEqual([]);
    advanceTo(5000);
    expect(grants).toEqual([[0, 5000]]);
    expect(limiter.blockedUntil('other')).toBe(0);
  });

  it('should treat unknown groups as unlimited without a default rule, but honour blocks', () => {
    const { limiter, grants, acquire, advanceTo } = createLimiter();
    for (let id = 0; id < 50; id++) acquire(id, 'unlisted');
    expect(grants).toHaveLength(50);
    expect(limiter.rule('unlisted')).toBeUndefined();
    expect(limiter.available('unlisted')).toBe(Infinity);
    limiter.update({ group: 'unlisted', remaining: 0 });
    acquire(50, 'unlisted');
    expect(grants).toHaveLength(51);
    limiter.block('unlisted', 300);
    acquire(51, 'unlisted');
    advanceTo(300);
    expect(grants.at(-1)).toEqual([51, 300]);
  });

  it('should apply the default rule to unknown groups, each with its own budget', () => {
    const { limiter, grants, acquire } = createLimiter({ defaultRule: { limit: 2, windowMs: 1000 } });
    for (let id = 0; id < 3; id++) acquire(id, 'a');
    for (let id = 3; id < 6; id++) acquire(id, 'b');
    expect(grants.map(([id]) => id)).toEqual([0, 1, 3, 4]);
    expect(limiter.rule('a')).toEqual({ group: 'a', limit: 2, windowMs: 1000 });
    expect(limiter.queued('a')).toBe(1);
  });

  it('should serve costs strictly first in, first out', () => {
    const { grants, acquire, advanceTo } = createLimiter({ safetyMarginMs: 0 });
    acquire(0, 'ticker', 6);
    acquire(1, 'ticker', 8);
    acquire(2, 'ticker', 1);
    expect(grants).toEqual([[0, 0]]);
    advanceTo(1000);
    expect(grants).toEqual([[0, 0], [1, 1000], [2, 1000]]);
  });

  it('should handle acquires and updates made from inside a grant', () => {
    const { limiter, scheduler, advanceTo } = createLimiter({ safetyMarginMs: 0 });
    const order: string[] = [];
    limiter.acquire('ticker', 9).subscribe(() => {
      order.push(`outer@${scheduler.now()}`);
      limiter.update({ group: 'ticker', remaining: 0 });
      limiter.acquire('ticker').subscribe(() => order.push(`inner@${scheduler.now()}`));
    });
    limiter.acquire('ticker').subscribe(() => order.push(`queued@${scheduler.now()}`));
    advanceTo(5000);
    expect(order).toEqual(['outer@0', 'inner@1000', 'queued@1000']);
  });

  it('should hold leased units until release, then one window plus the margin, with no timer meanwhile', () => {
    const { limiter, scheduler, advanceTo, pending } = createLimiter();
    const leases: { release(): void }[] = [];
    for (let i = 0; i < 10; i++) limiter.lease('ticker').subscribe((lease) => leases.push(lease));
    const late: number[] = [];
    limiter.lease('ticker').subscribe(() => late.push(scheduler.now()));
    expect([leases.length, late.length]).toEqual([10, 0]);
    advanceTo(5_000); // replies not in yet: the units stay spent however long that takes
    expect(late).toEqual([]);
    expect(pending()).toBe(0); // nothing to wait for but a release
    leases[3]!.release();
    leases[3]!.release(); // a second release changes nothing
    expect(limiter.available('ticker')).toBe(0);
    advanceTo(6_024);
    expect(late).toEqual([]);
    advanceTo(6_025);
    expect(late).toEqual([6_025]);
    // Released units and timed ones mix in return order: an acquire's unit (timed at grant) comes
    // back before a lease released later.
    leases[0]!.release(); // at 6_025: back at 7_050
    limiter.acquire('ticker').subscribe(); // impossible now (all spent): queued
    advanceTo(7_050);
    expect(limiter.available('ticker')).toBe(0); // the queued acquire took the returned unit
    for (const lease of leases) lease.release(); // at 7_050: the other 8 come back at 8_075
    advanceTo(8_074);
    expect(limiter.available('ticker')).toBe(0);
    advanceTo(8_075);
    expect(limiter.available('ticker')).toBe(9); // the 8 leases and the acquire; the late lease still holds one
  });

  it('should lease unlimited groups at once and leave the queue when unsubscribed before the grant', () => {
    const { limiter, advanceTo } = createLimiter();
    let free = 0;
    limiter.lease('unlisted').subscribe((lease) => {
      free++;
      lease.release();
    });
    expect(free).toBe(1);
    for (let i = 0; i < 10; i++) limiter.lease('ticker').subscribe();
    const granted: number[] = [];
    const waiting = limiter.lease('ticker').subscribe(() => granted.push(1));
    expect(limiter.queued('ticker')).toBe(1);
    waiting.unsubscribe();
    expect(limiter.queued('ticker')).toBe(0);
    advanceTo(10_000);
    expect(granted).toEqual([]);
  });

  it('should reject costs that can never fit and invalid rules', () => {
    const { limiter } = createLimiter();
    let error: unknown;
    limiter.acquire('ticker', 11).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toBeInstanceOf(RangeError);
    expect(() => new RateLimiter([{ group: 'x', limit: 0, windowMs: 1000 }])).toThrow(RangeError);
    expect(() => new RateLimiter([], { defaultRule: { limit: 1, windowMs: -1 } })).toThrow(RangeError);
    const twice = { group: 'x', limit: 1, windowMs: 1000 };
    expect(() => new RateLimiter([twice, twice])).toThrow('Duplicate rate limit rule: x');
  });
});
