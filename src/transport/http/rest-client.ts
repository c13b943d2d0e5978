/**
 * The only HTTP code in the library: sends an adapter's {@link RestRequest}s with a timeout, under the
 * shared rate limiter, retrying retryable failures with backoff, all within one deadline per call, and
 * maps every failure to a typed error.
 */
import crossFetch from 'cross-fetch';
import { asyncScheduler, defer, firstValueFrom, Observable, type SchedulerLike } from 'rxjs';
import { rateLimit } from '../../../operators/rateLimit.js';
import { retryBackoff, type RetryBackoffConfig } from '../../../operators/retryBackoff.js';
import { ConnectionError, isRetryableError, MarketDataError, ParseError, RateLimitError, TimeoutError } from '../../errors/index.js';
import type { ExchangeRestAdapter, RestReply, RestRequest } from '../../core/exchange-adapter.js';
import { parseJsonExact } from '../json/json.js';
import type { RateLimiter } from '../../core/rate-limit/rate-limiter.js';

/** The part of the Fetch API the client uses; pass your own to go through a proxy or a test double. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/** Options of a {@link RestClient}. */
export interface RestClientOptions {
  /** The exchange's REST adapter (error and rate-limit feedback mapping; only these members are used). */
  readonly adapter: Pick<ExchangeRestAdapter, 'baseUrl' | 'readFeedback' | 'toError'>;
  /** Exchange id, put on every error. */
  readonly exchange: string;
  /** The limiter shared by every caller of this exchange endpoint. */
  readonly limiter: RateLimiter;
  /** REST base URL. @default adapter.baseUrl */
  readonly baseUrl?: string | undefined;
  /** Fetch implementation. @default cross-fetch */
  readonly fetch?: FetchLike | undefined;
  /** Abort a request that has not answered after this long. @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /**
   * The whole call's deadline, in ms from subscription: time queued in the rate limiter, every attempt
   * and every wait between retries. When it passes the call fails with a {@link RateLimitError} (the
   * limiter or the server kept refusing) or a {@link TimeoutError} (anything else).
   * @default 3 × timeoutMs (30 s)
   */
  readonly deadlineMs?: number | undefined;
  /** Clock and timer of the deadline. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** Backoff for retryable failures, or `false` to fail at once. @default { maxRetries: 4 } */
  readonly retry?: RetryBackoffConfig | false | undefined;
  /** Extra request headers. @default {} */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The limiter group a request counts against, from its own: maps the groups an `Origin` budget covers
   * onto it (see `ExchangeRestAdapter.originLimits`). @default the request's own group
   */
  readonly groupOf?: ((group: string) => string) | undefined;
  /** Called after every HTTP exchange (metrics, tests). */
  readonly onReply?: ((request: RestRequest, status: number) => void) | undefined;
  /**
   * Extra headers per request, asked for before every attempt (retries included), e.g. a signed
   * `Authorization` whose nonce must be new each time. @default undefined (none)
   */
  readonly signRequest?: ((request: RestRequest) => Promise<Readonly<Record<string, string>>>) | undefined;
}

const DEFAULT_RETRY: RetryBackoffConfig = { maxRetries: 4 };

/** Where one call stands, for the error its deadline raises. */
interface CallState {
  /** `true` while an attempt is on the wire; `false` while queued in the limiter or between retries. */
  sending: boolean;
  /** The last attempt's error. */
  last: unknown;
}

/** Builds the full URL of a request. */
export function buildUrl(baseUrl: string, request: RestRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return query === '' ? `${baseUrl}${request.path}` : `${baseUrl}${request.path}?${query}`;
}

/**
 * Sends REST requests for one exchange endpoint.
 *
 * `request()` is cold and lazy: nothing is sent until subscription, and unsubscribing aborts the HTTP
 * call (or leaves the rate-limit queue). Every reply passes through the adapter's `toError`, so a 429,
 * an Upbit error body or a malformed body arrives as a typed error, never as data.
 *
 * @example
 * ```ts
 * const client = new RestClient({ exchange: 'upbit', adapter: upbitAdapter.rest, limiter });
 * const reply = await client.fetch(upbitAdapter.rest.tickers(['KRW-BTC']));
 * ```
 */
