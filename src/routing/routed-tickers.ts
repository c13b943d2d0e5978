/**
 * The thin glue between a {@link ChannelRouter} and one exchange's tickers: it tells the router what
 * happens (calls, stream values, REST latency and 429s, socket drops), asks it where each call goes,
 * and holds on the socket the markets its plan wants. Knows the exchange only through
 * {@link RoutedTickerSource}, so it sits below the client.
 */
import { asyncScheduler, filter, first, firstValueFrom, map, race, timer, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { StatusEvent } from '../model/market-event.js';
import type { Ticker } from '../model/ticker.js';
import { ChannelRouter, type ChannelRouterOptions } from './channel-router.js';
import type { RouteDecision } from './routing-types.js';

/** What routing needs from one exchange's client (an `ExchangeClient` and its stream hub provide it). */
export interface RoutedTickerSource {
  /** The freshest ticker a live stream of `market` holds, if any. */
  latest(market: string): Ticker | undefined;
  /** A REST ticker received no earlier than `maxAgeMs` before the call (batched with concurrent calls). */
  rest(market: string, maxAgeMs: number | undefined): Promise<Ticker>;
  /** The hot ticker stream of `market` (replays its latest value). */
  stream(market: string): Observable<Ticker>;
  /** Socket status events. */
  readonly status$: Observable<StatusEvent>;
  /** 429 replies so far (read before and after a call to tell a rate-limited call). */
  rateLimitedReplies(): number;
}

/** Options of {@link RoutedTickers}: the router's plus the planning period. */
export interface RoutedTickersOptions extends Omit<ChannelRouterOptions, 'now'> {
  /** Timers and clock. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** How often the plan is revisited while anything is asked or held (ms). @default 1_000 */
  readonly planIntervalMs?: number | undefined;
}

/** Plans keep running this long after the last call when nothing is held (ms). */
const IDLE_STOP_MS = 120_000;

/**
 * Routed tickers of one exchange.
 *
 * @example
 * ```ts
 * const routed = new RoutedTickers(source, { limits: { maxSubscriptions: 1024 } });
 * const ticker = await routed.getTicker('KRW-BTC', 1_000);
 * ```
 */
export class RoutedTickers {
  readonly router: ChannelRouter;
  readonly #source: RoutedTickerSource;
  readonly #scheduler: SchedulerLike;
  readonly #planIntervalMs: number;
  readonly #held = new Map<string, Subscription>();
  #status: Subscription | undefined;
  #planner: Subscription | undefined;
  #lastCallAt = 0;
  #closed = false;

  constructor(source: RoutedTickerSource, options: RoutedTickersOptions = {}) {
    this.#source = source;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#planIntervalMs = options.planIntervalMs ?? 1_000;
    this.router = new ChannelRouter({ ...options, now: () => this.#scheduler.now() });
    // A saved plan is taken up at once: a restart does not start cold.
    if (options.state !== undefined) this.#plan();
  }

  /**
   * The ticker of `market` (native code), received no earlier than `maxAgeMs` before this call
   * (`undefined`: the router's default freshness), from wherever the router says; `restShare` is the
   * share of a REST request the call costs (`1 / n` when n markets are asked for together).
   *
   * @example
   * ```ts
   * const { last } = await routed.getTicker('KRW-BTC', 500);
   * ```
   */
  async getTicker(market: string, maxAgeMs: number | undefined, restShare = 1): Promise<Ticker> {
    const calledAt = this.#scheduler.now();
    this.#lastCallAt = calledAt;
    this.router.called(market, maxAgeMs, restShare);
    this.#startPlanner();
    const asked = maxAgeMs ?? this.router.defaultMaxAgeMs;
    const live = this.#source.latest(market);
    const decision = this.router.route(market, asked, live === undefined ? undefined : calledAt - live.receivedAt);
    if (decision.source === 'stream' && live !== undefined) return live;
    if (decision.source === 'wait') {
      const next = await this.#next(market, calledAt, asked, decision);
      if (next !== undefined) return next;
    }
    return this.#rest(market, maxAgeMs ?? asked);
  }

  /** Stops planning and drops every held market. */
  close(): void {
    this.#closed = true;
    this.#planner?.unsubscribe();
    this.#status?.unsubscribe();
    for (const held of this.#held.values()) held.unsubscribe();
    this.#held.clear();
    this.router.close();
  }

  /** The stream's next value fresh enough for this call, or `undefined` after `waitMs`. */
  #next(market: string, calledAt: number, maxAgeMs: number, decision: RouteDecision): Promise<Ticker | undefined> {
    const fresh$ = this.#source.stream(market).pipe(
      filter((t) => t.receivedAt >= calledAt - maxAgeMs),
      first(),
    );
    return firstValueFrom(race(fresh$, timer(decision.waitMs, this.#scheduler).pipe(map(() => undefined))));
  }

  async #rest(market: string, maxAgeMs: number): Promise<Ticker> {
    const started = this.#scheduler.now();
    const limitedBefore = this.#source.rateLimitedReplies();
    try {
      return await this.#source.rest(market, maxAgeMs);
    } finally {
      this.router.restReply(this.#scheduler.now() - started, this.#source.rateLimitedReplies() > limitedBefore ? 429 : 200);
    }
  }

  #startPlanner(): void {
    if (this.#planner !== undefined || this.#closed) return;
    const self = this;
    this.#planner = this.#scheduler.schedule(function plan(this: { schedule(state?: undefined, delay?: number): void }) {
      self.#plan();
      if (self.#held.size > 0 || self.#scheduler.now() - self.#lastCallAt < IDLE_STOP_MS) this.schedule(undefined, self.#planIntervalMs);
      else self.#planner = undefined;
    }, this.#planIntervalMs);
  }

  /** Applies the router's plan: holds what it subscribes, lets go of what it drops. */
  #plan(): void {
    if (this.#closed) return;
    const { subscribe, unsubscribe } = this.router.tick();
    for (const market of unsubscribe) {
      this.#held.get(market)?.unsubscribe();
      this.#held.delete(market);
    }
    for (const market of subscribe) {
      const held = this.#source.stream(market).subscribe({
        next: (t) => this.router.streamValue(market, t.timestamp, t.receivedAt),
        error: () => this.#held.delete(market),
      });
      this.#held.set(market, held);
    }
    if (this.#held.size > 0) this.#status ??= this.#source.status$.subscribe((event) => event.status === 'disconnect' && this.router.socketDropped());
  }
}
