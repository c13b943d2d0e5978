/**
 * Request coalescing: keys asked for within one tick are loaded together, in chunks of at most
 * `maxBatch`, and a key already queued or in flight is shared instead of asked for twice.
 */

/** Loads a batch of keys; the map must hold a value or an error for every key it can answer. */
export type BatchLoader<K, V> = (keys: readonly K[]) => Promise<ReadonlyMap<K, V | Error>>;

/** Options of a {@link Batcher}. */
export interface BatcherOptions<K, V> {
  /** Loads one chunk of keys. */
  readonly load: BatchLoader<K, V>;
  /** Most keys in one chunk. @default 100 */
  readonly maxBatch?: number;
  /** Error for a key the loader's map does not mention. */
  readonly missing: (key: K) => Error;
  /** Defers the flush to the end of the tick. @default setImmediate, or setTimeout(0) in browsers */
  readonly schedule?: (flush: () => void) => void;
}

interface Pending<V> {
  readonly promise: Promise<V>;
  resolve(value: V): void;
  reject(error: unknown): void;
}

const defaultSchedule = (flush: () => void): void => {
  if (typeof setImmediate === 'function') setImmediate(flush);
  else setTimeout(flush, 0);
};

/**
 * Coalesces concurrent single-key loads into batched calls.
 *
 * Fifty `getTicker` calls issued together become one `/v1/ticker?markets=...` request; a second call
 * for a market whose request is still pending gets the same promise.
 *
 * @example
 * ```ts
 * const tickers = new Batcher<string, Ticker>({
 *   load: async (markets) => new Map((await fetchTickers(markets)).map((t) => [t.market, t])),
 *   missing: (market) => new Error(`no ticker for ${market}`),
 * });
 * const [btc, eth] = await Promise.all([tickers.load('KRW-BTC'), tickers.load('KRW-ETH')]);
 * ```
 */
export class Batcher<K, V> {
  readonly #options: BatcherOptions<K, V>;
  readonly #pending = new Map<K, Pending<V>>();
  #queue: K[] = [];

  constructor(options: BatcherOptions<K, V>) {
    this.#options = options;
  }

  /** Number of keys queued or in flight. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Resolves with the value for `key`, batched with the other keys asked for in this tick.
   *
   * @example
   * ```ts
   * const ticker = await tickers.load('KRW-BTC');
   * ```
   */
  load(key: K): Promise<V> {
    const existing = this.#pending.get(key);
    if (existing !== undefined) return existing.promise;
    let resolve!: (value: V) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<V>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#pending.set(key, { promise, resolve, reject });
    this.#queue.push(key);
    if (this.#queue.length === 1) (this.#options.schedule ?? defaultSchedule)(() => this.#flush());
    return promise;
  }

  #flush(): void {
    const keys = this.#queue;
    this.#queue = [];
    const maxBatch = Math.max(1, this.#options.maxBatch ?? 100);
    for (let start = 0; start < keys.length; start += maxBatch) {
      void this.#run(keys.slice(start, start + maxBatch));
    }
  }

  async #run(keys: readonly K[]): Promise<void> {
    let results: ReadonlyMap<K, V | Error> | undefined;
    let failure: unknown;
    try {
      results = await this.#options.load(keys);
    } catch (error) {
      failure = error;
    }
    for (const key of keys) {
      const pending = this.#pending.get(key);
      if (pending === undefined) continue;
      this.#pending.delete(key);
      if (results === undefined) {
        pending.reject(failure);
        continue;
      }
      const value = results.get(key);
      if (value === undefined) pending.reject(this.#options.missing(key));
      else if (value instanceof Error) pending.reject(value);
      else pending.resolve(value);
    }
  }
}
