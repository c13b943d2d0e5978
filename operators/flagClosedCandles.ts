import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { Candle } from '../src/model/candle.js';
import type { CandleUpdate } from './candlesFromTrades.js';

/**
 * Turns the candle snapshots an exchange streams (the open candle, resent as trades arrive) into
 * {@link CandleUpdate}s: each snapshot passes through as `closed: false`, and when the first snapshot of a
 * later period arrives, the last snapshot of the period before is emitted again as `closed: true` just
 * before it. Snapshots older than the open period are dropped (a period is final once closed).
 *
 * Exchanges do not say when a period ends, so the close is only known when the next period's first
 * candle arrives; a quiet market closes late. Completion does not close the open candle (its period
 * may still be running); errors pass through. Candles are kept apart per `exchange` + `market` +
 * `interval`, so a merged stream works. State is per subscription.
 *
 * ```
 * source (periods 0 0 1):  --a--b--c--|
 * flagClosedCandles():     --A--B--(XC)--|   A B C open (closed: false), X = b closed (closed: true)
 * ```
 *
 * @example
 * ```ts
 * import { flagClosedCandles } from 'market-data-backbone/operators';
 * wsCandles$.pipe(flagClosedCandles()).subscribe((c) => (c.closed ? store.append(c) : chart.update(c)));
 * ```
 * @returns An operator from candle snapshots to candle updates with a `closed` flag.
 * @see {@link candlesFromTrades} to build the same updates from trades.
 */
export function flagClosedCandles(): OperatorFunction<Candle, CandleUpdate> {
  return (source) =>
    new Observable<CandleUpdate>((subscriber) => {
      const open = new Map<string, Candle>();
      return source.subscribe({
        next: (candle) => {
          const key = `${candle.exchange}|${candle.market}|${candle.interval}`;
          const previous = open.get(key);
          if (previous !== undefined) {
            if (candle.openTime < previous.openTime) return;
            if (candle.openTime > previous.openTime) subscriber.next({ ...previous, closed: true });
          }
          open.set(key, candle);
          subscriber.next({ ...candle, closed: false });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
