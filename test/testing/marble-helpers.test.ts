/**
 * The public marble helpers of `market-data-backbone/testing`, which the library's own marble specs use
 * too (`marbles/helpers.ts` binds them to vitest): decimals compared by value, and real differences caught.
 */
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Big } from 'market-data-backbone';
import { createMarbleMatcher, createMarbleScheduler, normalizeForMatch } from 'market-data-backbone/testing';
import { observableMatcher } from '../../marbles/helpers.js';

const toEqual = (actual: unknown, expected: unknown): void => expect(actual).toEqual(expected);

describe('marble helpers', () => {
  it('should turn every Big of plain objects and arrays into its decimal text, leaving the rest', () => {
    const date = new Date(0);
    expect(normalizeForMatch({ a: [new Big('1.50'), { b: new Big('2e3') }], c: 'x', d: date })).toEqual({ a: ['1.5', { b: '2000' }], c: 'x', d: date });
  });

  it('should match equal decimals written differently and reject different ones', () => {
    const match = createMarbleMatcher(toEqual);
    expect(() => match({ p: new Big('100.0') }, { p: new Big('1e2') })).not.toThrow();
    expect(() => match({ p: new Big('100.0') }, { p: new Big('100.01') })).toThrow();
    expect(() => observableMatcher([new Big('0.10')], [new Big('0.1')])).not.toThrow();
  });

  it('should run marble assertions with the given framework assertion', () => {
    const failures: unknown[] = [];
    const scheduler = createMarbleScheduler((actual, expected) => {
      try {
        toEqual(actual, expected);
      } catch (error) {
        failures.push(error);
      }
    });
    scheduler.run(({ expectObservable }) => {
      expectObservable(of(new Big('1.0'))).toBe('(a|)', { a: new Big('1') });
      expectObservable(of(new Big('1.0'))).toBe('(a|)', { a: new Big('2') });
    });
    expect(failures).toHaveLength(1);
  });
});
