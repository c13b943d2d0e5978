/**
 * Slow-changing exchange data fetched on demand (the market list, a market's tick table): one request
 * shared by concurrent callers, its result reused for a while, a failure forgotten so the next call asks
 * again.
 */

interface Entry<V> {
  readonly at: number;
  readonly promise: Promise<V>;
  /** The value once the promise fulfilled, for synchronous readers. */
  settled?: { readonly value: V };
}

/**
 * Promises by key, each reused for `ttlMs` after it was started; a rejected one is dropped at once
 * (unless a newer call replaced it already).
 *
 * @example
 * ```ts
 * const bands = new PromiseCache<string, PriceBand[]>(300_000, Date.now);
 * await bands.get('KRW-BTC', () => fetchBands('KRW-BTC')); // one request, then reused for 5 minutes
 * ```
 */
export class PromiseCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /**
   * The fresh promise of `key`, or a new one from `load`.
   *
   * @example
   * ```ts
   * const markets = await cache.get('markets', () => client.fetchMarkets());
   * ```
   */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.#fresh(key);
    if (cached !== undefined) return cached.promise;
    const promise = load();
    const entry: Entry<V> = { at: this.#now(), promise };
    this.#entries.set(key, entry);
    promise.then(
      (value) => {
        entry.settled = { value };
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return promise;
  }

  /**
   * The fresh value of `key` if its promise has fulfilled, without waiting; `undefined` otherwise.
   *
   * @example
   * ```ts
   * cache.peek('markets')?.length;
   * ```
   */
  peek(key: K): V | undefined {
    return this.#fresh(key)?.settled?.value;
  }

  #fresh(key: K): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#now() - entry.at < this.#ttlMs ? entry : undefined;
  }
}
