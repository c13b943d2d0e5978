import { VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock for limiter and timer tests: `advanceTo(t)` runs every timer due by `t` and leaves
 * the clock at `t`; `pending()` counts the timers still scheduled.
 */
export function createVirtualClock() {
  const scheduler = new VirtualTimeScheduler();
  const advanceTo = (time: number): void => {
    scheduler.maxFrames = time;
    scheduler.flush();
    scheduler.frame = time;
  };
  return { scheduler, advanceTo, pending: () => scheduler.actions.length };
}
