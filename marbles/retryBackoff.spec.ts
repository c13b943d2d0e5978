import { mergeMap, of, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { retryBackoff, type RetryBackoffConfig, type RetryEvent } from '../operators/retryBackoff.js';
import { ConnectionError, ExchangeError, RateLimitError } from '../src/errors/index.js';
import { createScheduler } from './helpers.js';

const reset = new ConnectionError('Connection failed: reset');

/** Delays of 2, 4, 8, 16… frames before jitter; `random: () => 1` keeps the full delay. */
function backoff(extra: RetryBackoffConfig = {}): RetryBackoffConfig {
  return { initialDelayMs: 2, factor: 2, maxDelayMs: 100, jitter: 0.5, random: () => 1, ...extra };
}

describe('retryBackoff', () => {
  it('should pass values through and complete', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-b-|');
      const e1subs = '     ^----!';
      const expected = '   -a-b-|';
      expectObservable(e1.pipe(retryBackoff(backoff()))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should complete with an empty source and mirror a never-ending one', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold('|');
      const never = cold('-');
      expectObservable(empty.pipe(retryBackoff(backoff()))).toBe('|');
      expectObservable(never.pipe(retryBackoff(backoff()))).toBe('-');
      expectSubscriptions(empty.subscriptions).toBe('(^!)');
      expectSubscriptions(never.subscriptions).toBe('^');
    });
  });

  it('should pass a non-retryable error through at once', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const fatal = new ExchangeError('Request failed: invalid_query_payload', { code: 'invalid_query_payload' });
      const e1 = cold('-a-#', undefined, fatal);
      const e1subs = '     ^--!';
      const expected = '   -a-#';
      expectObservable(e1.pipe(retryBackoff(backoff()))).toBe(expected, undefined, fatal);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('should wait the full exponential delays with random() = 1 and fail after maxRetries', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-#', undefined, reset);
      const subs = ['^!', '---^!', '--------^!', '-----------------^!'];
      expectObservable(e1.pipe(retryBackoff(backoff({ maxRetries: 3 })))).toBe('18ms #', undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should take the jitter fraction off the delays with random() = 0', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-#', undefined, reset);
      const subs = ['^!', '--^!', '-----^!', '----------^!'];
      const config = backoff({ maxRetries: 3, random: () => 0 });
      expectObservable(e1.pipe(retryBackoff(config))).toBe('11ms #', undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should cap the delay at maxDelayMs and report every retry to onRetry', () => {
    const events: RetryEvent[] = [];
    createScheduler().run(({ cold, expectObservable }) => {
      const config = backoff({ maxRetries: 5, maxDelayMs: 5, onRetry: (event) => events.push(event) });
      // Delays 2, 4, 5, 5, 5, plus one frame per failing subscription.
      expectObservable(cold('-#', undefined, reset).pipe(retryBackoff(config))).toBe('27ms #', undefined, reset);
    });
    expect(events.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
      [1, 2],
      [2, 4],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(events.every((event) => event.error === reset)).toBe(true);
  });

  it("should honour the server's retryAfterMs when it is longer than the backoff", () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limited = new RateLimitError('Rate limited: ticker', { status: 429, retryAfterMs: 20 });
      const e1 = cold('-#', undefined, limited);
      const subs = ['^!', '---------------------^!'];
      expectObservable(e1.pipe(retryBackoff(backoff({ maxRetries: 1, maxDelayMs: 5 })))).toBe(
        '22ms #',
        undefined,
        limited,
      );
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should keep the backoff when the server wait is shorter', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limited = new RateLimitError('Rate limited: ticker', { status: 429, retryAfterMs: 1 });
      const e1 = cold('-#', undefined, limited);
      expectObservable(e1.pipe(retryBackoff(backoff({ maxRetries: 1 })))).toBe('4ms #', undefined, limited);
      expectSubscriptions(e1.subscriptions).toBe(['^!', '---^!']);
    });
  });

  it('should ask shouldRetry with the attempt number', () => {
    const asked: number[] = [];
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-#', undefined, reset);
      const shouldRetry = (_error: unknown, attempt: number): boolean => {
        asked.push(attempt);
        return attempt < 3;
      };
      expectObservable(e1.pipe(retryBackoff(backoff({ shouldRetry })))).toBe('9ms #', undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe(['^!', '---^!', '--------^!']);
    });
    expect(asked).toEqual([1, 2, 3]);
  });

  it('should restart the backoff after a value when resetOnSuccess', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-#', undefined, reset);
      const subs = ['^--!', '-----^--!', '----------^!'];
      const expected = '-a----a----(a|)';
      expectObservable(e1.pipe(retryBackoff(backoff({ maxRetries: 2 })), take(3))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should keep counting across values when resetOnSuccess is false', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-#', undefined, reset);
      const subs = ['^--!', '-----^--!', '------------^--!'];
      const expected = '-a----a------a-#';
      const config = backoff({ maxRetries: 2, resetOnSuccess: false });
      expectObservable(e1.pipe(retryBackoff(config))).toBe(expected, undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should pass errors straight through when maxRetries is 0', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-#', undefined, reset);
      expectObservable(e1.pipe(retryBackoff(backoff({ maxRetries: 0 })))).toBe('-#', undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe('^!');
    });
  });

  it('should cancel a pending retry when unsubscribed during the wait', () => {
    const events: RetryEvent[] = [];
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-#', undefined, reset);
      const unsub = '  ^-!';
      const config = backoff({ onRetry: (event) => events.push(event) });
      expectObservable(e1.pipe(retryBackoff(config)), unsub).toBe('---');
      expectSubscriptions(e1.subscriptions).toBe('^!');
    });
    expect(events).toHaveLength(1);
  });

  it('should not break unsubscription chains when result is unsubscribed explicitly', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-#', undefined, reset);
      const subs = ['^--!', '-----^-!'];
      const unsub = '^------!';
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        retryBackoff(backoff()),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe('-a----a-');
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should keep counting when each subscription fails before resetAfterMs has passed', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a-#', undefined, reset);
      const subs = ['^--!', '-----^--!', '------------^--!'];
      const expected = '-a----a------a-#';
      const config = backoff({ maxRetries: 2, resetAfterMs: 3 });
      expectObservable(e1.pipe(retryBackoff(config))).toBe(expected, undefined, reset);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
  });

  it('should reset the count once a subscription has stayed up resetAfterMs past its first value', () => {
    const events: RetryEvent[] = [];
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const e1 = cold('-a----#', undefined, reset);
      const subs = ['^-----!', '--------^-----!', '----------------^!'];
      const expected = '-a-------a-------(a|)';
      const config = backoff({ maxRetries: 1, resetAfterMs: 3, onRetry: (event) => events.push(event) });
      expectObservable(e1.pipe(retryBackoff(config), take(3))).toBe(expected);
      expectSubscriptions(e1.subscriptions).toBe(subs);
    });
    expect(events.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('should pass a non-retryable error through at once with resetAfterMs', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const fatal = new ExchangeError('Request failed: invalid_query_payload', { code: 'invalid_query_payload' });
      const e1 = cold('-a-#', undefined, fatal);
      expectObservable(e1.pipe(retryBackoff(backoff({ resetAfterMs: 3 })))).toBe('-a-#', undefined, fatal);
      expectSubscriptions(e1.subscriptions).toBe('^--!');
    });
  });

  it('should complete, mirror never and not break unsubscription chains with resetAfterMs', () => {
    createScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const done = cold('-a|');
      expectObservable(done.pipe(retryBackoff(backoff({ resetAfterMs: 3 })))).toBe('-a|');
      const e1 = cold('-a-#', undefined, reset);
      const result = e1.pipe(
        mergeMap((x) => of(x)),
        retryBackoff(backoff({ resetAfterMs: 3 })),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, '^------!').toBe('-a----a-');
      expectSubscriptions(e1.subscriptions).toBe(['^--!', '-----^-!']);
      expectObservable(cold('-').pipe(retryBackoff(backoff({ resetAfterMs: 3 })))).toBe('-');
    });
  });
});
