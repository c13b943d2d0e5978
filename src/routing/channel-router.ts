/**
 * The adaptive channel router of one exchange: a small online model per market (how often callers ask,
 * how fresh they want it, how often the stream delivers) and one for the network (REST latency and
 * 429s, socket drops), from which it routes each call and plans which markets to hold on the socket.
 * Pure and clock-injected: it never touches a socket or a timer, so it runs under a `TestScheduler`.
 */
import { Subject, type Observable } from 'rxjs';
import { ewma, WindowBudget } from './estimators.js';
import { readSnapshot } from './routing-snapshot.js';
import type {
  MarketEstimates,
  NetworkEstimates,
  RouteDecision,
  RoutingChange,
  RoutingCosts,
  RoutingExplanation,
  RoutingLimits,
  RoutingSnapshot,
  RoutingTuning,
} from './routing-types.js';

/** The cost model of the benchmark and the default. */
export const DEFAULT_ROUTING_COSTS: RoutingCosts = { restRequest: 1, streamMinute: 1, subscriptionChange: 1 };

/** The tuning chosen on the development traces (see `docs/routing.md`). */
export const DEFAULT_ROUTING_TUNING: RoutingTuning = {
  alpha: 0.3,
  hysteresis: 0.5,
  defaultMaxAgeMs: 2_000,
  priorStreamGapMs: 1_000,
  priorRestLatencyMs: 50,
  flapDrops: 4,
  flapWindowMs: 60_000,
  backoffMs: 20_000,
  rateLimitPenalty: 10,
  maxWaitMs: 250,
  minWaitHit: 0.1,
  lagMarginMs: 200,
};

/** A market not asked for this long (and not held) leaves the state. */
const FORGET_AFTER_MS = 3_600_000;

/** Options of a {@link ChannelRouter}. */
export interface ChannelRouterOptions {
  /** The clock (ms): the scheduler's `now`, so virtual time moves the model. */
  readonly now: () => number;
  /** @default DEFAULT_ROUTING_COSTS */
  readonly costs?: Partial<RoutingCosts> | undefined;
  /** @default no limits */
  readonly limits?: RoutingLimits | undefined;
  /** @default DEFAULT_ROUTING_TUNING */
  readonly tuning?: Partial<RoutingTuning> | undefined;
  /** Saved state to start from (see {@link ChannelRouter.save}). @default none (cold) */
  readonly state?: RoutingSnapshot | undefined;
}

/** One market's estimates, mutable inside the router. */
type MarketState = { -readonly [K in keyof MarketEstimates]: MarketEstimates[K] };

/**
 * Routes calls and plans subscriptions for one exchange.
 *
 * Observations go in through `called`, `streamValue`, `restReply`, `socketDropped`; `route` answers one
 * call (never with a stream value older than asked: it only says `'stream'` for a value the caller says
 * is young enough); `tick` re-plans the held markets within the exchange's limits and emits each change
 * on `changes$`; `explain` says why; `save` and the `state` option carry the model across restarts.
 *
 * @example
 * ```ts
 * const router = new ChannelRouter({ now: () => scheduler.now(), limits: { maxSubscriptions: 1024 } });
 * router.called('KRW-BTC', 1_000);
 * const { subscribe } = router.tick();
 * ```
 */
export class ChannelRouter {
  readonly #now: () => number;
  readonly #costs: RoutingCosts;
  readonly #tuning: RoutingTuning;
  readonly #maxSubscriptions: number;
  readonly #budget: WindowBudget;
  readonly #markets = new Map<string, MarketState>();
  readonly #held = new Set<string>();
  readonly #changes$ = new Subject<RoutingChange>();
  #network: { -readonly [K in keyof NetworkEstimates]: NetworkEstimates[K] };
  #backingOff = false;

  /** Each change of plan, as it happens (hot). */
  readonly changes$: Observable<RoutingChange> = this.#changes$.asObservable();

