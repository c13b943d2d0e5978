/**
 * The shared, per-group request budget of one exchange endpoint (see {@link RateLimiter}).
 */
import { asyncScheduler, map, Observable, Subscription as RxSubscription, type SchedulerLike } from 'rxjs';
import type { SharedBudgetLink, SharedTake } from './shared-budget.js';
import { takeShared, type SharedHold } from './shared-grant.js';
import { computeWaitMs, createGroupState, limitNow, pruneGroup, spendUnits, type GroupState, type RateLimitRule, type Spend, type Waiter } from './rate-limit-group.js';

export type { RateLimitRule };

/** What a server reply says about a group's budget: `remaining` units left in its current window. */
export interface RateLimitFeedback {
  readonly group: string;
  readonly remaining: number;
}

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Clock and timers; inject a `TestScheduler` for virtual time. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Extra time a spent unit stays spent after its window, in ms: covers clock skew and network jitter
   * between our clock and the server's window boundaries.
   * @default 25
   */
  readonly safetyMarginMs?: number;
  /** Rule for groups not listed in `rules`; without it such groups are unlimited. @default undefined */
  readonly defaultRule?: Omit<RateLimitRule, 'group'>;
  /**
   * After {@link RateLimiter.refused} halved a group's share, windows after which a tenth of its limit
   * (at least one unit) comes back; at least every 10 s for long windows. @default 5
   */
  readonly shareRecoverWindows?: number;
  /**
   * Told of every grant: the group, how long the caller waited (ms: its queue here and, with `shared`,
   * the shared budget) and the units spent (metrics: the time spent waiting for the budget).
   * @default undefined (nothing is told)
   */
  readonly onGrant?: ((group: string, waitedMs: number, cost: number) => void) | undefined;
  /**
   * A budget counted with other processes (every process on one egress IP: `RedisRateBudget`): each
   * local grant of a group with a rule also takes its units there, waiting while the store says so.
   * When the store cannot answer, grants are local only and the group assumes its share of the limit
   * (the limit divided by the processes last seen), adapting from there as after refusals.
   * @default undefined (this process's own count only)
   */
  readonly shared?: SharedBudgetLink | undefined;
}


/**
 * Units granted by {@link RateLimiter.lease}: they stay spent until `release()`, then one more window.
 * `release()` may be called more than once; only the first counts.
 */
export interface RateLimitLease {
  release(): void;
}


/**
 * A per-group rate limiter shared by every caller of a group (one instance per exchange endpoint).
 *
 * Each unit spent comes back `windowMs + safetyMarginMs` after it was spent, so no interval of
 * `windowMs` ever sees more than `limit` units: that holds for fixed server windows (each one is
 * such an interval) and for sliding ones alike. A classic burst-plus-refill bucket does not: with 10/s
 * it lets 10 requests through at once and then refills one every 100 ms, i.e. 19 requests within one
 * second, and the server answers 429 (then 418).
 *
 * On top of the bucket, the server's own word wins: {@link RateLimiter.update} caps the units left
 * in the server's current window (Upbit's `Remaining-Req: ...; sec=n`), {@link RateLimiter.block}
 * stops a group until a 418 block ends. Waiters are served strictly FIFO per group, so a large cost
 * is never overtaken. Groups without a rule (and no `defaultRule`) are unlimited: they are only held
 * back by {@link RateLimiter.block}, and `update` is ignored for them since they have no window.
 *
 * All timing goes through the injected scheduler (`now()` and `schedule()`), at most one timer per
 * group, and none while a group's queue is empty.
 *
 * @example
 * ```ts
 * import { RateLimiter } from 'market-data-backbone';
 * const limiter = new RateLimiter([{ group: 'ticker', limit: 10, windowMs: 1000 }]);
 * limiter.acquire('ticker').subscribe(() => void fetch('https://api.upbit.com/v1/ticker?markets=KRW-BTC'));
 * ```
 */
export class RateLimiter {
  readonly #rules = new Map<string, RateLimitRule>();
  readonly #groups = new Map<string, GroupState>();
  readonly #scheduler: SchedulerLike;
  readonly #marginMs: number;
  readonly #defaultRule: Omit<RateLimitRule, 'group'> | undefined;
  readonly #recoverWindows: number;
  readonly #onGrant: RateLimiterOptions['onGrant'];
  readonly #shared: SharedBudgetLink | undefined;
  /** Where each group with a shared budget counts now. */
  readonly #sharedStates = new Map<string, 'shared' | 'local'>();

