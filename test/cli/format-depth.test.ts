import { describe, expect, it } from 'vitest';
import { depthCell } from '../../src/cli/format.js';
import { makeBook } from '../model/book-fixtures.js';

describe('depthCell (npm start: size within 10 bps)', () => {
  it('should show the bid and ask size within 10 bps of the mid', () => {
    // mid 1,000; 10 bps: bids >= 999 (1 + 2), asks <= 1,001 (0.5; the ask at 1,002 is outside)
    expect(depthCell(makeBook([['999.5', '1'], ['999', '2'], ['998', '4']], [['1000.5', '0.5'], ['1002', '8']]))).toBe('3.0000 / 0.5000');
    // mid 1,000.5: bids >= 999.4995 leave out 999; asks <= 1,001.5005
    expect(depthCell(makeBook([['1000', '1'], ['999', '2']], [['1001', '0.5'], ['1002', '8']]))).toBe('1.0000 / 0.5000');
  });

  it('should say why a book has no depth instead of a number', () => {
    expect(depthCell(undefined)).toBe('-');
    expect(depthCell(makeBook([['101', '1']], [['100', '1']]))).toBe('crossed');
    expect(depthCell(makeBook([], [['100', '1']]))).toBe('one-sided');
  });
});
