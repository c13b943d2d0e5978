/**
 * Marble-test helpers, the ones the library's own specs use: a `TestScheduler` whose matcher compares
 * `Big` values by their decimal value and prints them as strings, the way RxJS's own `observableMatcher`
 * makes its diffs readable. Framework-free: the caller hands in its deep-equality assertion.
 */
import { TestScheduler } from 'rxjs/testing';
import { Big } from '../../model/decimal.js';

/** A deep-equality assertion of a test framework: throws when `actual` and `expected` differ. */
export type AssertDeepEqual = (actual: unknown, expected: unknown) => void;

/**
 * Deeply replaces every `Big` in `value` with its string form (`new Big('1.50')` → `'1.5'`), so
 * `toEqual` compares decimal values and diffs print them readably. Other values are left as they are.
 *
 * @example
 * ```ts
 * import { Big } from 'market-data-backbone';
 * import { normalizeForMatch } from 'market-data-backbone/testing';
 * normalizeForMatch({ price: new Big('100.0') }); // { price: '100' }
 * ```
 * @param value Anything a stream emitted (plain objects and arrays are walked).
 * @returns The same shape with decimals as strings.
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
 * The assertion a `TestScheduler` runs on each flushed expectation: `assert` after
 * {@link normalizeForMatch} on both sides.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * import { TestScheduler } from 'rxjs/testing';
 * import { createMarbleMatcher } from 'market-data-backbone/testing';
 * const scheduler = new TestScheduler(createMarbleMatcher((actual, expected) => expect(actual).toEqual(expected)));
 * ```
 * @param assert The test framework's deep equality (vitest/jest `expect(a).toEqual(e)`, `assert.deepStrictEqual`).
 * @returns The matcher to give `new TestScheduler`.
 */
export function createMarbleMatcher(assert: AssertDeepEqual): AssertDeepEqual {
  return (actual, expected) => assert(normalizeForMatch(actual), normalizeForMatch(expected));
}

/**
 * A fresh `TestScheduler` asserting with {@link createMarbleMatcher}: create one per test.
 *
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 * import { map } from 'rxjs';
 * import { createMarbleScheduler } from 'market-data-backbone/testing';
 *
 * it('should double', () => {
 *   createMarbleScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
 *     expectObservable(cold('a|', { a: 1 }).pipe(map((n) => n * 2))).toBe('a|', { a: 2 });
 *   });
 * });
 * ```
 * @param assert The test framework's deep equality.
 * @returns A scheduler for `run()`.
 */
export function createMarbleScheduler(assert: AssertDeepEqual): TestScheduler {
  return new TestScheduler(createMarbleMatcher(assert));
}
