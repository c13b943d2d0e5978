import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { Candle, CandleInterval } from '../src/model/candle.js';
import { Big } from '../src/model/decimal.js';
import type { Trade } from '../src/model/trade.js';
import { nextPeriod, periodStart } from '../src/model/candle-periods.js';

/**
 * A candle emitted by {@link candlesFromTrades}: `closed: false` while its period is still open (the
 * values may still change), `closed: true` once it is final. `filled: true` marks a flat candle invented
 * for a period without trades (only with `fillGaps`); real candles have no `filled` field.
 */
export type CandleUpdate = Candle & { readonly closed: boolean; readonly filled?: true };

/** Configuration of {@link candlesFromTrades}. */
export interface CandlesFromTradesConfig {
  /**
   * `'updates'`: the open candle after every trade (`closed: false`), then the final one (`closed: true`).
   * `'closed'`: only final candles.
   * @default 'updates'
   */
  readonly emit?: 'updates' | 'closed';
  /**
   * Emit a flat candle (open = high = low = close = the previous close, zero volumes, `filled: true`,
   * `closed: true`, `timestamp`/`receivedAt` of the previous candle) for every period without trades
   * between two candles of a market. Upbit has no candle for such periods, hence off by default. A gap
   * of n periods emits n candles at once when the next trade arrives (mind `'1s'` on a quiet market).
   * @default false
   */
  readonly fillGaps?: boolean;
  /**
   * Called with a trade older than its market's open candle period; that trade is ignored (its candle
   * was already closed). Count or log them here. Trades from the library's streams are already ordered.
   * @default undefined (late trades are dropped silently)
   */
  readonly onLateTrade?: (trade: Trade) => void;
}

/** The candle being built for one market; mutable, copied into a {@link CandleUpdate} on emission. */
interface OpenCandle {
  readonly openTime: number;
  readonly open: Big;
  high: Big;
  low: Big;
  close: Big;
  baseVolume: Big;
  quoteVolume: Big;
  last: Trade;
}

/**
 * Builds OHLCV candles of `interval` from a stream of trades, the way Upbit aggregates them.
 *
 * Periods are aligned to UTC (`1d` at 00:00 UTC, `1w` on Monday, `1M` on the 1st, `1y` on Jan 1; see
 * {@link periodStart}) and a trade's period is taken from its exchange `timestamp`, never from the
 * clock: a replayed history gives the same candles as a live stream. `open`/`close` are the first/last
 * trade's price, `baseVolume` = Σ amount, `quoteVolume` = Σ price × amount (exact `Big`), `timestamp`
 * and `receivedAt` those of the last trade, `openTime` the period start. A period without trades has no
 * candle. The open candle is closed when a trade of a later period arrives or when the source completes;
 * on error the open candle is dropped and the error passes through. Trades are kept apart per
 * `exchange` + `market`, so a merged stream of several markets works; within a period trades count in
 * arrival order. State is per subscription.
 *
 * ```
 * source (trades of minutes 0 0 0 1):  --a--b--c--d-----|
 * candlesFromTrades('1m'):             --A--B--C--(XD)--(Y|)   A B C D open (closed: false)
 * emit: 'closed':                      -----------X-----(Y|)   X Y final (closed: true)
 * ```
 *
 * @example
 * ```ts
 * import { candlesFromTrades } from 'market-data-backbone/operators';
 * trades$.pipe(candlesFromTrades('1m')).subscribe((candle) => chart.update(candle));
 * trades$.pipe(candlesFromTrades('1h', { emit: 'closed' })).subscribe(store.append);
 * ```
 * @param interval Candle interval (`'1s'` … `'1y'`).
 * @param config What to emit, gap filling and the late-trade hook.
 * @returns An operator from trades to candle updates (open ones and final ones).
 * @see {@link dedupeBy} to drop trades resent after a reconnect before building candles.
 */
export function candlesFromTrades(interval: CandleInterval, config: CandlesFromTradesConfig = {}): OperatorFunction<Trade, CandleUpdate> {
  const { emit = 'updates', fillGaps = false, onLateTrade } = config;

  return (source) =>
    new Observable<CandleUpdate>((subscriber) => {
      const candles = new Map<string, OpenCandle>();
      const close = (candle: OpenCandle, nextStart?: number): void => {
        subscriber.next(toCandleUpdate(candle, interval, true));
        if (!fillGaps || nextStart === undefined) return;
        for (let start = nextPeriod(interval, candle.openTime); start < nextStart; start = nextPeriod(interval, start)) {
          subscriber.next(gapCandle(candle, interval, start));
        }
      };
      return source.subscribe({
        next: (trade) => {
          try {
            const key = `${trade.exchange}\u0000${trade.market}`;
            const start = periodStart(interval, trade.timestamp);
            let candle = candles.get(key);
            if (candle !== undefined && start < candle.openTime) {
              onLateTrade?.(trade);
              return;
            }
            if (candle !== undefined && start === candle.openTime) {
              addTrade(candle, trade);
            } else {
              if (candle !== undefined) close(candle, start);
              candle = openCandle(trade, start);
              candles.set(key, candle);
            }
            if (emit === 'updates') subscriber.next(toCandleUpdate(candle, interval, false));
          } catch (error: unknown) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          for (const candle of candles.values()) close(candle);
          subscriber.complete();
        },
      });
    });
}

function openCandle(trade: Trade, openTime: number): OpenCandle {
  const { price, amount } = trade;
  const quoteVolume = price.times(amount);
  return { openTime, open: price, high: price, low: price, close: price, baseVolume: amount, quoteVolume, last: trade };
}

function addTrade(candle: OpenCandle, trade: Trade): void {
  const { price, amount } = trade;
  if (price.gt(candle.high)) candle.high = price;
  if (price.lt(candle.low)) candle.low = price;
  candle.close = price;
  candle.baseVolume = candle.baseVolume.plus(amount);
  candle.quoteVolume = candle.quoteVolume.plus(price.times(amount));
  candle.last = trade;
}

function toCandleUpdate(candle: OpenCandle, interval: CandleInterval, closed: boolean): CandleUpdate {
  const { exchange, symbol, market, timestamp, receivedAt } = candle.last;
  const { openTime, open, high, low, close, baseVolume, quoteVolume } = candle;
  return {
    type: 'candle', exchange, symbol, market, timestamp, receivedAt, interval,
    openTime, open, high, low, close, baseVolume, quoteVolume, closed,
  };
}

const ZERO = new Big(0);

/** The flat candle of a period without trades after `candle`: its close, zero volumes, `filled: true`. */
function gapCandle(candle: OpenCandle, interval: CandleInterval, openTime: number): CandleUpdate {
  const price = candle.close;
  const flat = { openTime, open: price, high: price, low: price, baseVolume: ZERO, quoteVolume: ZERO };
  return { ...toCandleUpdate(candle, interval, true), ...flat, filled: true };
}
