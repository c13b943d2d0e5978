/**
 * The configuration and the counters of an {@link ExchangeClient}, kept apart from the class so that
 * callers that only pass options around (the backbone, the CLI) need not read its implementation.
 */
import type { ReplyCache } from '../cache/reply-cache.js';
import type { RestRequest } from '../core/exchange-adapter.js';
import type { RateLimitRule } from '../core/rate-limit/rate-limiter.js';
import type { SharedRateBudget } from '../core/rate-limit/shared-budget.js';
import type { FetchLike } from '../transport/http/rest-client.js';
import type { RetryBackoffConfig } from '../../operators/retryBackoff.js';
import type { StreamOptions } from '../streams/stream-hub.js';

/** How a client reaches an exchange's REST API; shared by the public and the private clients. */
export interface RestAccessOptions {
  /** REST base URL (a simulator, a proxy). @default the adapter's (the real exchange) */
  readonly restUrl?: string | undefined;
  /** Fetch implementation. @default cross-fetch */
  readonly fetch?: FetchLike | undefined;
  /** Request timeout (ms), per attempt. @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /**
   * Deadline of a whole call (ms): time waiting in the rate limiter, every attempt and the waits
   * between retries. Past it the call fails with a `RateLimitError` or a `TimeoutError`.
   * @default 3 × timeoutMs (30 s)
   */
  readonly deadlineMs?: number | undefined;
  /** Retry policy for retryable failures, or `false`. @default { maxRetries: 4 } */
  readonly retry?: RetryBackoffConfig | false | undefined;
}

/**
 * Options of an {@link ExchangeClient}.
 *
 * Every field is optional: the defaults talk to the real exchange with its published rate limits,
 * check symbols against its market list and batch concurrent ticker and order-book calls.
 *
 * @example
 * ```ts
 * const options: ExchangeClientOptions = { restUrl: simulator.url, timeoutMs: 5_000, batch: false };
 * const client = new ExchangeClient(upbitAdapter, options);
 * ```
 */
export interface ExchangeClientOptions extends StreamOptions, RestAccessOptions {
  /** Check symbols against the market list before asking for them. @default true */
  readonly validateSymbols?: boolean | undefined;
  /** How long the market list is reused. @default 300_000 */
  readonly marketsTtlMs?: number | undefined;
  /** Coalesce concurrent ticker/order-book calls into batched requests. @default true */
  readonly batch?: boolean | undefined;
  /**
   * Override the adapter's rate limits (e.g. a simulator configured with other limits).
   * @default the adapter's, plus its `originLimits.rule` when `sendsOrigin`
   */
  readonly rateLimits?: readonly RateLimitRule[] | undefined;
  /**
   * A rate-limit budget counted with every other process on the same egress IP (a
   * {@link RedisRateBudget}): each request also takes its units there. When the store fails, the client
   * counts locally at its share of the limit and says so on {@link ExchangeClient.events} (`budget`).
   * @default none (this process's own count)
   */
  readonly rateBudget?: SharedRateBudget | undefined;
  /** A live stream value younger than this answers `getTicker` without a request. @default 2_000 */
  readonly streamFreshMs?: number | undefined;
  /** Clock for `receivedAt`. @default Date.now */
  readonly now?: (() => number) | undefined;
  /**
   * Cache of public REST replies (market list, tick tables, tickers, order books, trades, candles; a
   * batch of markets is one reply), keyed by exchange, path and parameters: a {@link MemoryReplyCache},
   * a {@link RedisReplyCache} shared by several processes, or your own store behind the same interface.
   * @default none
   */
  readonly replyCache?: ReplyCache | undefined;
  /**
   * How long a cached reply is served, per request; `undefined` or `0` skips the cache for it.
   * @default 1_000 for every request
   */
  readonly replyTtlMs?: number | ((request: RestRequest) => number | undefined) | undefined;
}

/**
 * Counters of what an exchange client did.
 *
 * A snapshot: reading {@link ExchangeClient.stats} again gives fresh numbers.
 *
 * @example
 * ```ts
 * const { requests, replies } = client.stats;
 * console.log(`${requests} requests, ${replies[429] ?? 0} rate-limited`);
 * ```
 */
export interface ExchangeClientStats {
  /** HTTP exchanges by status code. */
  readonly replies: Readonly<Record<number, number>>;
  /** HTTP requests sent. */
  readonly requests: number;
  /** REST calls answered by the reply cache (no request sent). */
  readonly cacheHits: number;
  /** Which source answered `getTicker` calls: a fresh live stream, REST (or its cache), or a newly opened stream. */
  readonly served: { readonly stream: number; readonly rest: number; readonly realtime: number };
  /** Values the hot streams delivered, by source (WebSocket, or REST polling during outages). */
  readonly streamed: { readonly ws: number; readonly rest: number };
}

/**
 * What an {@link ExchangeClient} reports as it works (metrics, logs), on {@link ExchangeClient.events}:
 * - `reply`: an HTTP exchange ended with `status`, counted in rate-limit `group`;
 * - `wait`: a request waited `seconds` in the rate limiter of `group` before it was sent;
 * - `budget`: `group` counts in the shared budget (`shared: true`) or fell back to its local share.
 *
 * @example
 * ```ts
 * client.events.subscribe((e) => e.type === 'budget' && !e.shared && console.warn(`${e.group}: local share`));
 * ```
 */
export type ExchangeClientEvent =
  | { readonly type: 'reply'; readonly group: string; readonly status: number }
  | { readonly type: 'wait'; readonly group: string; readonly seconds: number }
  | { readonly type: 'budget'; readonly group: string; readonly shared: boolean; readonly peers: number };
