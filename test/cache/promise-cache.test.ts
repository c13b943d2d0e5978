import { describe, expect, it } from 'vitest';
import { PromiseCache } from '../../src/cache/promise-cache.js';

describe('PromiseCache', () => {
  it('shares one load between concurrent callers and reuses it until the TTL, then loads again', async () => {
    let now = 0;
    let loads = 0;
    const cache = new PromiseCache<string, number>(100, () => now);
    const load = () => Promise.resolve(++loads);
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    now = 99;
    expect(await cache.get('k', load)).toBe(1);
    expect(cache.peek('k')).toBe(1);
    now = 100;
    expect(cache.peek('k')).toBeUndefined(); // expired
    expect(await cache.get('k', load)).toBe(2);
    expect(await cache.get('other', load)).toBe(3); // keys are independent
  });

  it('forgets a failed load at once, and shows nothing to peek before a load has settled', async () => {
    const cache = new PromiseCache<string, number>(1_000, () => 0);
    let release: (value: number) => void = () => undefined;
    const pending = cache.get('k', () => new Promise<number>((resolve) => (release = resolve)));
    expect(cache.peek('k')).toBeUndefined();
    release(7);
    expect(await pending).toBe(7);
    expect(cache.peek('k')).toBe(7);
    const failing = new PromiseCache<string, number>(1_000, () => 0);
    await expect(failing.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await failing.get('k', () => Promise.resolve(5))).toBe(5);
  });
});
