/**
 * The clock behind the operators that price snapshots of several legs (`arbitrage`, `consolidateBooks`):
 * each source value is priced at once, and the last one is priced again at the exact moment its next
 * fresh leg turns stale, since no new value need arrive for that.
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Prices every value of `source` with `compute(value, scheduler.now())`, and re-prices the last one at its
 * `nextStaleAt` (a new value cancels that timer and starts over). Errors and completion pass through (a
 * pending re-pricing is dropped); a throw of `compute` errors the output.
 *
 * @example
 * ```ts
 * const snapshots$ = priceUntilStale(legs$, (legs, at) => computeArbitrage(legs, at, options), asyncScheduler);
 * ```
 */
export function priceUntilStale<I, O extends { readonly nextStaleAt: number | undefined }>(
  source: Observable<I>,
  compute: (input: I, at: number) => O,
  scheduler: SchedulerLike,
): Observable<O> {
  return new Observable<O>((subscriber) => {
    let timer: Subscription | undefined;
    const price = (input: I): void => {
      timer?.unsubscribe();
      timer = undefined;
      let output: O;
      try {
        output = compute(input, scheduler.now());
      } catch (error: unknown) {
        subscriber.error(error);
        return;
      }
      subscriber.next(output);
      // A consumer may have unsubscribed from inside `next`; a timer armed now would outlive the teardown.
      if (output.nextStaleAt !== undefined && !subscriber.closed) wait(input, output.nextStaleAt);
    };
    // Real timers may fire a little early by the wall clock: wait out the rest rather than re-emit unchanged flags.
    const wait = (input: I, staleAt: number): void => {
      const left = staleAt - scheduler.now();
      timer = left > 0 ? scheduler.schedule(() => wait(input, staleAt), left) : undefined;
      if (left <= 0) price(input);
    };
    const subscription = source.subscribe({
      next: price,
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      timer?.unsubscribe();
      subscription.unsubscribe();
    };
  });
}