  constructor(options: ChannelRouterOptions) {
    this.#now = options.now;
    this.#costs = { ...DEFAULT_ROUTING_COSTS, ...options.costs };
    this.#tuning = { ...DEFAULT_ROUTING_TUNING, ...options.tuning };
    this.#maxSubscriptions = options.limits?.maxSubscriptions ?? Infinity;
    this.#budget = new WindowBudget(options.limits?.messages ?? []);
    this.#network = { restLatencyMs: this.#tuning.priorRestLatencyMs, rateLimited: 0, drops: [], episodes: 0, backoffUntil: 0 };
    if (options.state !== undefined) this.#load(readSnapshot(options.state));
  }

  /** Markets held on the socket now. */
  get held(): ReadonlySet<string> {
    return this.#held;
  }

  /** Freshness assumed for calls that name no `maxAgeMs` (ms). */
  get defaultMaxAgeMs(): number {
    return this.#tuning.defaultMaxAgeMs;
  }

  /**
   * Records a call for `market` asking for a value at most `maxAgeMs` old; `restShare` is the share of a
   * REST request it would cost (1 alone, 1/100 in a `getTickers` of 100 markets batched into one).
   *
   * @example
   * ```ts
   * router.called('KRW-BTC', 1_000);
   * ```
   */
  called(market: string, maxAgeMs: number | undefined, restShare = 1): void {
    const now = this.#now();
    const asked = maxAgeMs ?? this.#tuning.defaultMaxAgeMs;
    const state = this.#markets.get(market);
    if (state === undefined) {
      this.#markets.set(market, { callGapMs: undefined, lastCallAt: now, maxAgeMs: asked, restShare, streamGapMs: undefined, streamLagMs: undefined, lastValueAt: undefined, heldSince: undefined });
      return;
    }
    const { alpha } = this.#tuning;
    state.callGapMs = ewma(state.callGapMs, Math.max(0, now - state.lastCallAt), alpha);
    state.lastCallAt = now;
    state.maxAgeMs = ewma(state.maxAgeMs, asked, alpha);
    state.restShare = ewma(state.restShare, restShare, alpha);
  }

  /**
   * Records a stream value of `market`: its exchange time and when it arrived.
   *
   * @example
   * ```ts
   * router.streamValue('KRW-BTC', ticker.timestamp, ticker.receivedAt);
   * ```
   */
  streamValue(market: string, exchangeTime: number, receivedAt: number): void {
    const { alpha } = this.#tuning;
    const lag = Math.max(0, receivedAt - exchangeTime);
    const state = this.#markets.get(market);
    const since = state?.heldSince ?? -Infinity;
    // A value replayed from before the subscription says nothing about the socket now; a lag older than
    // `backoffMs` is not averaged in: the socket is measured afresh.
    if (receivedAt > since) {
      const net = this.#network;
      const previous = net.socketLagAt !== undefined && receivedAt - net.socketLagAt <= this.#tuning.backoffMs ? net.socketLagMs : undefined;
      net.socketLagMs = ewma(previous, lag, alpha);
      net.socketLagAt = receivedAt;
    }
    if (state === undefined) return;
    // Only gaps within one subscription: the time the market was not held says nothing about the stream.
    if (state.lastValueAt !== undefined && receivedAt > state.lastValueAt && state.lastValueAt >= since) state.streamGapMs = ewma(state.streamGapMs, receivedAt - state.lastValueAt, alpha);
    state.lastValueAt = receivedAt;
    state.streamLagMs = ewma(state.streamLagMs, lag, alpha);
  }

  /**
   * Records one REST exchange: its latency (including waits and retries) and its status (429 counts).
   *
   * @example
   * ```ts
   * router.restReply(42, 200);
   * ```
   */
  restReply(latencyMs: number, status: number): void {
    const { alpha } = this.#tuning;
    this.#network.restLatencyMs = ewma(this.#network.restLatencyMs, latencyMs, alpha);
    this.#network.rateLimited = ewma(this.#network.rateLimited, status === 429 ? 1 : 0, alpha);
  }

