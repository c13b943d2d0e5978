/**
 * Shared helpers of the marble specs: a TestScheduler whose matcher shows `Big` values as strings,
 * the same way RxJS's own `observableMatcher` makes its diffs readable.
 */
import Big from 'big.js';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/**
 * Deeply replaces every `Big` in `value` with its string form (`new Big('1.50')` → `'1.5'`), so
 * `toEqual` compares decimal values and diffs print them readably. Other values are left as they are.
 *
 * @example
 * ```ts
 * normalizeForMatch({ price: new Big('100.0') }); // { price: '100' }
 * ```
 */
export function normalizeForMatch(value: unknown): unknown {
  if (value instanceof Big) return value.toString();
  if (Array.isArray(value)) return value.map(normalizeForMatch);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeForMatch(item)]));
  }
  return value;
}

/**
 * The assertion a `TestScheduler` runs on each flushed expectation: `toEqual` after
 * {@link normalizeForMatch}.
 *
 * @example
 * ```ts
 * const scheduler = new TestScheduler(observableMatcher);
 * ```
 */
export function observableMatcher(actual: unknown, expected: unknown): void {
  expect(normalizeForMatch(actual)).toEqual(normalizeForMatch(expected));
}

/**
 * A fresh `TestScheduler` for one test, asserting with {@link observableMatcher}.
 *
 * @example
 * ```ts
 * it('should pass values', () => {
 *   createScheduler().run(({ cold, expectObservable }) => {
 *     expectObservable(cold('a|').pipe(myOperator())).toBe('a|');
 *   });
 * });
 * ```
 */
export function createScheduler(): TestScheduler {
  return new TestScheduler(observableMatcher);
}
