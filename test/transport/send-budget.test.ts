import { describe, expect, it } from 'vitest';
import { SendBudget } from '../../src/transport/ws/send-budget.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';

describe('SendBudget', () => {
  it('should count only frames spent, each for its window plus the margin, under every limit at once', () => {
    const { scheduler, advanceTo } = createVirtualClock();
    const budget = new SendBudget([{ limit: 2, windowMs: 1_000 }, { limit: 3, windowMs: 10_000 }], scheduler, 50);
    expect(budget.waitMs()).toBe(0);
    budget.spend();
    advanceTo(100);
    expect(budget.waitMs()).toBe(0); // asking spends nothing
    budget.spend();
    expect(budget.waitMs()).toBe(950); // the first frame's unit: 0 + 1_000 + 50
    advanceTo(1_050);
    expect(budget.waitMs()).toBe(0);
    budget.spend();
    // Three frames in 10 s: the longer window decides now (0 + 10_000 + 50).
    advanceTo(2_000);
    expect(budget.waitMs()).toBe(8_050);
  });

  it('should refuse a limit below one frame or a window that is not positive', () => {
    const { scheduler } = createVirtualClock();
    expect(() => new SendBudget([{ limit: 0, windowMs: 1_000 }], scheduler, 0)).toThrow(RangeError);
    expect(() => new SendBudget([{ limit: 5, windowMs: 0 }], scheduler, 0)).toThrow(RangeError);
    expect(new SendBudget([], scheduler, 0).waitMs()).toBe(0);
  });
});
