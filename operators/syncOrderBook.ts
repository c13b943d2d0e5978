import { defer, from, Observable, Subscription, switchMap, take, throwIfEmpty, timer } from 'rxjs';
import type { ObservableInput, OperatorFunction } from 'rxjs';
import { MarketDataError, SequenceGapError } from '../src/errors/index.js';
import { OrderBookState } from '../src/model/order-book-state.js';
import type { DepthDiff, DepthSnapshot, OrderBookSnapshotEvent } from '../src/model/order-book-state.js';

export type { DepthDiff, DepthSnapshot, OrderBookSnapshotEvent, UpdateId } from '../src/model/order-book-state.js';

/** Configuration of {@link syncOrderBook}. */
export interface SyncOrderBookConfig {
  /** Fetches a full-depth snapshot (REST); called once per sync attempt, and only its first value is used. */
  readonly snapshot: () => ObservableInput<DepthSnapshot>;
  /**
   * Levels per side in each emitted book.
   * @default undefined (the whole book)
   */
  readonly depth?: number;
  /**
   * Milliseconds to wait before fetching again when a snapshot is older than the first buffered diff.
   * @default 250
   */
  readonly snapshotRetryDelay?: number;
  /**
   * Each value discards the book and the buffer; the next diff starts a new sync. Feed it the stream's
   * in-band `disconnect` status events. An error of `reset$` is passed on.
   * @default undefined (no reset: a reconnect is then detected as a gap)
   */
  readonly reset$?: ObservableInput<unknown>;
  /**
   * Told about each missed range of updates, after the book was discarded and while it is rebuilt.
   * @default undefined (gaps are handled silently)
   */
  readonly onGap?: (error: SequenceGapError) => void;
}

/** What one step of the sync did. */
type SyncStep = 'stale' | 'tooOld' | 'synced' | 'applied' | SequenceGapError;

interface Sequenced {
  readonly diff: DepthDiff;
  readonly first: bigint;
  readonly final: bigint;
}

/** The sync state machine of one subscription, free of RxJS. `local` is undefined until synced. */
class DepthSync {
  readonly book = new OrderBookState();
  #local: bigint | undefined;
  #buffer: Sequenced[] = [];
  #last: DepthDiff | undefined;

  get synced(): boolean {
    return this.#local !== undefined;
  }

  /** Buffers a diff while unsynced; `true` when it is the first one buffered (a snapshot is needed). */
  buffer(entry: Sequenced): boolean {
    return this.#buffer.push(entry) === 1;
  }

  reset(): void {
    this.book.clear();
    this.#local = undefined;
    this.#buffer = [];
  }

  /** Applies one diff to the synced book: the update procedure of the Binance docs. */
  step(entry: Sequenced): SyncStep {
    const local = this.#local ?? 0n;
    if (entry.final <= local) return 'stale';
    if (entry.first > local + 1n) {
      const expected = String(local + 1n);
      this.reset();
      this.#buffer.push(entry);
      return new SequenceGapError(`Order-book diff out of sequence: expected update ${expected}, got ${entry.first}`, {
        exchange: entry.diff.exchange,
        expected,
        received: String(entry.first),
      });
    }
    this.book.applyLevels(entry.diff.bids, entry.diff.asks);
    this.#local = entry.final;
    this.#last = entry.diff;
    return 'applied';
  }

  /** Installs a snapshot and drains the buffer through {@link DepthSync.step}. */
  install(snapshot: DepthSnapshot): SyncStep {
    const lastUpdateId = BigInt(snapshot.lastUpdateId);
    const pending = this.#buffer;
    if (pending[0] !== undefined && lastUpdateId < pending[0].first) return 'tooOld';
    this.book.load(snapshot.bids, snapshot.asks);
    this.#local = lastUpdateId;
    this.#buffer = [];
    let outcome: SyncStep = 'synced';
    for (let i = 0; i < pending.length; i++) {
      const step = this.step(pending[i]!);
      if (step instanceof SequenceGapError) {
        this.#buffer.push(...pending.slice(i + 1));
        return step;
      }
      if (step === 'applied') outcome = 'applied';
    }
    return outcome;
  }

