/**
 * The official FX source: `getFx` and `streamFx` over the Dunamu forex quotation, polled at most once a
 * minute per pair (a rate limiter of one request per pair and interval enforces it, retries included),
 * each reply cached for that interval and shared by every caller, each pair's stream one hot stream
 * (`cacheReplay`) however many subscribe.
 */
import { catchError, defer, EMPTY, exhaustMap, from, map, Observable, Subject, takeUntil, throwError, timer, asyncScheduler, type SchedulerLike } from 'rxjs';
import { cacheReplay } from '../../operators/cacheReplay.js';
import { PromiseCache } from '../cache/promise-cache.js';
import { RateLimiter } from '../core/rate-limit/rate-limiter.js';
import { InvalidArgumentError, MarketDataError, UnknownSymbolError } from '../errors/index.js';
import type { OfficialFxRate } from '../model/fx.js';
import { RestClient, type FetchLike } from '../transport/http/rest-client.js';
import { dunamuFxRest, FX_SOURCE_ID, parseFxReply, toFxCode, toFxRequest, type DunamuFxQuote } from './dunamu.js';

/** Options of an {@link OfficialFxSource} (the backbone's `fx` option). */
export interface OfficialFxOptions {
  /** Base URL of the quotation (a simulator). @default 'https://quotation-api-cdn.dunamu.com' */
  readonly restUrl?: string | undefined;
  /** Fetch implementation. @default cross-fetch */
  readonly fetch?: FetchLike | undefined;
  /** Abort a request after this long (ms). @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /** How often a stream polls, and how long a reply is reused (ms); at least a minute. @default 60_000 */
  readonly pollIntervalMs?: number | undefined;
  /** How long a stream without subscribers keeps polling before it stops (ms). @default 0 */
  readonly gracePeriodMs?: number | undefined;
  /** Clock of the rate ages, the poll timer and the limiter. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** A quote with our clock's time of its reply. */
interface Received extends DunamuFxQuote {
  readonly receivedAt: number;
}

/** The least time between two requests of one pair: the protocol note asks for no more than one a minute. */
export const MIN_FX_POLL_MS = 60_000;

/**
 * The official USD/KRW (and other `XXX/KRW`) rate: cached one-shot reads and hot polled streams, every
 * value with its age (`ageMs`, from the bank's own timestamp).
 *
 * Requests of one pair never go out more often than `pollIntervalMs` (one a minute by default): a reply is
 * reused that long by every `getFx` and stream of the pair, and the limiter holds anything sooner. A
 * stream outlives a failed poll (network, HTTP 5xx, a malformed reply: reported on `errors$`), keeping its
 * last rate, whose age keeps growing; a pair the source does not quote errors it with an
 * `UnknownSymbolError`, a pair that is not `XXX/KRW` with an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * const fx = new OfficialFxSource({ restUrl: simulator.url });
 * const usd = await fx.getFx('USD/KRW'); // { rate: 1169 as Big, quotedAt, ageMs, ... }
 * fx.streamFx('USD/KRW').subscribe((r) => console.log(r.rate.toFixed(2), `${Math.round(r.ageMs / 60_000)} min old`));
 * fx.close();
 * ```
 */
export class OfficialFxSource {
  readonly #client: RestClient;
  readonly #scheduler: SchedulerLike;
  readonly #intervalMs: number;
  readonly #graceMs: number;
  readonly #replies: PromiseCache<string, Received>;
  readonly #streams = new Map<string, Observable<OfficialFxRate>>();
  readonly #errors = new Subject<MarketDataError>();
  readonly #closed = new Subject<void>();
  #isClosed = false;

