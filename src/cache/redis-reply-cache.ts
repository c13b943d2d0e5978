/**
 * A {@link ReplyCache} in Redis, so that several processes (workers, a fleet of bots, a restarted
 * process) share REST replies and their requests stop counting against one exchange rate limit each.
 *
 * The library talks to Redis through one function that runs a command (`SET key value PX ttl`, `GET key`,
 * `DEL key`), so it imports no Redis client and any client fits: node-redis' `sendCommand`, ioredis'
 * `call`. A cache must never make a request slower or fail it: a `GET` not answered within
 * `timeoutMs`, or an error, is a miss, and after one the cache stands aside for `pauseMs` instead of
 * piling commands onto a store that is down (node-redis queues commands while it reconnects).
 */
import { RedisLink, type RedisLinkOptions } from './redis-link.js';
import type { CachedReply, ReplyCache } from './reply-cache.js';

export type { RedisCommand } from './redis-link.js';

/** Options of a {@link RedisReplyCache}: `prefix` defaults to 'mdb:reply:', `timeoutMs` (of a `GET`) to 100. */
export type RedisReplyCacheOptions = RedisLinkOptions;

/** What a {@link RedisReplyCache} has done so far. */
export interface RedisReplyCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Writes sent (not waited for). */
  readonly writes: number;
  /** Commands that failed or timed out. */
  readonly errors: number;
  /** Entries that were not ours to read (another format), answered as misses and deleted. */
  readonly unreadable: number;
  /** Reads and writes skipped while the cache stood aside. */
  readonly skipped: number;
}

/** Format tag of an entry: `mdb1 <storedAt> <status>\n<text>` (the text as is, no escaping). */
const TAG = 'mdb1';
const HEADER = /^mdb1 (\d+) (\d{3})\n/;
const UTF8 = new TextDecoder();

/**
 * Reply texts in Redis with Redis' own expiry (`PX`): the entry of a key is gone for every process
 * once its TTL has passed.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true }).connect();
 * const replyCache = new RedisReplyCache({ command: (args) => redis.sendCommand(args) });
 * const backbone = new MarketDataBackbone({ exchanges: { upbit: { replyCache, replyTtlMs: 5_000 } } });
 * ```
 */
export class RedisReplyCache implements ReplyCache {
  readonly #link: RedisLink;
  #stats = { hits: 0, misses: 0, writes: 0, unreadable: 0, skipped: 0 };

  constructor(options: RedisReplyCacheOptions) {
    this.#link = new RedisLink(options, { name: 'Redis reply cache', prefix: 'mdb:reply:', timeoutMs: 100 });
  }

  /** Counters since construction (a copy). */
  get stats(): RedisReplyCacheStats {
    return { ...this.#stats, errors: this.#link.errors };
  }

  /** The entry of `key`, or `undefined` when Redis has none, is slow, fails or holds something else. */
  async get(key: string): Promise<CachedReply | undefined> {
    if (this.#paused()) return undefined;
    let raw: unknown;
    try {
      raw = await this.#link.run(['GET', this.#link.prefix + key]);
    } catch {
      return undefined;
    }
    const entry = decodeEntry(raw);
    if (entry === undefined) {
      if (raw !== null && raw !== undefined) {
        this.#stats.unreadable += 1;
        this.#send(['DEL', this.#link.prefix + key]);
      }
      this.#stats.misses += 1;
      return undefined;
    }
    this.#stats.hits += 1;
    return entry;
  }

  /** Stores `value` for `ttlMs` (whole milliseconds, at least 1); a TTL of 0 or less deletes the key. */
  set(key: string, value: CachedReply, ttlMs: number): Promise<void> {
    if (this.#paused()) return Promise.resolve();
    if (!(ttlMs > 0)) return this.delete(key);
    this.#stats.writes += 1;
    const text = `${TAG} ${Math.round(value.storedAt)} ${value.status ?? 200}\n${value.text}`;
    return this.#send(['SET', this.#link.prefix + key, text, 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
  }

  /** Deletes `key`. */
  delete(key: string): Promise<void> {
    if (this.#paused()) return Promise.resolve();
    return this.#send(['DEL', this.#link.prefix + key]);
  }

  #paused(): boolean {
    if (this.#link.paused) {
      this.#stats.skipped += 1;
      return true;
    }
    return false;
  }

  /** Runs a command whose reply nobody needs; its failure pauses the cache, never rejects. */
  #send(args: string[]): Promise<void> {
    return this.#link.send(args);
  }
}

/** Reads an entry written by {@link RedisReplyCache.set}; anything else (or nothing) is `undefined`. */
function decodeEntry(raw: unknown): CachedReply | undefined {
  const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? UTF8.decode(raw) : undefined;
  if (text === undefined) return undefined;
  const header = HEADER.exec(text);
  if (header === null) return undefined;
  return { storedAt: Number(header[1]), status: Number(header[2]), text: text.slice(header[0].length) };
}
