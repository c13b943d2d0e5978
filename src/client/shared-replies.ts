/**
 * Reply sharing for an {@link ExchangeClient}'s REST calls: identical requests in flight share one HTTP
 * exchange, and replies go through the optional reply cache.
 */
import { replyCacheKey } from '../cache/reply-cache.js';
import type { ExchangeClientOptions } from './client-options.js';
import type { RestRequest } from '../core/exchange-adapter.js';
import { parseJsonExact } from '../transport/json/json.js';
import type { RestClient } from '../transport/http/rest-client.js';

/** A reply's parsed JSON body and when it arrived (ms, our clock). */
export interface ReplyBody {
  readonly body: unknown;
  readonly receivedAt: number;
}

/** Options of a {@link SharedReplies}. */
export interface SharedRepliesOptions {
  /** Exchange id, part of every cache key. */
  readonly exchange: string;
  /** Sends the requests the cache cannot answer. */
  readonly rest: Pick<RestClient, 'fetch'>;
  /**
   * Where the cache and its TTL are read, at each call (the client's options object).
   * `replyTtlMs` defaults to 1_000; no `replyCache` means every request is fetched.
   */
  readonly cache: Pick<ExchangeClientOptions, 'replyCache' | 'replyTtlMs'>;
  /** Clock for `receivedAt`. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/**
 * Fetches and parses REST replies, sharing identical requests in flight and serving fresh cached copies.
 *
 * The cache never fails a request: a store that errors (a Redis outage) is skipped, an entry that is
 * not JSON is a miss (and deleted), and writes are not waited for.
 *
 * @example
 * ```ts
 * const replies = new SharedReplies({ exchange: 'upbit', rest: restClient, cache: { replyCache: new MemoryReplyCache() } });
 * const trades = await replies.load(upbitAdapter.rest.trades('KRW-BTC', {}), (body, at) => parse(body, at));
 * ```
 */
export class SharedReplies {
  readonly #exchange: string;
  readonly #rest: SharedRepliesOptions['rest'];
  readonly #cache: SharedRepliesOptions['cache'];
  readonly #now: () => number;
  readonly #inflight = new Map<string, Promise<ReplyBody>>();
  #cacheHits = 0;

  constructor(options: SharedRepliesOptions) {
    this.#exchange = options.exchange;
    this.#rest = options.rest;
    this.#cache = options.cache;
    this.#now = options.now ?? Date.now;
  }

  /** Replies answered from the cache so far. */
  get cacheHits(): number {
    return this.#cacheHits;
  }

  /**
   * The parsed reply to `request`; a call identical to one in flight shares its HTTP exchange.
   *
   * @example
   * ```ts
   * const candles = await replies.load(request, (body, at) => upbitAdapter.rest.parseCandles(body, '1m', { receivedAt: at, market }));
   * ```
   */
  load<T>(request: RestRequest, parse: (body: unknown, receivedAt: number) => T): Promise<T> {
    return this.body(request).then(({ body, receivedAt }) => parse(body, receivedAt));
  }

  /**
   * The JSON body of the reply to `request` and when it arrived (when it was stored, for a cached copy);
   * a call identical to one in flight gets the same promise.
   *
   * @example
   * ```ts
   * const { body, receivedAt } = await replies.body(upbitAdapter.rest.tickers(['KRW-BTC']));
   * ```
   */
  body(request: RestRequest): Promise<ReplyBody> {
    const key = replyCacheKey(this.#exchange, request);
    const existing = this.#inflight.get(key);
    if (existing !== undefined) return existing;
    const promise = this.#cachedBody(key, request);
    this.#inflight.set(key, promise);
    const forget = (): void => {
      this.#inflight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * The parsed body of a request and when it arrived: from the reply cache when it holds a fresh copy
   * (`receivedAt` is then when it was stored), else fetched and stored.
   */
  async #cachedBody(key: string, request: RestRequest): Promise<ReplyBody> {
    const { replyCache: cache, replyTtlMs = 1_000 } = this.#cache;
    const ttl = typeof replyTtlMs === 'function' ? replyTtlMs(request) : replyTtlMs;
    if (cache !== undefined && ttl !== undefined && ttl > 0) {
      const hit = await Promise.resolve()
        .then(() => cache.get(key))
        .catch(() => undefined);
      const body = hit === undefined ? undefined : readCachedBody(hit.text);
      if (hit !== undefined && body !== undefined) {
        this.#cacheHits += 1;
        return { body: body.value, receivedAt: hit.storedAt };
      }
      // An entry that is not JSON (a store shared with other writers, a truncated value) is a miss.
      if (hit !== undefined) Promise.resolve().then(() => cache.delete?.(key)).catch(() => undefined);
    }
    const reply = await this.#rest.fetch(request);
    const receivedAt = this.#now();
    if (cache !== undefined && ttl !== undefined && ttl > 0) {
      Promise.resolve()
        .then(() => cache.set(key, { text: reply.text, status: reply.status, storedAt: receivedAt }, ttl))
        .catch(() => undefined);
    }
    return { body: reply.body, receivedAt };
  }
}

/** The JSON of a cached text, boxed (a reply may be `null`); `undefined` when it does not parse. */
function readCachedBody(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: parseJsonExact(text) };
  } catch {
    return undefined;
  }
}