  constructor(options: OfficialFxOptions = {}) {
    const { pollIntervalMs = MIN_FX_POLL_MS, scheduler = asyncScheduler, timeoutMs = 10_000 } = options;
    if (!(pollIntervalMs >= MIN_FX_POLL_MS) || !Number.isFinite(pollIntervalMs)) {
      throw new InvalidArgumentError(`fx.pollIntervalMs must be at least ${MIN_FX_POLL_MS} (one request a minute), got ${pollIntervalMs}`, {
        argument: 'fx.pollIntervalMs',
        value: pollIntervalMs,
      });
    }
    this.#scheduler = scheduler;
    this.#intervalMs = pollIntervalMs;
    this.#graceMs = options.gracePeriodMs ?? 0;
    this.#replies = new PromiseCache(pollIntervalMs, () => scheduler.now());
    const limiter = new RateLimiter([], { scheduler, safetyMarginMs: 0, defaultRule: { limit: 1, windowMs: pollIntervalMs } });
    // No retries: a retry would wait out the interval anyway; a call may wait for its pair's slot that long.
    this.#client = new RestClient({
      exchange: FX_SOURCE_ID,
      adapter: dunamuFxRest,
      limiter,
      baseUrl: options.restUrl,
      fetch: options.fetch,
      timeoutMs,
      deadlineMs: pollIntervalMs + timeoutMs,
      scheduler,
      retry: false,
    });
  }

  /** Failed polls the streams survived (their last rate stays, ageing). */
  get errors$(): Observable<MarketDataError> {
    return this.#errors.asObservable();
  }

  /**
   * The latest official rate of `pair` (`'USD/KRW'`): the cached reply when one arrived less than
   * `pollIntervalMs` ago, else one request.
   *
   * @example
   * ```ts
   * const { rate, ageMs } = await fx.getFx('USD/KRW');
   * ```
   */
  getFx(pair: string): Promise<OfficialFxRate> {
    try {
      const [code, symbol] = this.#resolve(pair);
      return this.#fetch(code, symbol).then((quote) => this.#toRate(symbol, quote));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A hot stream of the official rate of `pair`: a value at subscription (the cached reply, or a request)
   * and one per `pollIntervalMs`, each with the quote's age then. Shared per pair; the newest value is
   * replayed to late subscribers for one interval.
   *
   * @example
   * ```ts
   * fx.streamFx('USD/KRW').subscribe(({ rate, ageMs }) => render(rate, ageMs));
   * ```
   */
  streamFx(pair: string): Observable<OfficialFxRate> {
    return defer(() => {
      const [code, symbol] = this.#resolve(pair);
      let stream = this.#streams.get(code);
      if (stream === undefined) {
        stream = this.#poll(code, symbol).pipe(
          takeUntil(this.#closed),
          cacheReplay({ ttlMs: this.#intervalMs, resetOnRefCountZeroDelayMs: this.#graceMs, scheduler: this.#scheduler }),
        );
        this.#streams.set(code, stream);
      }
      return stream;
    });
  }

  /** Completes every stream; later calls fail. */
  close(): void {
    this.#isClosed = true;
    this.#closed.next();
    this.#errors.complete();
  }

  #resolve(pair: string): readonly [code: string, symbol: string] {
    if (this.#isClosed) throw new MarketDataError('The FX source is closed');
    const code = toFxCode(pair);
    return [code, `${code.slice('FRX.KRW'.length)}/KRW`];
  }

  #poll(code: string, symbol: string): Observable<OfficialFxRate> {
    return timer(0, this.#intervalMs, this.#scheduler).pipe(
      exhaustMap(() =>
        from(this.#fetch(code, symbol)).pipe(
          catchError((error: unknown) => {
            if (error instanceof UnknownSymbolError || error instanceof InvalidArgumentError || !(error instanceof MarketDataError)) return throwError(() => error);
            this.#errors.next(error);
            return EMPTY;
          }),
        ),
      ),
      map((quote) => this.#toRate(symbol, quote)),
    );
  }

  #fetch(code: string, symbol: string): Promise<Received> {
    return this.#replies.get(code, async () => {
      const reply = await this.#client.fetch(toFxRequest([code]));
      const receivedAt = this.#scheduler.now();
      const quote = parseFxReply(reply.body).find((q) => q.code === code);
      if (quote === undefined) throw new UnknownSymbolError(`${FX_SOURCE_ID} quotes no ${symbol} (${code})`, { exchange: FX_SOURCE_ID, symbol });
      return { ...quote, receivedAt };
    });
  }

  #toRate(symbol: string, { basePrice, unit, timestamp, receivedAt }: Received): OfficialFxRate {
    const rate = unit.eq(1) ? basePrice : basePrice.div(unit);
    return { type: 'fx', symbol, rate, basePrice, unit, quotedAt: timestamp, receivedAt, ageMs: Math.max(0, this.#scheduler.now() - timestamp) };
  }
}
