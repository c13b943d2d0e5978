/**
 * The message budget of one WebSocket connection as sliding windows of the frames actually sent:
 * asked first how long until one more frame fits, spent only when a frame goes out.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';

/**
 * Sliding-window send limits that can be looked at without being spent, for a sender that decides
 * what to send only once a frame is allowed, and may then send nothing (unlike a permit, which spends
 * its unit when it is granted). Remembers the last `limit` send times of each limit: its size depends
 * on the limits, never on how often it is asked. Frames that must go out whatever the state
 * (heartbeats an exchange counts) take a {@link SendBudget.permit} of the same budget.
 *
 * @example
 * ```ts
 * const budget = new SendBudget([{ limit: 5, windowMs: 1_000 }, { limit: 100, windowMs: 60_000 }], asyncScheduler, 250);
 * if (budget.waitMs() === 0) {
 *   budget.spend();
 *   socket.send(frame);
 * }
 * ```
 */
export class SendBudget {
  readonly #windows: { readonly limit: number; readonly windowMs: number; readonly sentAt: number[] }[];
  readonly #scheduler: SchedulerLike;
  readonly #marginMs: number;

  /**
   * @param limits Frames allowed per window (all of them apply); a limit below 1 or a window that is not
   *   positive is a `RangeError`.
   * @param scheduler Clock.
   * @param marginMs How long after its window a frame still counts (arrival jitter at the server).
   */
  constructor(limits: ExchangeWsAdapter['sendLimits'], scheduler: SchedulerLike, marginMs: number) {
    this.#windows = limits.map(({ limit, windowMs }) => {
      if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError(`Invalid send limit: ${limit} per ${windowMs} ms`);
      return { limit: Math.floor(limit), windowMs, sentAt: [] };
    });
    this.#scheduler = scheduler;
    this.#marginMs = marginMs;
  }

  /** Milliseconds until every limit allows one more frame; 0 when one may go now. */
  waitMs(): number {
    const now = this.#scheduler.now();
    let wait = 0;
    for (const { limit, windowMs, sentAt } of this.#windows) {
      if (sentAt.length < limit) continue;
      wait = Math.max(wait, sentAt[sentAt.length - limit]! + windowMs + this.#marginMs - now);
    }
    return wait;
  }

  /** Records one frame sent now. */
  spend(): void {
    const now = this.#scheduler.now();
    for (const { limit, sentAt } of this.#windows) {
      sentAt.push(now);
      if (sentAt.length > limit) sentAt.shift();
    }
  }

  /**
   * A cold Observable that emits once, spending one frame, as soon as the budget allows it (checked
   * and spent in one timer callback, so two waiters never take the same unit).
   *
   * @example
   * ```ts
   * budget.permit().subscribe(() => socket.send('PING'));
   * ```
   */
  permit(): Observable<void> {
    return new Observable<void>((subscriber) => {
      let timer: Subscription | undefined;
      const attempt = (): void => {
        const wait = this.waitMs();
        if (wait > 0) {
          timer = this.#scheduler.schedule(attempt, wait);
          return;
        }
        this.spend();
        subscriber.next();
        subscriber.complete();
      };
      attempt();
      return () => timer?.unsubscribe();
    });
  }
}
