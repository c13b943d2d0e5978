// Placeholder: the RateLimiter is being written (see operators/rateLimit.ts). Interface fixed here.
import type { Observable, SchedulerLike } from 'rxjs';

/** A limit the exchange enforces: at most `limit` cost units per `windowMs` in `group`. */
export interface RateLimitRule {
  readonly group: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** What a server reply says about a group's budget: `remaining` units left in its current window. */
export interface RateLimitFeedback {
  readonly group: string;
  readonly remaining: number;
}

export interface RateLimiterOptions {
  readonly scheduler?: SchedulerLike;
  readonly safetyMarginMs?: number;
  readonly defaultRule?: Omit<RateLimitRule, 'group'>;
}

export declare class RateLimiter {
  constructor(rules: readonly RateLimitRule[], options?: RateLimiterOptions);
  acquire(group: string, cost?: number): Observable<void>;
  update(feedback: RateLimitFeedback): void;
  block(group: string, untilMs: number): void;
  blockedUntil(group: string): number;
}