  constructor(rules: readonly RateLimitRule[], options: RateLimiterOptions = {}) {
    const { scheduler = asyncScheduler, safetyMarginMs = 25, defaultRule, shareRecoverWindows = 5 } = options;
    if (!(safetyMarginMs >= 0)) throw new RangeError(`Invalid safetyMarginMs: ${safetyMarginMs}`);
    if (!(shareRecoverWindows > 0)) throw new RangeError(`Invalid shareRecoverWindows: ${shareRecoverWindows}`);
    this.#recoverWindows = shareRecoverWindows;
    for (const rule of [...rules, ...(defaultRule ? [{ ...defaultRule, group: '(default)' }] : [])]) {
      if (!(rule.limit > 0) || !(rule.windowMs > 0)) {
        throw new RangeError(`Invalid rate limit rule: ${rule.group} ${rule.limit}/${rule.windowMs} ms`);
      }
    }
    for (const rule of rules) {
      if (this.#rules.has(rule.group)) throw new RangeError(`Duplicate rate limit rule: ${rule.group}`);
      this.#rules.set(rule.group, rule);
    }
    this.#scheduler = scheduler;
    this.#marginMs = safetyMarginMs;
    this.#defaultRule = defaultRule;
    this.#onGrant = options.onGrant;
    this.#shared = options.shared;
  }

  /**
   * Waits for the group's turn: the cold observable joins the group's FIFO queue on subscribe and
   * emits once, then completes, when `cost` units may be spent (they are spent at that moment).
   * Unsubscribing before that leaves the queue. Errors with a `RangeError` if `cost` can never fit.
   *
   * @example
   * ```ts
   * const ticker$ = limiter.acquire('ticker').pipe(switchMap(() => from(fetchTicker())));
   * ```
   */
  acquire(group: string, cost = 1): Observable<void> {
    // Taken in a shared store, units are counted like a lease given back at once.
    if (this.#shared !== undefined) return this.lease(group, cost).pipe(map((lease) => lease.release()));
    return new Observable<void>((subscriber) => {
      const queued = this.#enqueue(group, cost, false, true, () => {
        subscriber.next();
        subscriber.complete();
      });
      if (queued instanceof RangeError) subscriber.error(queued);
      return queued instanceof RangeError ? undefined : queued;
    });
  }

  /**
   * Like {@link RateLimiter.acquire}, for a request whose arrival time at the server is not known: the
   * units stay spent until the lease is released (when the reply is in), and come back one window plus
   * the margin after that. The exchange counts a request when it arrives, somewhere between the grant
   * and the reply; a unit returned a window after the grant can meet the next request in one server
   * window when the first one travelled slowly (a browser measured ~30 ms between permit and send), one
   * returned a window after the reply never can.
   *
   * @example
   * ```ts
   * const reply$ = limiter.lease('ticker').pipe(
   *   concatMap((lease) => from(fetchTicker()).pipe(finalize(() => lease.release()))),
   * );
   * ```
   */
  lease(group: string, cost = 1): Observable<RateLimitLease> {
    const shared = this.#shared;
    const rule = shared === undefined ? undefined : this.rule(group);
    if (shared === undefined || rule === undefined) return this.#localLease(group, cost, true);
    // The wait is reported once both grants are in.
    const local$ = this.#localLease(group, cost, false);
    // The local grant first (this process's FIFO and share), then the store's.
    return new Observable<RateLimitLease>((subscriber) => {
      const queuedAt = this.now();
      let local: RateLimitLease | undefined;
      let granted = false;
      const onAnswer = (take: SharedTake): void => this.#sharedAnswer(group, take);
      const grant = (lease: RateLimitLease, hold: SharedHold): void => {
        granted = true;
        this.#onGrant?.(group, this.now() - queuedAt, cost);
        subscriber.next({
          release: () => {
            lease.release();
            hold?.release();
          },
        });
        subscriber.complete();
      };
      const inner = new RxSubscription();
      inner.add(
        local$.subscribe({
          next: (lease) => {
            local = lease;
            inner.add(takeShared(shared, rule, cost, { scheduler: this.#scheduler, onAnswer }).subscribe((hold) => grant(lease, hold)));
          },
          error: (error: unknown) => subscriber.error(error),
        }),
      );
      return () => {
        inner.unsubscribe();
        if (!granted) local?.release();
      };
    });
  }

  /** {@link RateLimiter.lease} of this process's own count. */
  #localLease(group: string, cost: number, report: boolean): Observable<RateLimitLease> {
    return new Observable<RateLimitLease>((subscriber) => {
      const queued = this.#enqueue(group, cost, true, report, (spend) => {
        let released = false;
        subscriber.next({
          release: () => {
            if (released) return;
            released = true;
            this.#release(group, spend);
          },
        });
        subscriber.complete();
      });
      if (queued instanceof RangeError) subscriber.error(queued);
      return queued instanceof RangeError ? undefined : queued;
    });
  }

