/**
 * Candle history over any time range: pages back in time from `to`, one rate-limited request per page,
 * until `from` (or the start of the market's history), and optionally fills periods without trades.
 *
 * Upbit has **no candle for a period without a trade**: its lists skip such periods, so a range of N
 * periods may hold fewer than N candles, and a page may hold fewer candles than asked. Paging therefore
 * never reads a short page as "the end": the next page ends at the older of the oldest candle received
 * and the start of the window the page covered. Only an empty page (no trade in a whole page, which is
 * how the history of a market begins) or reaching `from` stops it.
 */
import { Observable, type Subscription } from 'rxjs';
import { checkCount, checkFlag, checkInterval, checkOptions, checkRange, checkSymbol, invalid } from './arguments.js';
import type { ExchangeClient } from './exchange-client.js';
import type { Candle, CandleInterval } from '../model/candle.js';
import { nextPeriod, periodStart, previousPeriod } from '../model/candle-periods.js';
import { toBig } from '../model/decimal.js';

/** The page size of an exchange that states no maximum (Upbit's, the smallest of ours). */
const DEFAULT_PAGE_SIZE = 200;

/** Options of {@link fetchCandleRange} and {@link downloadCandles}. */
export interface CandleRangeOptions {
  /** Inclusive lower bound of candle open times (ms or Date). */
  readonly from: number | Date;
  /**
   * Exclusive upper bound of candle open times (ms or Date). A bound in the future is clamped to the
   * period after `now()`, so that the first page is not a window of future periods (read as empty).
   */
  readonly to: number | Date;
  /** Insert a {@link FilledCandle} for each period without a trade. @default false */
  readonly fill?: boolean | undefined;
  /** Candles asked for per request, at most the exchange's maximum (Upbit 200, Coinone 500, Binance 1000). @default that maximum */
  readonly pageSize?: number | undefined;
  /** Clock used to clamp `to` and to stop filling at the current period. @default the client's clock */
  readonly now?: (() => number) | undefined;
}

/**
 * A candle made up for a period without a trade (only with `fill: true`): open, high, low and close are
 * the previous candle's close, both volumes are zero, and `timestamp` stays the previous last trade's.
 */
export interface FilledCandle extends Candle {
  readonly filled: true;
}

/** What {@link downloadCandles} emits. */
export type CandleDownloadEvent =
  | {
      readonly type: 'batch';
      /** Candles of one page window, oldest first, within `[from, to)` of the range. */
      readonly candles: readonly Candle[];
      /** The window the batch covers: `[from, to)`. Batches come newest window first. */
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly type: 'progress';
      /** Candles received so far within the range (filled ones included). */
      readonly fetched: number;
      /**
       * Periods in the range: an upper bound of the candles to come, since periods without a trade have
       * no candle.
       */
      readonly total: number;
      /** Periods of the range already covered by the pages received. */
      readonly covered: number;
      /** Requests answered so far. */
      readonly pages: number;
      /** Estimated time left (ms), from the pace so far; `0` when done. */
      readonly eta: number;
      /** Time since the download started (ms). */
      readonly elapsedMs: number;
    };

/** One answered page, reduced to what paging and filling need. */
interface CandlePage {
  /** Window within the range: `[lo, hi)`. */
  readonly lo: number;
  readonly hi: number;
  /** Candles with `lo <= openTime < hi`, oldest first. */
  readonly candles: readonly Candle[];
  /** The newest candle of the reply, in range or not (the previous close for newer windows). */
  readonly newest: Candle | undefined;
  /** The newest candle of the reply older than `lo` (the previous close for this window). */
  readonly before: Candle | undefined;
  readonly done: boolean;
}

/**
 * `true` for a candle that {@link fillCandleGaps} made up for a period without a trade.
 *
 * @example
 * ```ts
 * const real = candles.filter((c) => !isFilledCandle(c));
 * ```
 */
export function isFilledCandle(candle: Candle): candle is FilledCandle {
  return (candle as Partial<FilledCandle>).filled === true;
}

/**
 * The number of periods of `interval` starting in `[from, to)` (calendar-aware for months and years).
 *
 * @example
 * ```ts
 * countPeriods('1m', Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 31)); // 43_200
 * countPeriods('1M', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)); // 12
 * ```
 */