  /**
   * Records a socket drop; `flapDrops` of them within `flapWindowMs` start a back-off (doubling per
   * episode): the plan drops every market and calls go to REST until it ends.
   *
   * @example
   * ```ts
   * router.socketDropped();
   * ```
   */
  socketDropped(): void {
    const now = this.#now();
    const { flapDrops, flapWindowMs, backoffMs } = this.#tuning;
    const drops = [...this.#network.drops.filter((at) => at > now - flapWindowMs), now];
    this.#network.drops = drops;
    if (drops.length < flapDrops || now < this.#network.backoffUntil) return;
    const ms = backoffMs * 2 ** Math.min(this.#network.episodes, 4);
    this.#network.episodes += 1;
    this.#network.backoffUntil = now + ms;
    this.#network.drops = [];
    this.#backingOff = true;
    this.#emit('*', 'backoff', `${drops.length} drops within ${flapWindowMs} ms: REST only for ${ms} ms`);
  }

  /**
   * Where a call for `market` asking for at most `maxAgeMs` is answered from, given the age of the
   * freshest stream value at hand (`undefined`: none). Says `'stream'` only when that age is within
   * `maxAgeMs`; `'wait'` means wait up to `waitMs` for the stream's next value, then REST.
   *
   * @example
   * ```ts
   * const { source, waitMs } = router.route('KRW-BTC', 1_000, hub.ageOf('KRW-BTC'));
   * ```
   */
  route(market: string, maxAgeMs: number, streamAgeMs: number | undefined): RouteDecision {
    const state = this.#markets.get(market);
    const rest = this.#network.restLatencyMs;
    // A lag seen last is trusted for answers until a newer frame says otherwise, however old it is.
    if (this.#lagging(false) && this.#held.has(market)) {
      return { source: 'rest', waitMs: 0, reason: `socket lag ${fmt(this.#network.socketLagMs ?? 0)} ms > REST latency ${fmt(rest)} ms + ${this.#tuning.lagMarginMs} ms` };
    }
    if (streamAgeMs !== undefined && streamAgeMs <= maxAgeMs) return { source: 'stream', waitMs: 0, reason: `stream value ${fmt(streamAgeMs)} ms old <= ${fmt(maxAgeMs)} ms asked` };
    if (!this.#held.has(market) || this.#backoff()) return { source: 'rest', waitMs: 0, reason: this.#backoff() ? 'socket backing off' : 'not on the socket' };
    const gap = this.#streamGap(market, state, this.#now());
    const { maxWaitMs, minWaitHit } = this.#tuning;
    // Frames as a Poisson process: the chance the next one comes within the longest wait.
    const hit = 1 - Math.exp(-maxWaitMs / gap);
    if (hit >= minWaitHit) {
      return { source: 'wait', waitMs: maxWaitMs, reason: `next stream value within ${maxWaitMs} ms with ${fmt(hit * 100)} % (gap ${fmt(gap)} ms)` };
    }
    return { source: 'rest', waitMs: 0, reason: `stream value too old and next within ${maxWaitMs} ms only ${fmt(hit * 100)} % (gap ${fmt(gap)} ms)` };
  }

  /**
   * Re-plans the held markets: subscribes those whose predicted saving reached `1 + hysteresis` and
   * drops those that fell below `1 / (1 + hysteresis)`, best first within `maxSubscriptions`, and only
   * as many frames as the message budget allows now (the rest waits for a later tick).
   *
   * @example
   * ```ts
   * const { subscribe, unsubscribe } = router.tick();
   * ```
   */
  tick(): { readonly subscribe: readonly string[]; readonly unsubscribe: readonly string[] } {
    const now = this.#now();
    this.#resumeIfDue(now);
    const wanted = this.#wanted(now);
    const subscribe = [...wanted].filter((m) => !this.#held.has(m));
    const unsubscribe = [...this.#held].filter((m) => !wanted.has(m));
    // Drops first: they free room under the subscription cap and cost no more than what they replace.
    const frames = (list: readonly string[]): number => (list.length > 0 ? 1 : 0);
    const dropped = unsubscribe.length > 0 && this.#budget.allows(now, 1) ? unsubscribe : [];
    this.#budget.spend(now, frames(dropped));
    for (const market of dropped) {
      // What the silence taught outlives the subscription: a quiet market is not taken up again at once.
      const state = this.#markets.get(market);
      if (state !== undefined) {
        state.streamGapMs = this.#streamGap(market, state, now);
        state.heldSince = undefined;
      }
      this.#held.delete(market);
    }
    const room = this.#maxSubscriptions - this.#held.size;
    const added = subscribe.length > 0 && room > 0 && this.#budget.allows(now, 1) ? subscribe.slice(0, room) : [];
    this.#budget.spend(now, frames(added));
    for (const market of added) this.#subscribed(market, now);
    for (const market of dropped) this.#emit(market, 'unsubscribe', this.#why(market, now, false));
    for (const market of added) this.#emit(market, 'subscribe', this.#why(market, now, true));
    // A saved subscription time outlives a restart only for a market taken up again at once.
    for (const [market, state] of this.#markets) if (!this.#held.has(market)) state.heldSince = undefined;
    this.#forget(now);
    return { subscribe: added, unsubscribe: dropped };
  }

  /**
   * What the router would do for `market` now, and why.
   *
   * @example
   * ```ts
   * router.explain('KRW-BTC').reasons.forEach((r) => console.log(r));
   * ```
   */
  explain(market: string, streamAgeMs?: number): RoutingExplanation {
    const now = this.#now();
    const state = this.#markets.get(market);
    const decision = this.route(market, state?.maxAgeMs ?? this.#tuning.defaultMaxAgeMs, streamAgeMs);
    const { callsPerMinute, hitRate, saving } = this.#predict(market, now);
    const wanted = this.#wanted(now).has(market);
    const reasons = [decision.reason, this.#why(market, now, wanted)];
    if (this.#backoff()) reasons.push(`socket backing off until ${this.#network.backoffUntil}`);
    if (this.#network.rateLimited > 0.05) reasons.push(`REST ${fmt(this.#network.rateLimited * 100)} % rate limited: requests weigh ${fmt(this.#restPenalty())}x`);
    const estimates = state === undefined ? undefined : toEstimates(state);
    return { market, decision, subscribed: this.#held.has(market), wanted, callsPerMinute, streamHitRate: hitRate, saving, estimates, network: this.save().network, reasons };
  }

  /**
   * The model's state: a few numbers per market and for the network, JSON-safe. Held subscriptions are
   * not part of it: a router started from it re-subscribes on its first tick what this one holds.
   *
   * @example
   * ```ts
   * await writeFile('routing.json', JSON.stringify(router.save()));
   * ```
   */
  save(): RoutingSnapshot {
    const markets: Record<string, MarketEstimates> = {};
    for (const [market, state] of this.#markets) markets[market] = toEstimates(state);
    return { version: 1, network: { ...this.#network, drops: [...this.#network.drops] }, markets };
  }

  /** Completes `changes$`. */
  close(): void {
    this.#changes$.complete();
  }

  #load(snapshot: RoutingSnapshot): void {
    this.#network = { ...snapshot.network, drops: [...snapshot.network.drops] };
    this.#backingOff = this.#network.backoffUntil > this.#now();
    for (const [market, estimates] of Object.entries(snapshot.markets)) this.#markets.set(market, { ...estimates });
  }

  /** The markets the plan wants held now, best first, at most `maxSubscriptions`. */
  #wanted(now: number): Set<string> {
    if (this.#backoff()) return new Set();
    const { hysteresis } = this.#tuning;
    const ranked: [string, number][] = [];
    for (const market of this.#markets.keys()) {
      const { saving } = this.#predict(market, now);
      const threshold = this.#held.has(market) ? 1 / (1 + hysteresis) : 1 + hysteresis;
      if (saving >= threshold) ranked.push([market, saving]);
    }
    ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new Set(ranked.slice(0, this.#maxSubscriptions).map(([market]) => market));
  }

  /** Predicted calls a minute, the share of them a held stream answers, and the saving per stream-minute. */
  #predict(market: string, now: number): { callsPerMinute: number; hitRate: number; saving: number } {
    const state = this.#markets.get(market);
    if (state?.callGapMs === undefined) return { callsPerMinute: 0, hitRate: 0, saving: 0 };
    // A market gone quiet fades: the silence since its last call is a lower bound on its next gap.
    const gap = Math.max(state.callGapMs, now - state.lastCallAt, 1);
    const callsPerMinute = 60_000 / gap;
    const streamGap = this.#streamGap(market, state, now);
    const hitRate = this.#lagging() ? 0 : 1 - Math.exp(-state.maxAgeMs / streamGap);
    const saving = (callsPerMinute * hitRate * state.restShare * this.#costs.restRequest * this.#restPenalty()) / this.#costs.streamMinute;
    return { callsPerMinute, hitRate, saving };
  }

  #why(market: string, now: number, wanted: boolean): string {
    const { callsPerMinute, hitRate, saving } = this.#predict(market, now);
    const verdict = wanted ? 'worth a stream' : 'cheaper over REST';
    return `${fmt(callsPerMinute)} calls/min x ${fmt(hitRate * 100)} % stream hits x ${fmt(this.#markets.get(market)?.restShare ?? 1)} request each: saving ${fmt(saving)} per stream-minute, ${verdict}`;
  }

  /** Holds `market` from `now`; a lag estimate too old to trust is measured afresh by the new frames. */
  #subscribed(market: string, now: number): void {
    this.#held.add(market);
    const state = this.#markets.get(market);
    if (state === undefined) return;
    // A router started from saved state keeps the saved subscription time of what it takes up again.
    state.heldSince ??= now;
    if (this.#lagStale(state, now)) state.streamLagMs = undefined;
  }

  /**
   * The gap between stream values expected for `market`: the learned EWMA (the prior before two values),
   * but while held at least the silence since its last value or its subscription, so a quiet market
   * shows itself before it has sent two frames.
   */
  #streamGap(market: string, state: MarketState | undefined, now: number): number {
    const learned = state?.streamGapMs ?? this.#tuning.priorStreamGapMs;
    const since = state?.heldSince;
    if (since === undefined || !this.#held.has(market)) return learned;
    return Math.max(learned, now - Math.max(since, state?.lastValueAt ?? since));
  }

  /**
   * The socket delivers later than a REST reply would (exchange time to receipt over every market's
   * frames, past the margin for clock skew). For planning a lag last seen more than `backoffMs` ago is
   * not trusted, so the socket is tried again; for answers (`planning: false`) it holds until a newer
   * frame measures the socket afresh.
   */
  #lagging(planning = true): boolean {
    const { socketLagMs, socketLagAt, restLatencyMs } = this.#network;
    if (socketLagMs === undefined || socketLagAt === undefined || (planning && this.#now() - socketLagAt > this.#tuning.backoffMs)) return false;
    return socketLagMs > restLatencyMs + this.#tuning.lagMarginMs;
  }

  #lagStale(state: MarketState, now: number): boolean {
    return state.lastValueAt === undefined || now - state.lastValueAt > this.#tuning.backoffMs;
  }

  /** REST requests weigh more while the exchange answers 429. */
  #restPenalty(): number {
    return 1 + this.#tuning.rateLimitPenalty * this.#network.rateLimited;
  }

  #backoff(): boolean {
    return this.#now() < this.#network.backoffUntil;
  }

  #resumeIfDue(now: number): void {
    if (this.#backingOff && now >= this.#network.backoffUntil) {
      this.#backingOff = false;
      this.#emit('*', 'resume', 'back-off over: the socket may be used again');
    }
    // A long calm forgives earlier episodes.
    if (!this.#backingOff && this.#network.drops.length === 0 && now > this.#network.backoffUntil + 4 * this.#tuning.flapWindowMs) this.#network.episodes = 0;
  }

  #forget(now: number): void {
    for (const [market, state] of this.#markets) if (!this.#held.has(market) && now - state.lastCallAt > FORGET_AFTER_MS) this.#markets.delete(market);
  }

  #emit(market: string, action: RoutingChange['action'], reason: string): void {
    this.#changes$.next({ at: this.#now(), market, action, reason });
  }
}

function toEstimates(state: MarketState): MarketEstimates {
  return { ...state };
}

/** A number for a reason text: whole above 10, two digits below. */
function fmt(value: number): string {
  return Math.abs(value) >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(2);
}
