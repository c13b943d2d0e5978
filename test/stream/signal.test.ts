import { describe, expect, it } from 'vitest';
import { Signal } from '../../src/streams/signal.js';

describe('Signal', () => {
  it('should push each value to every listener until it unsubscribes', () => {
    const clock = new Signal<number>(false);
    const a: number[] = [];
    const b: number[] = [];
    const first = clock.subscribe({ next: (v) => a.push(v) });
    clock.next(1);
    clock.subscribe({ next: (v) => b.push(v) });
    clock.next(2);
    first.unsubscribe();
    clock.next(3);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([2, 3]); // no replay without `replay`
  });

  it('should replay the latest value to a new listener when replaying', () => {
    const watched = new Signal(true, false);
    const seen: boolean[] = [];
    watched.next(true);
    watched.subscribe({ next: (on) => seen.push(on) });
    watched.next(false);
    expect(seen).toEqual([true, false]);
  });

  it('should let a listener leave while a value is being delivered, without skipping the others', () => {
    const signal = new Signal<number>(false);
    const seen: string[] = [];
    const leaving = signal.subscribe({ next: () => leaving.unsubscribe() });
    signal.subscribe({ next: (v) => seen.push(`second ${v}`) });
    signal.next(1);
    signal.next(2);
    expect(seen).toEqual(['second 1', 'second 2']);
  });
});
