import { catchError, concat, merge, mergeMap, of, takeUntil, timer, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rateLimit, type RateLimitConfig } from '../operators/rateLimit.js';
import { ConnectionError, RateLimitError } from '../src/errors/index.js';
import { RateLimiter } from '../src/core/rate-limit/rate-limiter.js';
import { createScheduler } from './helpers.js';

/** 2 units per 10 frames, no safety margin unless asked: grants land on exact frames. */
function createLimiter(limit = 2, safetyMarginMs = 0): RateLimiter {
  return new RateLimiter([{ group: 'g', limit, windowMs: 10 }], { safetyMarginMs });
}

/** Values of these specs are the `remaining` the server reports, fed back to the limiter. */
function limitOn(limiter: RateLimiter, extra: Partial<RateLimitConfig<number>> = {}) {
  return rateLimit<number>({ limiter, group: 'g', feedback: (remaining) => ({ group: 'g', remaining }), ...extra });
}

const tooMany = (retryAfterMs: number): RateLimitError =>
  new RateLimitError('Rate limited: g', { status: 429, retryAfterMs, group: 'g' });

describe('rateLimit', () => {
  it('should pass values through and complete', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-b-|', { a: 9, b: 8 });
      const e1subs = '     ^----!';
      const expected = '   -a-b-|';
      expectObservable(e1.pipe(limitOn(createLimiter(10)))).toBe(expected, { a: 9, b: 8 });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should pass completion of an empty source through', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<number>('|');
      expectObservable(e1.pipe(limitOn(createLimiter()))).toBe('|');
      expectSubscriptions(e1.subscriptions).toBe('(^!)');
    });
  });

  it('should pass errors through and spend the unit anyway', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const limiter = createLimiter();
      const e1 = cold<number>('--#', undefined, new ConnectionError('Connection failed: reset'));
      const error = new ConnectionError('Connection failed: reset');
      expectObservable(e1.pipe(limitOn(limiter))).toBe('--#', undefined, error);
      expectSubscriptions(e1.subscriptions).toBe('^-!');
      flush();
      expect(limiter.available('g')).toBe(1);
    });
  });

  it('should mirror a never-ending source', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold<number>('-');
      expectObservable(e1.pipe(limitOn(createLimiter()))).toBe('-');
      expectSubscriptions(e1.subscriptions).toBe('^');
    });
  });

  it('should allow unsubscribing explicitly and early', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-b-c-|', { a: 9, b: 9, c: 9 });
      const e1subs = '     ^--!    ';
      const unsub = '      ^--!    ';
      const expected = '   -a-     ';
      expectObservable(e1.pipe(limitOn(createLimiter())), unsub).toBe(expected, { a: 9 });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-b-c-|', { a: 9, b: 9, c: 9 });
      const e1subs = '     ^--!    ';
      const unsub = '      ^--!    ';
      const expected = '   -a-     ';
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        limitOn(createLimiter()),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected, { a: 9 });
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should subscribe the 3rd and 4th source one window after the first two', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter();
      const [a, b, c, d] = [1, 2, 3, 4].map((n) => cold('(x|)', { x: n * 10 }));
      const sources = [a, b, c, d] as Observable<number>[];
      const expected = '(ab)------(cd|)';
      const late = '    ----------(^!)';
      expectObservable(merge(...sources.map((s) => s.pipe(limitOn(limiter))))).toBe(expected, {
        a: 10, b: 20, c: 30, d: 40,
      });
      expectSubscriptions(a!.subscriptions).toBe('(^!)');
      expectSubscriptions(b!.subscriptions).toBe('(^!)');
      expectSubscriptions(c!.subscriptions).toBe(late);
      expectSubscriptions(d!.subscriptions).toBe(late);
    });
  });

  it('should keep a slow source\'s unit spent until one window after it ends', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // 1 per 10 frames. `a` answers after 4 frames: the server may have counted it at any time in
      // between, so `b` goes one window after the answer (frame 14), not after the grant (frame 10).
      const limiter = createLimiter(1);
      const a = cold('----(a|)', { a: 9 });
      const b = cold('(b|)', { b: 9 });
      const expected = '----a---------(b|)';
      expectObservable(merge(a.pipe(limitOn(limiter)), b.pipe(limitOn(limiter)))).toBe(expected, { a: 9, b: 9 });
      expectSubscriptions(a.subscriptions).toBe('^---!');
      expectSubscriptions(b.subscriptions).toBe('--------------(^!)');
    });
  });

  it('should return the unit one window after a source is unsubscribed or fails mid-way', () => {
    createScheduler().run(({ cold, expectObservable }) => {
      const limiter = createLimiter(1);
      const a = cold('------a|', { a: 9 });
      const failing = cold<number>('---#', undefined, new ConnectionError('down', { exchange: 'x' }));
      const b = cold('(b|)', { b: 9 });
      const c = cold('(c|)', { c: 9 });
      // `a` is cut off at frame 2: `failing` goes at 12 and errors at 15 (caught as x); `b` goes one
      // window later, at 25, and `c` one window after `b`.
      const result = merge(
        a.pipe(limitOn(limiter), takeUntil(timer(2))),
        failing.pipe(limitOn(limiter), catchError(() => of(-1))),
        b.pipe(limitOn(limiter)),
        c.pipe(limitOn(limiter)),
      );
      expectObservable(result).toBe('---------------x---------b---------(c|)', { x: -1, b: 9, c: 9 });
    });
  });

  it('should add the safety margin to each window', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter(1, 2);
      const a = cold('(a|)', { a: 9 });
      const b = cold('(b|)', { b: 9 });
      const expected = 'a-----------(b|)';
      expectObservable(merge(a.pipe(limitOn(limiter)), b.pipe(limitOn(limiter)))).toBe(expected, { a: 9, b: 9 });
      expectSubscriptions(b.subscriptions).toBe('------------(^!)');
    });
  });

  it('should push the next grant one window out when the server reports remaining 0', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter(5);
      const a = cold('(a|)', { a: 0 });
      const b = cold('(b|)', { b: 4 });
      const expected = 'a---------(b|)';
      expectObservable(concat(a.pipe(limitOn(limiter)), b.pipe(limitOn(limiter)))).toBe(expected, { a: 0, b: 4 });
      expectSubscriptions(b.subscriptions).toBe('----------(^!)');
    });
  });

  it('should grant no more than the reported remaining units within a window', () => {
    createScheduler().run(({ cold, expectObservable }) => {
      const limiter = createLimiter(5);
      const sources = [cold('(a|)', { a: 1 }), cold('(b|)', { b: 4 }), cold('(c|)', { c: 4 })];
      const expected = '(ab)------(c|)';
      expectObservable(concat(...sources.map((s) => s.pipe(limitOn(limiter))))).toBe(expected, { a: 1, b: 4, c: 4 });
    });
  });

  it('should hold everything until a 418 block ends, then re-throw the error', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const limiter = createLimiter(5);
      const blocked = new RateLimitError('Blocked: g', { status: 418, retryAfterMs: 30, group: 'g' });
      const a = cold<number>('--#', undefined, blocked);
      const b = cold('(b|)', { b: 4 });
      const expected = '--#';
      expectObservable(a.pipe(limitOn(limiter))).toBe(expected, undefined, blocked);
      expectObservable(timer(5).pipe(mergeMap(() => b.pipe(limitOn(limiter))))).toBe('32ms (b|)', { b: 4 });
      expectSubscriptions(b.subscriptions).toBe('32ms (^!)');
      flush();
      expect(limiter.blockedUntil('g')).toBe(32);
    });
  });

  it('should empty the current window on a 429 with a short retryAfterMs', () => {
    createScheduler().run(({ cold, expectObservable, flush }) => {
      const limiter = createLimiter(5);
      const a = cold<number>('--#', undefined, tooMany(3));
      const b = cold('(b|)', { b: 4 });
      expectObservable(a.pipe(limitOn(limiter))).toBe('--#', undefined, tooMany(3));
      expectObservable(timer(5).pipe(mergeMap(() => b.pipe(limitOn(limiter))))).toBe('12ms (b|)', { b: 4 });
      flush();
      expect(limiter.blockedUntil('g')).toBe(0);
    });
  });

  it('should halve the group\'s share on a 429: two grants a window instead of four', () => {
    createScheduler().run(({ cold, expectObservable, flush }) => {
      const limiter = createLimiter(4);
      const refused = cold<number>('--#', undefined, tooMany(3));
      const later = (value: number): Observable<number> => cold('(v|)', { v: value });
      expectObservable(refused.pipe(limitOn(limiter))).toBe('--#', undefined, tooMany(3));
      // Values are the server's `remaining`: 9 and up say nothing the limiter does not know.
      const six = timer(20).pipe(mergeMap(() => merge(...[9, 10, 11, 12, 13, 14].map((v) => later(v).pipe(limitOn(limiter))))));
      expectObservable(six).toBe('20ms (ab) 6ms (cd) 6ms (ef|)', { a: 9, b: 10, c: 11, d: 12, e: 13, f: 14 });
      flush();
      expect(limiter.limit('g')).toBe(2);
    });
  });

  it('should block for a 429 retryAfterMs longer than the window', () => {
    createScheduler().run(({ cold, expectObservable, flush }) => {
      const limiter = createLimiter(5);
      const a = cold<number>('--#', undefined, tooMany(40));
      const b = cold('(b|)', { b: 4 });
      expectObservable(a.pipe(limitOn(limiter))).toBe('--#', undefined, tooMany(40));
      expectObservable(timer(5).pipe(mergeMap(() => b.pipe(limitOn(limiter))))).toBe('42ms (b|)', { b: 4 });
      flush();
      expect(limiter.blockedUntil('g')).toBe(42);
    });
  });

  it('should serve waiters in FIFO order, never letting a small cost overtake a large one', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter(3);
      const a = cold('(a|)', { a: 3 });
      const b = cold('(b|)', { b: 3 });
      const c = cold('(c|)', { c: 3 });
      const result = merge(
        a.pipe(limitOn(limiter, { cost: 2 })),
        b.pipe(limitOn(limiter, { cost: 2 })),
        c.pipe(limitOn(limiter, { cost: 1 })),
      );
      expectObservable(result).toBe('a---------(bc|)', { a: 3, b: 3, c: 3 });
      expectSubscriptions(c.subscriptions).toBe('----------(^!)');
    });
  });

  it('should never subscribe to a source cancelled while queued, and keep the queue going', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter(1);
      const a = cold('(a|)', { a: 9 });
      const b = cold('(b|)', { b: 9 });
      const c = cold('(c|)', { c: 9 });
      expectObservable(a.pipe(limitOn(limiter))).toBe('(a|)', { a: 9 });
      expectObservable(b.pipe(limitOn(limiter)), '^----!').toBe('------');
      expectObservable(c.pipe(limitOn(limiter))).toBe('----------(c|)', { c: 9 });
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('----------(^!)');
    });
  });

  it('should let the next waiter go as soon as a cancelled head leaves the queue', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createLimiter(3);
      const a = cold('(a|)', { a: 3 });
      const b = cold('(b|)', { b: 3 });
      const c = cold('(c|)', { c: 3 });
      expectObservable(a.pipe(limitOn(limiter, { cost: 2 }))).toBe('(a|)', { a: 3 });
      expectObservable(b.pipe(limitOn(limiter, { cost: 2 })), '^----!').toBe('------');
      expectObservable(c.pipe(limitOn(limiter, { cost: 1 }))).toBe('-----(c|)', { c: 3 });
      expectSubscriptions(b.subscriptions).toBe([]);
    });
  });

  it('should fail with a RangeError when the cost can never fit the limit', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('(a|)', { a: 3 });
      const error = new RangeError('Invalid cost for rate limit group g: 3 (limit 2)');
      expectObservable(a.pipe(limitOn(createLimiter(), { cost: 3 }))).toBe('#', undefined, error);
      expectSubscriptions(a.subscriptions).toBe([]);
    });
  });
});
