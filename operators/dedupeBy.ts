import { defer, filter, identity } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';

/** Configuration of {@link dedupeBy}. */
export interface DedupeByConfig<K> {
  /**
   * How many recent keys to remember when no `order` is given; the oldest is forgotten first.
   * A duplicate arriving more than `window` distinct keys later passes again. `0` turns deduping off.
   * @default 1000
   */
  readonly window?: number;
  /**
   * Total order of the keys (negative: `a` before `b`). When given, keys are known to increase, so only
   * the newest key is kept and anything not newer than it is dropped (duplicates and stragglers alike).
   * @default undefined (no ordering: dedupe by the window of recent keys)
   */
  readonly order?: (a: K, b: K) => number;
}

/**
 * Drops values whose key was already seen, remembering a bounded number of keys.
 *
 * Made for trade ids: after a reconnect an exchange resends a SNAPSHOT of recent trades, which must not
 * be emitted twice. RxJS `distinct` keeps every key in a `Set` for the life of the subscription, a memory
 * leak on an endless trade stream; `dedupeBy` remembers only the last `window` keys (insertion order,
 * O(1) per value). With `order` it keeps just the newest key and drops anything not newer, so a value is
 * never re-emitted after a reconnect's snapshot and the output stays in key order. Apply it per market
 * (ids are ordered per market). Errors and completion pass through; state is per subscription.
 *
 * ```
 * source:                                     --1--2--1--3--2--|
 * dedupeBy(id):                               --1--2-----3-----|
 * source:                                     --1--3--2--4--4--|
 * dedupeBy(id, { order: compareDecimalIds }): --1--3-----4-----|
 * ```
 *
 * @example
 * ```ts
 * import { compareDecimalIds, dedupeBy } from 'market-data-backbone/operators';
 * trades$.pipe(dedupeBy((trade) => trade.id, { order: compareDecimalIds }));
 * ```
 * @param keyOf Extracts the dedupe key (a trade id).
 * @param config Window size and optional key order.
 * @returns An operator that emits each key at most once (within the window, or ever when ordered).
 * @see {@link compareDecimalIds} for Upbit's `sequential_id` strings.
 */
export function dedupeBy<T, K>(keyOf: (value: T) => K, config: DedupeByConfig<K> = {}): MonoTypeOperatorFunction<T> {
  const { window: size = 1000, order } = config;
  if (order === undefined && size <= 0) return identity;

  return (source) =>
    defer(() => {
      if (order !== undefined) {
        let newest: { readonly key: K } | undefined;
        return source.pipe(
          filter((value) => {
            const key = keyOf(value);
            if (newest !== undefined && order(key, newest.key) <= 0) return false;
            newest = { key };
            return true;
          }),
        );
      }
      const seen = new Set<K>();
      return source.pipe(
        filter((value) => {
          const key = keyOf(value);
          if (seen.has(key)) return false;
          seen.add(key);
          if (seen.size > size) deleteOldest(seen);
          return true;
        }),
      );
    });
}

/** A `Set` iterates in insertion order, so its first key is the oldest. */
function deleteOldest<K>(keys: Set<K>): void {
  for (const key of keys) {
    keys.delete(key);
    return;
  }
}

/**
 * Compares non-negative integer ids given as decimal strings, numerically.
 *
 * Upbit's `sequential_id` exceeds 2^53, so ids travel as strings (`toIdString`); comparing them by
 * length first and then lexicographically is a numeric comparison without `BigInt` allocations. The ids
 * must be canonical (digits only, no sign, no leading zeros), as the exchange sends them.
 *
 * @example
 * ```ts
 * import { compareDecimalIds } from 'market-data-backbone/operators';
 * compareDecimalIds('17103275719220001', '9'); // 1
 * ['10', '9', '100'].sort(compareDecimalIds); // ['9', '10', '100']
 * ```
 * @param a First id.
 * @param b Second id.
 * @returns A negative number when `a < b`, `0` when equal, a positive number when `a > b`.
 */
export function compareDecimalIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