export class RestClient {
  readonly #adapter: RestClientOptions['adapter'];
  readonly #exchange: string;
  readonly #limiter: RateLimiter;
  readonly #groupOf: ((group: string) => string) | undefined;
  readonly #baseUrl: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number;
  readonly #scheduler: SchedulerLike;
  readonly #retry: RetryBackoffConfig | false;
  readonly #headers: Record<string, string>;
  readonly #onReply: RestClientOptions['onReply'];
  readonly #signRequest: RestClientOptions['signRequest'];

  constructor(options: RestClientOptions) {
    this.#adapter = options.adapter;
    this.#exchange = options.exchange;
    this.#limiter = options.limiter;
    this.#groupOf = options.groupOf;
    this.#baseUrl = (options.baseUrl ?? options.adapter.baseUrl).replace(/\/+$/, '');
    this.#fetch = options.fetch ?? (crossFetch as unknown as FetchLike);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#deadlineMs = options.deadlineMs ?? 3 * this.#timeoutMs;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#headers = { accept: 'application/json', ...options.headers };
    this.#onReply = options.onReply;
    this.#signRequest = options.signRequest;
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  /**
   * A cold Observable of the reply: rate-limited, retried, error-mapped, and failed with a typed error
   * when it has not come back `deadlineMs` after subscription (see {@link RestClientOptions.deadlineMs}).
   *
   * @example
   * ```ts
   * client.request(upbitAdapter.rest.markets()).subscribe((reply) => console.log(reply.status));
   * ```
   */
  request(request: RestRequest): Observable<RestReply> {
    const group = this.#groupOf?.(request.group) ?? request.group;
    return new Observable<RestReply>((subscriber) => {
      const call: CallState = { sending: false, last: undefined };
      const deadlineAt = this.#scheduler.now() + this.#deadlineMs;
      const once$ = defer(() => this.#send(request, call)).pipe(
        rateLimit<RestReply>({ limiter: this.#limiter, group, cost: request.cost ?? 1, feedback: (reply) => this.#adapter.readFeedback(reply, request) }),
      );
      const retry = this.#retry;
      const tried$ = retry === false ? once$ : once$.pipe(retryBackoff<RestReply>({ ...retry, shouldRetry: this.#withinDeadline(retry, deadlineAt) }));
      // An observer of its own: handing `subscriber` itself over would make `inner` that very subscriber,
      // and unsubscribing it at the deadline would close the caller before the error could reach it.
      const inner = tried$.subscribe({
        next: (reply) => subscriber.next(reply),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      const timer = this.#scheduler.schedule(() => {
        inner.unsubscribe();
        subscriber.error(this.#deadlineError(request, group, call));
      }, this.#deadlineMs);
      return () => {
        timer.unsubscribe();
        inner.unsubscribe();
      };
    });
  }

  /**
   * Promise form of {@link RestClient.request}.
   *
   * @example
   * ```ts
   * const { body } = await client.fetch(upbitAdapter.rest.tickers(['KRW-BTC']));
   * ```
   */
  fetch(request: RestRequest): Promise<RestReply> {
    return firstValueFrom(this.request(request));
  }

  /**
   * A rate-limit error that names a group this client counts elsewhere (an `Origin` budget) names the
   * limiter's group instead, so that `rateLimit` holds back the budget that was actually exhausted.
   */
  #inLimiterGroup(error: MarketDataError): MarketDataError {
    if (!(error instanceof RateLimitError) || error.group === undefined || this.#groupOf === undefined) return error;
    const group = this.#groupOf(error.group);
    if (group === error.group) return error;
    return new RateLimitError(error.message, { exchange: error.exchange, status: error.status ?? 429, retryAfterMs: error.retryAfterMs, group, cause: error });
  }

  /**
   * The retry policy's verdict, except that a server asking for a wait that ends after the deadline
   * fails the call at once with its own error: waiting out the deadline would tell the caller nothing more.
   */
  #withinDeadline(retry: RetryBackoffConfig, deadlineAt: number): (error: unknown, attempt: number) => boolean {
    const { shouldRetry = isRetryableError } = retry;
    return (error, attempt) =>
      shouldRetry(error, attempt) && !(error instanceof RateLimitError && this.#scheduler.now() + error.retryAfterMs > deadlineAt);
  }

  /** The error of a call whose deadline passed: refused by the limiter or the server, or too slow. */
  #deadlineError(request: RestRequest, group: string, call: CallState): MarketDataError {
    const what = `${this.#exchange} GET ${request.path}`;
    const { last } = call;
    if (!call.sending && last instanceof RateLimitError) {
      return new RateLimitError(`${what} was still refused (HTTP ${last.status ?? 429}) when its deadline of ${this.#deadlineMs} ms passed`, {
        exchange: this.#exchange,
        status: last.status,
        retryAfterMs: last.retryAfterMs,
        group: last.group,
        cause: last,
      });
    }
    if (!call.sending && last === undefined) {
      const retryAfterMs = Math.max(0, this.#limiter.blockedUntil(group) - this.#limiter.now(), this.#limiter.rule(group)?.windowMs ?? 0);
      return new RateLimitError(`${what} waited in the rate limiter (group ${group}) past its deadline of ${this.#deadlineMs} ms`, {
        exchange: this.#exchange,
        status: undefined,
        retryAfterMs,
        group,
      });
    }
    const after = last === undefined ? '' : ` (last attempt: ${describe(last)})`;
    return new TimeoutError(`${what} did not finish within its deadline of ${this.#deadlineMs} ms${after}`, {
      exchange: this.#exchange,
      timeoutMs: this.#deadlineMs,
      cause: last,
    });
  }

  #send(request: RestRequest, call: CallState): Observable<RestReply> {
    return new Observable<RestReply>((subscriber) => {
      call.sending = true;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
      const fail = (error: MarketDataError): void => {
        call.sending = false;
        call.last = error;
        subscriber.error(error);
      };
      const url = buildUrl(this.#baseUrl, request);
      const what = `${this.#exchange} GET ${request.path}`;

      const sign = this.#signRequest;
      // A signer that fails (no WebCrypto, bad key) will fail again: not retryable, unlike a network error.
      const headersReady =
        sign === undefined
          ? Promise.resolve(this.#headers)
          : sign(request).then(
              (extra) => ({ ...this.#headers, ...extra }),
              (cause: unknown) => {
                throw cause instanceof MarketDataError ? cause : new MarketDataError(`${what} could not be signed`, { exchange: this.#exchange, cause });
              },
            );
      headersReady
        .then((headers) => {
          // Called as a plain function: a browser's `window.fetch` (what cross-fetch hands back there)
          // throws "Illegal invocation" when called with another object as `this`.
          const fetch = this.#fetch;
          return fetch(url, { signal: controller.signal, headers });
        })
        .then(async (response) => {
          const text = await response.text();
          clearTimeout(timer);
          this.#onReply?.(request, response.status);
          const reply = toReply(response.status, response.headers, text, what, this.#exchange);
          const error = this.#adapter.toError(reply, request);
          if (error !== undefined) throw this.#inLimiterGroup(error);
          subscriber.next(reply);
          subscriber.complete();
        })
        .catch((cause: unknown) => {
          clearTimeout(timer);
          if (subscriber.closed) return;
          if (cause instanceof MarketDataError) fail(cause);
          else if (timedOut) {
            fail(new ConnectionError(`${what} timed out after ${this.#timeoutMs} ms`, { exchange: this.#exchange, reason: 'timeout', cause }));
          } else {
            fail(new ConnectionError(`${what} failed: ${describe(cause)}`, { exchange: this.#exchange, reason: 'network', cause }));
          }
        });

      return () => {
        call.sending = false;
        clearTimeout(timer);
        controller.abort();
      };
    });
  }
}

/** Parses a reply body; a 2xx body that is not valid JSON is a {@link ParseError}. */
function toReply(status: number, headers: RestReply['headers'], text: string, what: string, exchange: string): RestReply {
  const ok = status >= 200 && status < 300;
  const looksJson = /^\s*[[{"]/.test(text);
  if (!looksJson) {
    if (ok) throw new ParseError(`${what} returned a body that is not JSON`, { exchange, channel: what, raw: text });
    return { status, headers, text, body: undefined };
  }
  try {
    return { status, headers, text, body: parseJsonExact(text) };
  } catch (cause) {
    if (ok) throw new ParseError(`${what} returned malformed JSON: ${describe(cause)}`, { exchange, channel: what, raw: text, cause });
    return { status, headers, text, body: undefined };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
