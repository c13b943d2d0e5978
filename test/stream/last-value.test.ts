import { describe, expect, it } from 'vitest';
import { LastValue, SlotPacker } from '../../src/streams/last-value.js';

interface Box {
  readonly n: number;
}

/** A packer that counts its packs, packing a box to its number. */
function countingPacker(): { packs: number[]; pack(value: Box): unknown; unpack(packed: unknown): Box } {
  const packs: number[] = [];
  return {
    packs,
    pack: (value) => {
      packs.push(value.n);
      return value.n;
    },
    unpack: (packed) => ({ n: packed as number }),
  };
}

const endOfTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('LastValue', () => {
  it('keeps the value as it came within the task, packs only the last one of a burst afterwards', async () => {
    const packer = countingPacker();
    const last = new LastValue<Box>(packer);
    const a = { n: 1 };
    const b = { n: 2 };
    last.set(a);
    last.set(b);
    expect(last.get()).toBe(b);
    expect(packer.packs).toEqual([]);
    await endOfTask();
    expect(packer.packs).toEqual([2]);
    expect(last.get()).toEqual(b);
    expect(last.get()).not.toBe(b);
    last.clear();
    expect(last.get()).toBeUndefined();
  });

  it('keeps the value unpacked when the packer throws', async () => {
    const last = new LastValue<Box>({
      pack: () => {
        throw new Error('cannot pack');
      },
      unpack: () => ({ n: -1 }),
    });
    const a = { n: 1 };
    last.set(a);
    await endOfTask();
    expect(last.get()).toBe(a);
  });
});

describe('SlotPacker', () => {
  it('hands cacheReplay the slot its stream just kept, and packs any other value itself', async () => {
    const counting = countingPacker();
    const packer = new SlotPacker<Box>(counting);
    const slot = new LastValue<Box>(counting);
    const a = { n: 1 };
    slot.set(a);
    packer.remember(a, slot);
    const kept = packer.pack(a);
    expect(kept).toBe(slot);
    expect(packer.unpack(kept)).toBe(a);
    const other = packer.pack({ n: 7 });
    expect(counting.packs).toEqual([7]);
    expect(packer.unpack(other)).toEqual({ n: 7 });
    await endOfTask();
    expect(packer.unpack(kept)).toEqual(a);
  });
});