export function countPeriods(interval: CandleInterval, from: number, to: number): number {
  let first = periodStart(interval, from);
  if (first < from) first = nextPeriod(interval, first);
  if (first >= to) return 0;
  if (interval !== '1M' && interval !== '1y') {
    const size = nextPeriod(interval, first) - first;
    return Math.ceil((to - first) / size);
  }
  let count = 0;
  for (let start = first; start < to; start = nextPeriod(interval, start)) count++;
  return count;
}

/** Start of the oldest of the `size` periods before `to` (the window a page request covers). */
function windowStart(interval: CandleInterval, to: number, size: number): number {
  let start = periodStart(interval, to - 1);
  if (interval !== '1M' && interval !== '1y') return start - (size - 1) * (nextPeriod(interval, start) - start);
  for (let i = 1; i < size; i++) start = previousPeriod(interval, start);
  return start;
}

function filler(previous: Candle, openTime: number): FilledCandle {
  const zero = toBig('0');
  const { close } = previous;
  return { ...previous, openTime, open: close, high: close, low: close, close, baseVolume: zero, quoteVolume: zero, filled: true };
}

/**
 * Inserts a flat {@link FilledCandle} for every period of `[from, to)` that has no candle, carrying the
 * previous close forward. Periods before the first known candle stay empty unless `previous` (the last
 * candle before `from`) is given. `candles` must be oldest first, of one market and interval.
 *
 * @example
 * ```ts
 * const full = fillCandleGaps(candles, '1m', { from, to, previous: lastBefore });
 * full.length === countPeriods('1m', from, to); // when `previous` (or a candle at `from`) exists
 * ```
 */
export function fillCandleGaps(
  candles: readonly Candle[],
  interval: CandleInterval,
  range: { readonly from: number; readonly to: number; readonly previous?: Candle | undefined },
): Candle[] {
  const out: Candle[] = [];
  let previous = range.previous;
  let i = 0;
  let start = periodStart(interval, range.from);
  if (start < range.from) start = nextPeriod(interval, start);
  for (; start < range.to; start = nextPeriod(interval, start)) {
    for (let c = candles[i]; c !== undefined && c.openTime <= start; c = candles[++i]) {
      out.push(c);
      previous = c;
    }
    if (previous !== undefined && previous.openTime !== start) out.push(filler(previous, start));
  }
  for (let c = candles[i]; c !== undefined; c = candles[++i]) out.push(c);
  return out;
}

/** The newest candle opening before `bound` (candles oldest first). */
function newestBefore(candles: readonly Candle[], bound: number): Candle | undefined {
  for (let i = candles.length - 1; i >= 0; i--) {
    const candle = candles[i];
    if (candle !== undefined && candle.openTime < bound) return candle;
  }
  return undefined;
}

/** The checked arguments of a range download (see {@link downloadCandles}); throws `InvalidArgumentError`. */
function checkRangeArguments(client: ExchangeClient, symbol: unknown, interval: unknown, options: CandleRangeOptions) {
  checkSymbol(symbol);
  checkInterval(interval, client.adapter.rest, client.adapter.id);
  const { from, to } = checkRange(checkOptions(options).from, options.to);
  if (from === undefined) return invalid('options.from', options.from, 'a range needs a start');
  if (to === undefined) return invalid('options.to', options.to, 'a range needs an end');
  checkFlag(options.fill, 'options.fill');
  const maxPage = client.adapter.rest.maxCount?.candles ?? DEFAULT_PAGE_SIZE;
  const pageSize = checkCount(options.pageSize, 'options.pageSize', maxPage, client.adapter.id) ?? maxPage;
  if (options.now !== undefined && typeof options.now !== 'function') invalid('options.now', options.now, 'a clock is a function returning ms');
  return { from, to, pageSize };
}

/**
 * Pages of one range, newest window first. Each page is one request through the client's REST client
 * (its rate limiter, retries and error mapping); unsubscribing aborts the request in flight or takes it
 * out of the limiter's queue, so nothing more is sent.
 */
