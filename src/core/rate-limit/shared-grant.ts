/**
 * The second half of a {@link RateLimiter} grant when a {@link SharedRateBudget} is linked: after the
 * local grant, the store's, asked again after each `wait` it answers. Kept apart from the limiter, whose
 * own bookkeeping is synchronous.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { RateLimitRule } from './rate-limit-group.js';
import type { SharedBudgetLink, SharedTake } from './shared-budget.js';

/** Units held in the store, or none (`undefined`: counted locally only). */
export type SharedHold = { readonly release: () => void } | undefined;

/** What {@link takeShared} needs besides the link. */
export interface SharedGrantContext {
  readonly scheduler: SchedulerLike;
  /** Told of each answer, before it is acted upon (state changes, the local share). */
  readonly onAnswer: (take: SharedTake) => void;
}

/**
 * A cold observable of one shared grant: emits once when the store grants `cost` units of `rule` (a hold
 * to release), or when the store cannot answer (`undefined`: the caller counts locally), then completes.
 * Unsubscribing before that gives back units granted later.
 *
 * @example
 * ```ts
 * takeShared(link, rule, 1, { scheduler: asyncScheduler, onAnswer: () => undefined }).subscribe((hold) => hold?.release());
 * ```
 */
export function takeShared(link: SharedBudgetLink, rule: RateLimitRule, cost: number, context: SharedGrantContext): Observable<SharedHold> {
  const { budget, scope } = link;
  return new Observable<SharedHold>((subscriber) => {
    let timer: Subscription | undefined;
    const attempt = (): void => {
      timer = undefined;
      budget
        .take(scope, rule, cost)
        .catch((): SharedTake => ({ kind: 'local', peers: 1 }))
        .then((take) => {
          if (subscriber.closed) {
            if (take.kind === 'granted') budget.release(scope, rule, take.token);
            return;
          }
          context.onAnswer(take);
          if (take.kind === 'wait') {
            timer = context.scheduler.schedule(attempt, Math.max(1, take.waitMs));
            return;
          }
          subscriber.next(take.kind === 'granted' ? { release: () => budget.release(scope, rule, take.token) } : undefined);
          subscriber.complete();
        });
    };
    attempt();
    return () => timer?.unsubscribe();
  });
}
