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

  it('should grant permits one unit each, in turn, never two for one unit, and spend nothing for a cancelled one', () => {
    const { scheduler, advanceTo } = createVirtualClock();
    const budget = new SendBudget([{ limit: 1, windowMs: 1_000 }], scheduler, 50);
    const granted: string[] = [];
    budget.permit().subscribe(() => granted.push(`a@${scheduler.now()}`));
    budget.permit().subscribe(() => granted.push(`b@${scheduler.now()}`));
    const cancelled = budget.permit().subscribe(() => granted.push(`c@${scheduler.now()}`));
    budget.permit().subscribe(() => granted.push(`d@${scheduler.now()}`));
    cancelled.unsubscribe();
    advanceTo(5_000);
    // a at once; b and d each one window plus the margin after the previous grant; c never, and it took no unit.
    expect(granted).toEqual(['a@0', 'b@1050', 'd@2100']);
    expect(budget.waitMs()).toBe(0);
  });
});

