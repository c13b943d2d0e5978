/**
 * A rate-limit budget counted outside the process, so that every process on one egress IP spends one
 * exchange budget together instead of each spending a whole one (see `RedisRateBudget`). The
 * {@link RateLimiter} asks it after its own, local grant; what the store says wins while it answers, and
 * the limiter falls back to its local (adaptive) share when it does not.
 */
import type { RateLimitRule } from './rate-limit-group.js';

/** The answer of {@link SharedRateBudget.take}. */
export type SharedTake =
  /** The units are taken; give them back with `release(token)`. */
  | { readonly kind: 'granted'; readonly token: string; readonly peers: number }
  /** Not enough units now: ask again in `waitMs`. */
  | { readonly kind: 'wait'; readonly waitMs: number; readonly peers: number }
  /**
   * The store did not answer (down, slow, paused after an error): count locally. `peers` is the number
   * of processes last seen spending the budget (1 when never seen), for the local share.
   */
  | { readonly kind: 'local'; readonly peers: number };

/**
 * Units of one rate-limit group counted by every process that shares an exchange budget, with the
 * {@link RateLimiter}'s window semantics: units taken stay spent until released, then for one window
 * and the margin. Implementations never reject: a failing store answers `{ kind: 'local' }`.
 *
 * @example
 * ```ts
 * const take = await budget.take('upbit', { group: 'ticker', limit: 10, windowMs: 1000 }, 1);
 * if (take.kind === 'granted') budget.release('upbit', take.token);
 * ```
 */
export interface SharedRateBudget {
  /** Takes `cost` units of `rule` in the budget of `scope` (an exchange id) when they fit now. */
  take(scope: string, rule: RateLimitRule, cost: number): Promise<SharedTake>;
  /** Gives back the units of a granted take: they return one window (and the margin) from now. */
  release(scope: string, rule: RateLimitRule, token: string): void;
  /** Holds every process's `group` for `durationMs` from now (a 418 block seen by one of them). */
  block(scope: string, group: string, durationMs: number): void;
}

/** A {@link RateLimiter}'s link to a shared budget: the store and the scope its groups are counted in. */
export interface SharedBudgetLink {
  readonly budget: SharedRateBudget;
  /** Names the budget in the store, e.g. the exchange id: `upbit` groups are `upbit:<group>`. */
  readonly scope: string;
  /** Told when a group starts counting in the store (`shared`) or falls back to its local share (`local`). */
  readonly onState?: ((group: string, state: 'shared' | 'local', peers: number) => void) | undefined;
}
