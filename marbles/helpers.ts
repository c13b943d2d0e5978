/**
 * Shared helpers of the marble specs: the public marble helpers of `market-data-backbone/testing`
 * (`src/testing/harness/marbles.ts`, one copy) bound to vitest's `expect`.
 */
import type { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { createMarbleMatcher, createMarbleScheduler, normalizeForMatch, type AssertDeepEqual } from '../src/testing/harness/marbles.js';

export { normalizeForMatch };

/** vitest's deep equality. */
const toEqual: AssertDeepEqual = (actual, expected) => expect(actual).toEqual(expected);

/**
 * The assertion a `TestScheduler` runs on each flushed expectation: `toEqual` after
 * {@link normalizeForMatch}.
 *
 * @example
 * ```ts
 * const scheduler = new TestScheduler(observableMatcher);
 * ```
 */
export const observableMatcher: AssertDeepEqual = createMarbleMatcher(toEqual);

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
  return createMarbleScheduler(toEqual);
}
