/**
 * OrderBookState against a simple reference (a Map keyed by integer tick, sorted by tick on every read),
 * driven by seeded random operations: single and batched updates, deletes of present and absent levels,
 * re-inserts, prices spelled several ways, top-N reads of many depths, `amountAt`, `load` and `clear`.
 * Also checks that arrays handed out are best-first copies that later updates never touch.
 */
import { describe, expect, it } from 'vitest';
import { Big, toBig } from '../../src/model/decimal.js';
import type { OrderBookLevel } from '../../src/model/order-book.js';
import { OrderBookState, type BookSide } from '../../src/model/order-book-state.js';
import { seededRandom } from '../helpers/random.js';

/** The reference book: per side, integer tick (price in hundredths) → the last level given for it. */
class ReferenceBook {
  readonly bids = new Map<number, OrderBookLevel>();
  readonly asks = new Map<number, OrderBookLevel>();

  set(side: BookSide, tick: number, level: OrderBookLevel): void {
    // Zero and negative amounts remove the level, as the class documents.
    if (level.amount.lte(0)) this[side].delete(tick);
    else this[side].set(tick, level);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Best-first levels, cut the way `Array.prototype.slice(0, max(0, depth))` cuts. */
  top(side: BookSide, depth?: number): OrderBookLevel[] {
    const ticks = [...this[side].keys()].sort((a, b) => (side === 'bids' ? b - a : a - b));
    const levels = ticks.map((tick) => this[side].get(tick)!);
    return depth === undefined ? levels : levels.slice(0, Math.max(0, depth));
  }
}

const render = (levels: readonly OrderBookLevel[]): string =>
  levels.map((level) => `${level.price.toFixed()}:${level.amount.toFixed()}`).join(',');

/** Decimal text of `tick` hundredths in one of several spellings that all mean the same price. */
function spell(tick: number, next: () => number): string {
  const whole = Math.floor(tick / 100);
  const cents = String(tick % 100).padStart(2, '0');
  const pick = next();
  if (pick < 0.5) return `${whole}.${cents}`;
  if (pick < 0.7) return `${whole}.${cents}${'0'.repeat(1 + Math.floor(next() * 6))}`;
  if (pick < 0.85) return `${tick}e-2`;
  // Shortest form: "99.5" for 99.50, "99" for 99.00.
  return new Big(`${whole}.${cents}`).toFixed();
}

function randomAmount(next: () => number): string {
  const pick = next();
  if (pick < 0.12) return next() < 0.5 ? '0' : '0.00000000';
  if (pick < 0.14) return '-1';
  return (0.00000001 + next() * 5).toFixed(8);
}

interface Scenario {
  readonly seed: number;
  /** Bid ticks are drawn from [0, span), ask ticks from [span / 2, span * 1.5): the sides may overlap. */
  readonly span: number;
  readonly operations: number;
  /** Compare whole sides every this many operations (top-N reads are compared on every read). */
  readonly fullCheckEvery: number;
}

/** Runs one scenario; returns how many operations of each kind it did, so the test can see it covered them. */
function runScenario({ seed, span, operations, fullCheckEvery }: Scenario): Readonly<Record<string, number>> {
  const next = seededRandom(seed);
  const book = new OrderBookState();
  const reference = new ReferenceBook();
  const counts = { apply: 0, applyLevels: 0, deleteAbsent: 0, reinsert: 0, read: 0, load: 0, clear: 0, amountAt: 0 };
  const handedOut: { readonly levels: OrderBookLevel[]; readonly text: string }[] = [];
  const everDeleted = { bids: new Set<number>(), asks: new Set<number>() };

  const drawTick = (side: BookSide): number => {
    const base = side === 'bids' ? 0 : Math.floor(span / 2);
    // Half the draws land near the best price (the top of the side), as on a live book.
    if (next() < 0.5) {
      const offset = Math.floor(next() * Math.min(12, span));
      return side === 'bids' ? base + span - 1 - offset : base + offset;
    }
    return base + Math.floor(next() * span);
  };
  const drawLevel = (side: BookSide): { tick: number; level: OrderBookLevel } => {
    const tick = drawTick(side);
    return { tick, level: { price: toBig(spell(tick, next)), amount: toBig(randomAmount(next)) } };
  };
  const note = (side: BookSide, tick: number, level: OrderBookLevel): void => {
    const present = reference[side].has(tick);
    if (level.amount.lte(0)) {
      if (!present) counts.deleteAbsent++;
      everDeleted[side].add(tick);
    } else if (!present && everDeleted[side].has(tick)) counts.reinsert++;
    reference.set(side, tick, level);
  };

  for (let step = 0; step < operations; step++) {
    const side: BookSide = next() < 0.5 ? 'bids' : 'asks';
    const pick = next();
    if (pick < 0.45) {
      const { tick, level } = drawLevel(side);
      note(side, tick, level);
      book.apply(side, level.price, level.amount);
      counts.apply++;
    } else if (pick < 0.7) {
      // A batch, which may touch one price twice: the later level must win.
      const batch = { bids: [] as OrderBookLevel[], asks: [] as OrderBookLevel[] };
      const size = Math.floor(next() * 12);
      for (let n = 0; n < size; n++) {
        const batchSide: BookSide = next() < 0.5 ? 'bids' : 'asks';
        const { tick, level } = drawLevel(batchSide);
        batch[batchSide].push(level);
        // The book applies all bids, then all asks; sides are independent, so noting in draw order is the same.
        note(batchSide, tick, level);
      }
      book.applyLevels(batch.bids, batch.asks);
      counts.applyLevels++;
    } else if (pick < 0.9) {
      const count = reference[side].size;
      const depths = [undefined, 0, 1, 2, 5, 20, count - 1, count, count + 3, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY];
      const depth = depths[Math.floor(next() * depths.length)];
      const levels = side === 'bids' ? book.bids(depth) : book.asks(depth);
      expect(render(levels), `step ${step}: ${side}(${depth})`).toBe(render(reference.top(side, depth)));
      if (next() < 0.1) handedOut.push({ levels, text: render(levels) });
      // The caller owns the copy: scribbling on it leaves the book alone.
      else if (next() < 0.2) levels.reverse().push({ price: toBig('1'), amount: toBig('1') });
      counts.read++;
    } else if (pick < 0.96) {
      const tick = drawTick(side);
      const amount = book.amountAt(side, toBig(spell(tick, next)));
      expect(amount?.toFixed(), `step ${step}: amountAt ${side} ${tick}`).toBe(reference[side].get(tick)?.amount.toFixed());
      counts.amountAt++;
    } else if (pick < 0.985) {
      // A snapshot in any order, with zero amounts and repeated prices (the later level wins).
      reference.clear();
      const levels = { bids: [] as OrderBookLevel[], asks: [] as OrderBookLevel[] };
      for (const loadSide of ['bids', 'asks'] as const) {
        const size = Math.floor(next() * span);
        for (let n = 0; n < size; n++) {
          const { tick, level } = drawLevel(loadSide);
          levels[loadSide].push(level);
          // A snapshot skips zero amounts rather than deleting: a later zero leaves an earlier level.
          if (level.amount.gt(0)) reference.set(loadSide, tick, level);
        }
      }
      book.load(levels.bids, levels.asks);
      counts.load++;
    } else {
      reference.clear();
      book.clear();
      counts.clear++;
    }
    if (step % fullCheckEvery === 0 || step === operations - 1) {
      expect(render(book.bids()), `step ${step}: bids`).toBe(render(reference.top('bids')));
      expect(render(book.asks()), `step ${step}: asks`).toBe(render(reference.top('asks')));
      expect([book.bidCount, book.askCount]).toEqual([reference.bids.size, reference.asks.size]);
    }
  }
  // Arrays handed out earlier were never changed by later updates, loads or clears.
  for (const { levels, text } of handedOut) expect(render(levels)).toBe(text);
  expect(handedOut.length).toBeGreaterThan(0);
  return counts;
}

describe('OrderBookState (randomized against a Map + sort reference)', () => {
  it('should match the reference over 25k operations on a small, crowded price range', () => {
    const counts = runScenario({ seed: 20_251_130, span: 40, operations: 25_000, fullCheckEvery: 1 });
    for (const [kind, count] of Object.entries(counts)) expect(count, kind).toBeGreaterThan(50);
  });

  it('should match the reference over many seeds and range sizes', () => {
    for (let seed = 1; seed <= 12; seed++) {
      runScenario({ seed, span: 3 + seed * 7, operations: 4000, fullCheckEvery: 5 });
    }
  });

  it('should match the reference on a deep book whose updates cluster at the top', () => {
    const counts = runScenario({ seed: 77, span: 3000, operations: 4000, fullCheckEvery: 250 });
    expect(counts.reinsert).toBeGreaterThan(100);
  });

  it('should order and match prices that differ beyond a double\'s precision, across block splits and merges', () => {
    // 1 + k * 1e-20 all round to the same double: only the exact comparison tells them apart.
    const next = seededRandom(5);
    const book = new OrderBookState();
    const reference = new Map<number, OrderBookLevel>();
    const price = (k: number): Big => toBig(`1.${String(k).padStart(20, '0')}`);
    for (let step = 0; step < 6000; step++) {
      const k = Math.floor(next() * 400);
      const amount = next() < 0.3 ? toBig('0') : toBig((1 + next()).toFixed(8));
      book.apply('bids', price(k), amount);
      if (amount.gt(0)) reference.set(k, { price: price(k), amount });
      else reference.delete(k);
      if (step % 500 === 499) {
        const expected = [...reference.keys()].sort((a, b) => b - a).map((key) => reference.get(key)!);
        expect(render(book.bids()), `step ${step}`).toBe(render(expected));
        expect(book.amountAt('bids', price(k))?.toFixed()).toBe(reference.get(k)?.amount.toFixed());
      }
    }
    expect(reference.size).toBeGreaterThan(200);
  });

  it('should hand out best-first arrays of the shared level objects, and keep the best at index 0 after top-of-book edits', () => {
    const bids = Array.from({ length: 300 }, (_, i) => ({ price: toBig(`${1000 + i}.5`), amount: toBig('1') }));
    const asks = Array.from({ length: 300 }, (_, i) => ({ price: toBig(`${2000 + i}.5`), amount: toBig('1') }));
    const book = new OrderBookState({ bids: [...bids].reverse(), asks });
    expect(book.bids(1)[0]).toBe(bids[299]);
    expect(book.asks(1)[0]).toBe(asks[0]);
    const newBest = { price: toBig('1300'), amount: toBig('2') };
    book.applyLevels([newBest], [{ price: toBig('2000.50'), amount: toBig('0') }]);
    expect(book.bids(2)).toEqual([newBest, bids[299]]);
    expect(book.bids(2)[0]).toBe(newBest);
    expect(book.asks(2)[0]).toBe(asks[1]);
    expect(book.bids().at(-1)).toBe(bids[0]);
    expect(book.asks()).toHaveLength(299);
  });
});
