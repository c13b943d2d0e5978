/**
 * A small least-recently-used map: the model's caches of derived history stay bounded however far
 * back clients page.
 */

/**
 * Map with a capacity; reading an entry makes it the most recent, writing past capacity evicts the
 * least recent.
 *
 * @example
 * ```ts
 * const cache = new LruCache<number, string>(2);
 * cache.set(1, 'a');
 * cache.get(1); // 'a'
 * ```
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();

  /** @param capacity Most entries kept. */
  constructor(readonly capacity: number) {}

  /** The entry for `key`, refreshed as most recent. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** Stores `value`, evicting the oldest entry when full. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }
}