  /**
   * Applies the server's word: no more than `remaining` further units are granted to the group before
   * one window (plus the safety margin) has passed. `remaining: 0` holds the group for a full window.
   *
   * @example
   * ```ts
   * limiter.update({ group: 'ticker', remaining: 0 }); // Remaining-Req: group=ticker; min=600; sec=0
   * ```
   */
  update(feedback: RateLimitFeedback): void {
    const state = this.#state(feedback.group);
    if (state.rule === undefined) return;
    const remaining = Math.max(0, feedback.remaining);
    // The bucket alone never grants more than `limit` per window; a larger cap adds nothing.
    if (remaining >= state.rule.limit) return;
    state.caps.push({ until: this.now() + state.rule.windowMs + this.#marginMs, remaining });
    this.#drain(state);
  }

  /**
   * Grants nothing to `group` until `untilMs` (scheduler time), e.g. after an HTTP 418 block.
   * A shorter block never shortens a longer one.
   *
   * @example
   * ```ts
   * limiter.block('ticker', limiter.now() + error.retryAfterMs);
   * ```
   */
  block(group: string, untilMs: number): void {
    if (this.#shared !== undefined && untilMs > this.now()) this.#shared.budget.block(this.#shared.scope, group, untilMs - this.now());
    const state = this.#state(group);
    state.blockedUntil = Math.max(state.blockedUntil, untilMs);
    this.#drain(state);
  }

  /**
   * The time (scheduler ms) until which `group` is blocked; a value ≤ {@link RateLimiter.now} (0 when
   * never blocked) means it is not.
   *
   * @example
   * ```ts
   * if (limiter.blockedUntil('ticker') > limiter.now()) status = 'blocked';
   * ```
   */
  blockedUntil(group: string): number {
    return this.#groups.get(group)?.blockedUntil ?? 0;
  }

  /**
   * How many requests wait in the group's queue.
   *
   * @example
   * ```ts
   * metrics.gauge('ratelimit.queued', limiter.queued('ticker'));
   * ```
   */
  queued(group: string): number {
    return this.#groups.get(group)?.queue.length ?? 0;
  }

  /**
   * Units that could be granted right now, ignoring the queue: 0 while blocked, `Infinity` for an
   * unlimited group.
   *
   * @example
   * ```ts
   * limiter.available('ticker'); // 10 on a fresh 10/s limiter
   * ```
   */
  available(group: string): number {
    const state = this.#state(group);
    const now = this.now();
    pruneGroup(state, now);
    if (state.blockedUntil > now) return 0;
    const capped = state.caps.reduce((least, cap) => Math.min(least, cap.remaining), Infinity);
    return Math.min(limitNow(state, now) - state.inFlight, capped);
  }

  /**
   * The limit in force for `group` per window: the rule's, or less after {@link RateLimiter.refused}
   * (growing back a tenth of the rule every `shareRecoverWindows` windows); `Infinity` when unlimited.
   *
   * @example
   * ```ts
   * limiter.refused('ticker');
   * limiter.limit('ticker'); // 5 of Upbit's 10 per second, for the next five seconds
   * ```
   */
  limit(group: string): number {
    return limitNow(this.#state(group), this.now());
  }

  /**
   * The server refused a request of `group` (429 or 418) that this limiter had let through: someone
   * else may spend the same budget (another process on this IP or account). Halves the group's share,
   * at most once per window, and lets it grow back while no refusal comes, so that clients sharing a
   * budget settle on fair shares instead of escalating to a block. Each cut is then judged: when
   * refusals go on at no lower a fraction (random 429s of a busy gateway, not a crowd), the cut is
   * given back and that fraction is tolerated from then on (see `share-tracker.ts`).
   *
   * @example
   * ```ts
   * if (reply.status === 429) limiter.refused('ticker');
   * ```
   */
  refused(group: string): void {
    this.#state(group).share?.refused(this.now());
  }

  /**
   * The rule that applies to `group` (its own or the default), or `undefined` when it is unlimited.
   *
   * @example
   * ```ts
   * limiter.rule('ticker')?.windowMs; // 1000
   * ```
   */
  rule(group: string): RateLimitRule | undefined {
    return this.#state(group).rule;
  }

  /**
   * The limiter's clock (the scheduler's `now()`), the time base of `block` and `blockedUntil`.
   *
   * @example
   * ```ts
   * limiter.block('ticker', limiter.now() + 60_000);
   * ```
   */
  now(): number {
    return this.#scheduler.now();
  }

  /**
   * A shared store's answer for `group`: on a change between counting there and counting locally, the
   * group takes the whole rule (the store counts everyone) or its share of it (the limit over the
   * processes last seen; refusals adapt it from there), and the link is told.
   */
  #sharedAnswer(group: string, take: SharedTake): void {
    const where = take.kind === 'local' ? 'local' : 'shared';
    if (this.#sharedStates.get(group) === where) return;
    this.#sharedStates.set(group, where);
    const state = this.#state(group);
    const limit = state.rule === undefined || where === 'shared' || take.peers <= 1 ? undefined : state.rule.limit / take.peers;
    state.share?.assume(limit, this.now());
    this.#shared?.onState?.(group, where, take.peers);
  }

  /** Queues a waiter; returns its teardown (leave the queue), or the error of a cost that can never fit. */
  #enqueue(group: string, cost: number, held: boolean, report: boolean, grant: Waiter['grant']): (() => void) | RangeError {
    const state = this.#state(group);
    const limit = state.rule?.limit ?? Infinity;
    if (!(cost >= 0) || cost > limit) return new RangeError(`Invalid cost for rate limit group ${group}: ${cost} (limit ${limit})`);
    const waiter: Waiter = { cost, held, grant, queuedAt: this.#onGrant === undefined || !report ? undefined : this.now() };
    state.queue.push(waiter);
    this.#drain(state);
    return () => {
      const index = state.queue.indexOf(waiter);
      if (index < 0) return;
      state.queue.splice(index, 1);
      // A smaller cost may now head the queue, or the queue is empty and the timer must go.
      if (index === 0) this.#drain(state);
    };
  }

  /** Ends a lease: its units come back one window plus the margin from now. */
  #release(group: string, spend: Spend | undefined): void {
    if (spend === undefined) return;
    const state = this.#state(group);
    spend.returnAt = this.now() + (state.rule?.windowMs ?? 0) + this.#marginMs;
    // Kept in return order: pruning and waiting read the earliest returns first.
    state.spends.sort((a, b) => a.returnAt - b.returnAt);
    this.#drain(state);
  }

  #state(group: string): GroupState {
    let state = this.#groups.get(group);
    if (state === undefined) {
      const rule = this.#rules.get(group) ?? (this.#defaultRule ? { ...this.#defaultRule, group } : undefined);
      state = createGroupState(group, rule, this.#recoverWindows);
      this.#groups.set(group, state);
    }
    return state;
  }

  /** Grants what can be granted now, then leaves exactly one timer for the queue's head (or none). */
  #drain(state: GroupState): void {
    // A grant runs subscriber code that may re-enter (acquire, update); the running loop sees it all.
    if (state.draining) return;
    state.draining = true;
    try {
      state.timer?.unsubscribe();
      state.timer = undefined;
      const now = this.now();
      pruneGroup(state, now);
      let head = state.queue[0];
      while (head !== undefined) {
        const waitMs = computeWaitMs(state, head.cost, now, limitNow(state, now));
        // Units held by leases come back on release, which drains again: no timer until then.
        if (waitMs === Infinity) return;
        if (waitMs > 0) {
          state.timer = this.#scheduler.schedule(() => {
            state.timer = undefined;
            this.#drain(state);
          }, waitMs);
          return;
        }
        state.queue.shift();
        if (head.queuedAt !== undefined) this.#onGrant?.(state.group, now - head.queuedAt, head.cost);
        head.grant(spendUnits(state, head.cost, now, head.held ? Infinity : this.#marginMs));
        head = state.queue[0];
      }
    } finally {
      state.draining = false;
    }
  }
}