function candlePages$(client: ExchangeClient, symbol: string, interval: CandleInterval, from: number, to: number, pageSize: number): Observable<CandlePage> {
  return new Observable<CandlePage>((subscriber) => {
    let inner: Subscription | undefined;
    let stopped = false;
    const request = (market: string, cursor: number): void => {
      const rest = client.adapter.rest;
      inner = client.rest.request(rest.candles(market, interval, { count: pageSize, to: cursor })).subscribe({
        next: (reply) => {
          let page: CandlePage;
          try {
            const candles = [...rest.parseCandles(reply.body, interval, { receivedAt: client.now(), market })].sort((a, b) => a.openTime - b.openTime);
            const oldest = candles[0]?.openTime ?? Number.POSITIVE_INFINITY;
            const next = Math.min(oldest, windowStart(interval, cursor, pageSize));
            const lo = Math.max(next, from);
            page = {
              lo,
              hi: cursor,
              candles: candles.filter((c) => c.openTime >= lo && c.openTime < cursor),
              newest: newestBefore(candles, cursor),
              before: newestBefore(candles, lo),
              done: candles.length === 0 || next <= from,
            };
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(page);
          if (page.done) subscriber.complete();
          else if (!stopped) request(market, page.lo);
        },
        error: (error: unknown) => subscriber.error(error),
      });
    };
    if (from >= to) subscriber.complete();
    else {
      client.resolveMarket(symbol).then(
        (market) => {
          if (!stopped) request(market, to);
        },
        (error: unknown) => subscriber.error(error),
      );
    }
    return () => {
      stopped = true;
      inner?.unsubscribe();
    };
  });
}

/**
 * Downloads the candles of `[from, to)` page by page, newest window first, as `batch` events (each
 * oldest first, within the range) followed by a `progress` event per page; completes at the end.
 * `progress.total` counts the periods of the range: an upper bound, since Upbit has no candle for a
 * period without a trade. With `fill: true` each batch is held until the next older page arrives (it
 * brings the close to carry into the batch's leading gap). Unsubscribing cancels: no further request
 * is sent, and one in flight is aborted.
 *
 * @example
 * ```ts
 * downloadCandles(client, 'KRW-BTC', '1m', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 31) }).subscribe((e) => {
 *   if (e.type === 'progress') console.error(`${e.covered}/${e.total} periods, ${Math.round(e.eta / 1000)} s left`);
 *   else save(e.candles);
 * });
 * ```
 */
export function downloadCandles(client: ExchangeClient, symbol: string, interval: CandleInterval, options: CandleRangeOptions): Observable<CandleDownloadEvent> {
  return new Observable<CandleDownloadEvent>((subscriber) => {
    // A throw here errors the subscriber: bad arguments fail the download before any request.
    const checked = checkRangeArguments(client, symbol, interval, options);
    const { from, pageSize } = checked;
    const now = options.now ?? ((): number => client.now());
    const fill = options.fill ?? false;
    const to = Math.min(checked.to, nextPeriod(interval, periodStart(interval, now())));
    const fillTo = Math.min(to, now() + 1);
    const total = countPeriods(interval, from, to);
    const started = client.now();
    let fetched = 0;
    let pages = 0;
    let pending: CandlePage | undefined;

    const emitBatch = (page: CandlePage, previous: Candle | undefined): void => {
      const candles = fill ? fillCandleGaps(page.candles, interval, { from: page.lo, to: Math.min(page.hi, fillTo), previous }) : page.candles;
      fetched += candles.length;
      if (candles.length > 0) subscriber.next({ type: 'batch', candles, from: page.lo, to: page.hi });
    };
    return candlePages$(client, symbol, interval, from, to, pageSize).subscribe({
      next: (page) => {
        pages += 1;
        if (!fill) emitBatch(page, undefined);
        else {
          if (pending !== undefined) emitBatch(pending, page.newest);
          pending = page;
          if (page.done) emitBatch(page, page.before);
        }
        const covered = page.done ? total : countPeriods(interval, page.lo, to);
        const elapsedMs = client.now() - started;
        const eta = covered >= total || covered === 0 ? 0 : Math.round((elapsedMs / covered) * (total - covered));
        subscriber.next({ type: 'progress', fetched, total, covered, pages, eta, elapsedMs });
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}

/**
 * The candles of `[from, to)`, oldest first, without duplicates: pages back from `to` under the
 * client's rate limiter (see {@link downloadCandles}). With `fill: true`, periods without a trade get a
 * flat {@link FilledCandle} (Upbit has no candle for them).
 *
 * @example
 * ```ts
 * const january = await fetchCandleRange(client, 'KRW-BTC', '1h', { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1) });
 * ```
 */
export function fetchCandleRange(client: ExchangeClient, symbol: string, interval: CandleInterval, options: CandleRangeOptions): Promise<Candle[]> {
  return new Promise<Candle[]>((resolve, reject) => {
    const batches: (readonly Candle[])[] = [];
    downloadCandles(client, symbol, interval, options).subscribe({
      next: (event) => {
        if (event.type === 'batch') batches.push(event.candles);
      },
      error: reject,
      complete: () => resolve(batches.reverse().flat()),
    });
  });
}
