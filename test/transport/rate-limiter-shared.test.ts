/**
 * The RateLimiter's side of a shared budget, against a scripted store: the local grant comes first, the
 * store's answers are obeyed (wait, grant, count locally), and nothing leaks when a caller leaves early.
 */
import { firstValueFrom, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimitRule, type SharedRateBudget, type SharedTake } from 'market-data-backbone';

/** A store answering from a script (then `granted`), logging every call. */
function scriptedBudget(answers: SharedTake[]): SharedRateBudget & { readonly log: string[] } {
  const log: string[] = [];
  let tokens = 0;
  return {
    log,
    take: async (scope: string, rule: RateLimitRule, cost: number) => {
      log.push(`take ${scope}:${rule.group} ${cost}`);
      return answers.shift() ?? { kind: 'granted', token: `t${++tokens}`, peers: 1 };
    },
    release: (scope: string, _rule: RateLimitRule, token: string) => void log.push(`release ${scope} ${token}`),
    block: (scope: string, group: string, durationMs: number) => void log.push(`block ${scope}:${group} ${durationMs > 0}`),
  };
}

const rule: RateLimitRule = { group: 'ticker', limit: 2, windowMs: 1_000 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RateLimiter with a shared budget', () => {
  it('should ask the store after the local grant, wait as told, and give both back on release', async () => {
    const budget = scriptedBudget([{ kind: 'wait', waitMs: 30, peers: 2 }]);
    const states: string[] = [];
    const waits: number[] = [];
    const limiter = new RateLimiter([rule], {
      onGrant: (_group, waitedMs) => waits.push(waitedMs),
      shared: { budget, scope: 'upbit', onState: (group, state, peers) => states.push(`${group} ${state} ${peers}`) },
    });
    const lease = await firstValueFrom(limiter.lease('ticker'));
    expect(budget.log).toEqual(['take upbit:ticker 1', 'take upbit:ticker 1']);
    expect(states).toEqual(['ticker shared 2']);
    // One report per grant, the store's wait included (the local grant alone was immediate).
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(25);
    lease.release();
    expect(budget.log.at(-1)).toBe('release upbit t1');
  });

  it('should not ask the store for a caller still queued locally', async () => {
    const budget = scriptedBudget([{ kind: 'wait', waitMs: 20, peers: 1 }]);
    const limiter = new RateLimiter([{ ...rule, limit: 1 }], { shared: { budget, scope: 'upbit' } });
    const first: Subscription = limiter.lease('ticker').subscribe();
    const second: Subscription = limiter.lease('ticker').subscribe();
    await sleep(50);
    // The second caller holds no local unit yet: only the first one asked the store (twice: wait, then granted).
    expect(budget.log).toEqual(['take upbit:ticker 1', 'take upbit:ticker 1']);
    first.unsubscribe();
    second.unsubscribe();
  });

  it('should give back units the store grants after the caller left', async () => {
    const budget = scriptedBudget([]);
    let answer: ((take: SharedTake) => void) | undefined;
    const slow: SharedRateBudget = { ...budget, take: () => new Promise<SharedTake>((resolve) => (answer = resolve)) };
    const limiter = new RateLimiter([rule], { shared: { budget: slow, scope: 'upbit' } });
    const leases: unknown[] = [];
    const caller = limiter.lease('ticker').subscribe((lease) => leases.push(lease));
    await sleep(5);
    caller.unsubscribe();
    answer!({ kind: 'granted', token: 'late', peers: 1 });
    await sleep(5);
    expect(leases).toEqual([]);
    expect(budget.log).toEqual(['release upbit late']);
  });

  it('should count locally at its share of the processes last seen when the store cannot answer', async () => {
    const budget = scriptedBudget([{ kind: 'granted', token: 'a', peers: 4 }, { kind: 'local', peers: 4 }]);
    const states: string[] = [];
    const limiter = new RateLimiter([{ ...rule, limit: 8 }], { shared: { budget, scope: 'upbit', onState: (group, state, peers) => states.push(`${group} ${state} ${peers}`) } });
    (await firstValueFrom(limiter.lease('ticker'))).release();
    (await firstValueFrom(limiter.lease('ticker'))).release();
    expect(states).toEqual(['ticker shared 4', 'ticker local 4']);
    // 8 a window over 4 processes: 2 each.
    expect(limiter.limit('ticker')).toBe(2);
  });

  it('should tell the store of a block, so every process holds the group', () => {
    const budget = scriptedBudget([]);
    const limiter = new RateLimiter([rule], { shared: { budget, scope: 'upbit' } });
    limiter.block('ticker', limiter.now() + 60_000);
    expect(budget.log).toEqual(['block upbit:ticker true']);
  });
});
