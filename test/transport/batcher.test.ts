import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/transport/http/batcher.js';

function create(maxBatch = 100, fail?: (keys: readonly string[]) => Error | undefined) {
  const calls: string[][] = [];
  const batcher = new Batcher<string, string>({
    maxBatch,
    load: async (keys) => {
      calls.push([...keys]);
      const error = fail?.(keys);
      if (error !== undefined) throw error;
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
    },
    missing: (key) => new Error(`missing ${key}`),
  });
  return { batcher, calls };
}

describe('Batcher', () => {
  it('coalesces keys asked for in one tick into one call', async () => {
    const { batcher, calls } = create();
    const values = await Promise.all(['a', 'b', 'c'].map((k) => batcher.load(k)));
    expect(values).toEqual(['A', 'B', 'C']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('chunks by maxBatch', async () => {
    const { batcher, calls } = create(2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => batcher.load(k)));
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('shares a key that is already pending', async () => {
    const { batcher, calls } = create();
    const first = batcher.load('a');
    const second = batcher.load('a');
    expect(second).toBe(first);
    await first;
    expect(calls).toEqual([['a']]);
    expect(batcher.size).toBe(0);
  });

  it('loads again in a later tick', async () => {
    const { batcher, calls } = create();
    await batcher.load('a');
    await batcher.load('a');
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('rejects only the key the loader did not answer', async () => {
    const { batcher } = create();
    const [good, missing] = await Promise.allSettled([batcher.load('a'), batcher.load('missing')]);
    expect(good).toEqual({ status: 'fulfilled', value: 'A' });
    expect(missing.status === 'rejected' && (missing.reason as Error).message).toBe('missing missing');
  });

  it('rejects every key of a failed call', async () => {
    const { batcher } = create(100, () => new Error('down'));
    const results = await Promise.allSettled([batcher.load('a'), batcher.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