  event(depth: number | undefined): OrderBookSnapshotEvent {
    const { exchange, symbol, market, timestamp, receivedAt } = this.#last!;
    const bids = this.book.bids(depth);
    const asks = this.book.asks(depth);
    return { type: 'orderBook', exchange, symbol, market, timestamp, receivedAt, bids, asks, updateId: String(this.#local) };
  }
}

const toSequenced = (diff: DepthDiff): Sequenced => ({
  diff,
  first: BigInt(diff.firstUpdateId),
  final: BigInt(diff.finalUpdateId),
});

/**
 * Keeps a local order book from a sequenced diff stream plus REST snapshots, and emits it after every
 * applied diff; an inconsistent book is never emitted.
 *
 * Follows the current Binance procedure (rewritten 2024-12, corrected 2025-11), stated in neutral ids
 * (`first`/`final` = Binance `U`/`u`, `local` = the book's update id):
 * 1. buffer diffs; on the first one buffered, subscribe to `snapshot()`;
 * 2. if the snapshot's `lastUpdateId` is below the `first` of the first buffered diff, it is too old:
 *    fetch again after `snapshotRetryDelay` (the buffer is kept);
 * 3. load the snapshot (`local = lastUpdateId`) and run every buffered, then every live diff through:
 *    `final <= local` → stale, skipped; `first > local + 1` → gap; otherwise apply, `local = final`.
 *    So the first applied diff has `first <= lastUpdateId + 1 <= final`, and overlaps (`first <= local`)
 *    are legal, as the current docs say (the old strict `first == local + 1` rule resyncs needlessly);
 * 4. on a gap: discard the book, call `onGap`, buffer from the offending diff on, and go to 1.
 *
 * One book is emitted after the buffer is drained (if it applied a diff), then one per applied live diff;
 * it carries the `MarketRef` of the last applied diff and `updateId = local`. A diff with `final == local`
 * is skipped rather than re-applied: amounts are absolute, so it could not change the book. Diffs with ids
 * going backwards are stale and skipped, so after a disconnect either feed `reset$` or let the next diff
 * be caught as a gap. Errors of the source or of the snapshot pass through; state is per subscription.
 *
 * ```
 * source:        -a--b------c---g-------h--|   (g skips updates: gap, resync)
 * snapshot():     ----S|         ---T|
 * syncOrderBook: -----B-----C------G----H--|
 * ```
 *
 * @example
 * ```ts
 * import { filter } from 'rxjs';
 * import { syncOrderBook } from 'market-data-backbone/operators';
 * const books$ = diffs$.pipe(
 *   syncOrderBook({
 *     snapshot: () => fetchDepthSnapshot('BTCUSDT'), // Promise or Observable of a DepthSnapshot
 *     depth: 20,
 *     reset$: status$.pipe(filter((event) => event.status === 'disconnect')),
 *     onGap: (error) => console.warn(error.message),
 *   }),
 * );
 * ```
 * @param config Snapshot source, output depth, retry delay, reset notifier and gap callback.
 * @returns An operator from neutral depth diffs to consistent order books.
 * @see {@link OrderBookState} for the book itself.
 */
export function syncOrderBook(config: SyncOrderBookConfig): OperatorFunction<DepthDiff, OrderBookSnapshotEvent> {
  const { snapshot, depth, snapshotRetryDelay = 250, reset$, onGap } = config;
  return (source) =>
    new Observable<OrderBookSnapshotEvent>((subscriber) => {
      const sync = new DepthSync();
      let fetching: Subscription | undefined;
      const guard = (run: () => void): void => {
        try {
          run();
        } catch (error: unknown) {
          subscriber.error(error);
        }
      };
      const onStep = (step: SyncStep): void => {
        if (step === 'applied') subscriber.next(sync.event(depth));
        else if (step === 'tooOld') fetch(snapshotRetryDelay);
        else if (step instanceof SequenceGapError) {
          onGap?.(step);
          fetch(undefined);
        }
      };
      // A retry always waits on a timer, so a stale synchronous snapshot source cannot recurse.
      const fetch = (delay: number | undefined): void => {
        fetching?.unsubscribe();
        const current = new Subscription();
        fetching = current;
        const snapshot$ = delay === undefined ? defer(snapshot) : timer(delay).pipe(switchMap(() => defer(snapshot)));
        current.add(
          snapshot$.pipe(take(1), throwIfEmpty(() => new MarketDataError('Order-book snapshot: the source completed without a value'))).subscribe({
            next: (value) => guard(() => onStep(sync.install(value))),
            error: (error: unknown) => subscriber.error(error),
          }),
        );
      };
      const resetSubscription = reset$ === undefined ? undefined : from(reset$).subscribe({
        next: () => {
          fetching?.unsubscribe();
          sync.reset();
        },
        error: (error: unknown) => subscriber.error(error),
      });
      const sourceSubscription = source.subscribe({
        next: (diff) =>
          guard(() => {
            const entry = toSequenced(diff);
            if (!sync.synced) {
              if (sync.buffer(entry)) fetch(undefined);
            } else onStep(sync.step(entry));
          }),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        sourceSubscription.unsubscribe();
        resetSubscription?.unsubscribe();
        fetching?.unsubscribe();
      };
    });
}
