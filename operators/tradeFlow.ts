import { asyncScheduler, Observable } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { planTradeFlow, TradeFlowSums } from '../src/model/trade-flow.js';
import type { TradeFlow, TradeFlowOptions } from '../src/model/trade-flow.js';
import type { Trade } from '../src/model/trade.js';

/** Configuration of {@link tradeFlow}: the window, the precision, and the clock. */
export interface TradeFlowConfig extends TradeFlowOptions {
  /** Scheduler whose `now()` is the window's end and which times trades leaving it. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Buy and sell volume and notional, their imbalance, VWAP and trade count over a sliding window of the last
 * `windowMs` ms ({@link computeTradeFlow}). A trade received at `t` (its `receivedAt`, on the scheduler's
 * clock) counts from `t` until just before `t + windowMs`: at `t + windowMs` exactly it has left. The operator
 * emits the flow when each trade arrives, and again at the moment each trade leaves, without waiting for
 * another trade; a trade already outside the window when it arrives is not counted. The sums are exact (a
 * leaving trade is subtracted, not re-summed). Errors and completion pass through (pending departures are
 * dropped); state is per subscription.
 *
 * ```
 * windowMs: 5; trades received at 2 and 4
 * source:     --a-b--------|
 * tradeFlow:  --A-B--C-D---|     A: a, B: a + b, C (7): b, D (9): empty
 * ```
 *
 * @example
 * ```ts
 * import { tradeFlow } from 'market-data-backbone/operators';
 * trade$.pipe(tradeFlow({ windowMs: 60_000 })).subscribe((f) =>
 *   console.log(`1 min: ${f.count} trades, buy ${f.buyVolume.toFixed()} / sell ${f.sellVolume.toFixed()}, vwap ${f.vwap?.toFixed(0) ?? '-'}`));
 * ```
 * @param config Window in ms, precision and scheduler.
 * @returns An operator from trades to the window's flow, re-emitted as trades leave.
 */
export function tradeFlow(config: TradeFlowConfig): OperatorFunction<Trade, TradeFlow> {
  const { scheduler = asyncScheduler, ...options } = config;
  const { windowMs, divide } = planTradeFlow(options);
  return (source) =>
    new Observable<TradeFlow>((subscriber) => {
      const held: Trade[] = []; // in the window, oldest `receivedAt` first
      const sums = new TradeFlowSums();
      let timer: Subscription | undefined;
      const update = (): void => {
        const now = scheduler.now();
        while (held.length > 0 && held[0]!.receivedAt <= now - windowMs) sums.apply(held.shift()!, -1);
        subscriber.next(sums.toFlow(now, windowMs, divide));
        timer?.unsubscribe();
        timer = undefined;
        // A consumer may have unsubscribed from inside `next`: a timer armed now would outlive the teardown.
        if (held.length > 0 && !subscriber.closed) wait(held[0]!.receivedAt + windowMs);
      };
      // Real timers may fire a little early by the wall clock: wait out the rest rather than emit an unchanged flow.
      const wait = (leavesAt: number): void => {
        const left = leavesAt - scheduler.now();
        if (left > 0) timer = scheduler.schedule(() => wait(leavesAt), left);
        else update();
      };
      const add = (trade: Trade): void => {
        if (trade.receivedAt > scheduler.now() - windowMs) {
          let i = held.length;
          while (i > 0 && held[i - 1]!.receivedAt > trade.receivedAt) i--;
          held.splice(i, 0, trade);
          sums.apply(trade, 1);
        }
        update();
      };
      const subscription = source.subscribe({
        next: add,
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
