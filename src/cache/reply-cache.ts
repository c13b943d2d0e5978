/**
 * A cache of REST reply texts with a time to live, behind an interface small enough for a shared store
 * to implement ({@link RedisReplyCache}: `GET`/`SET key value PX ttl`/`DEL`). Keys are strings
 * `exchange|path?query` ({@link replyCacheKey}) and values are plain text, so nothing needs a class to
 * be revived.
 *
 * How an {@link ExchangeClient} is meant to use it: before sending a cacheable GET (candles of closed
 * periods, the market list, a ticker for a short TTL), build the key from the adapter's request
 * (`replyCacheKey(adapter.id, request)`), `await cache.get(key)` and, on a hit, parse `reply.text` with
 * `parseJsonExact` and the adapter's mapper as if it had just arrived; on a miss, send the request and
 * `cache.set(key, { text, status, storedAt }, ttlMs)` only for 2xx replies. Never cache error replies.
 */

/** A cached reply: the raw body text (parse it again with `parseJsonExact`), its status and when it was stored. */
export interface CachedReply {
  readonly text: string;
  /** HTTP status of the reply. @default 200 */
  readonly status?: number | undefined;
  /** Our clock when the reply was stored (ms). */
  readonly storedAt: number;
}

/**
 * A TTL cache of reply texts. Every method may answer synchronously or with a promise, so an in-memory
 * map and a network store fit the same interface; callers always `await` the result.
 */
export interface ReplyCache {
  /** The live entry of `key`, or `undefined` when missing or expired. */
  get(key: string): Promise<CachedReply | undefined> | CachedReply | undefined;
  /** Stores `value` under `key` for `ttlMs` milliseconds (replacing any entry). */
  set(key: string, value: CachedReply, ttlMs: number): Promise<void> | void;
  /** Forgets `key`. */
  delete?(key: string): Promise<void> | void;
}

/** The parts of a request that identify its reply. */
export interface CacheableRequest {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>> | undefined;
}

/**
 * The cache key of a request: `exchange|path?query`, the query parameters sorted by name so that the
 * same question always gets the same key.
 *
 * @example
 * ```ts
 * replyCacheKey('upbit', { path: '/v1/candles/days', query: { market: 'KRW-BTC', count: '200' } });
 * // 'upbit|/v1/candles/days?count=200&market=KRW-BTC'
 * ```
 */
export function replyCacheKey(exchange: string, request: CacheableRequest): string {
  const entries = Object.entries(request.query ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(entries).toString();
  return query === '' ? `${exchange}|${request.path}` : `${exchange}|${request.path}?${query}`;
}

/** Options of a {@link MemoryReplyCache}. */
export interface MemoryReplyCacheOptions {
  /** Most entries kept; the least recently used goes first. @default 1000 */
  readonly maxEntries?: number | undefined;
  /** Clock of the TTLs. @default Date.now */
  readonly now?: (() => number) | undefined;
}

interface Entry {
  readonly value: CachedReply;
  readonly expiresAt: number;
}

/**
 * An in-process {@link ReplyCache}: entries expire after their TTL and, past `maxEntries`, the least
 * recently used (read or written) is dropped. Answers synchronously.
 *
 * @example
 * ```ts
 * const cache = new MemoryReplyCache({ maxEntries: 500 });
 * cache.set('upbit|/v1/market/all', { text: body, storedAt: Date.now() }, 60_000);
 * cache.get('upbit|/v1/market/all')?.text; // body, for a minute
 * ```
 */
export class MemoryReplyCache implements ReplyCache {
  /** A Map iterates in insertion order: re-inserting on use keeps the least recently used first. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryReplyCacheOptions = {}) {
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 1000));
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries held (expired ones included until they are touched or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CachedReply | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: CachedReply, ttlMs: number): void {
    this.#entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
