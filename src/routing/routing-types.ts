/**
 * The vocabulary of the adaptive channel router: its cost model, the exchange limits it plans within,
 * its tuning, what it decides per call, what it says when asked why, and its saved state.
 */

/**
 * The cost model every routing decision minimizes, in one unit of account: a REST request, a minute of
 * one market held on the socket, one subscription change (a frame from the socket's message budget).
 *
 * @example
 * ```ts
 * const costs: RoutingCosts = { restRequest: 1, streamMinute: 1, subscriptionChange: 1 };
 * ```
 */
export interface RoutingCosts {
  /** One REST request (a batched request for many markets counts once). @default 1 */
  readonly restRequest: number;
  /** One market held on the socket for one minute. @default 1 */
  readonly streamMinute: number;
  /** Subscribing or dropping one market (a frame the exchange counts). @default 1 */
  readonly subscriptionChange: number;
}

/** Requests or frames allowed per window. */
export interface RoutingWindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * The exchange's limits the router plans within (from the adapter: `ws.maxSubscriptions`, `ws.sendLimits`).
 *
 * @example
 * ```ts
 * const limits: RoutingLimits = { maxSubscriptions: 1024, messages: [{ limit: 4, windowMs: 1000 }] };
 * ```
 */
export interface RoutingLimits {
  /** Most markets held on the socket at once. @default Infinity */
  readonly maxSubscriptions?: number | undefined;
  /** Subscription frames allowed per window; a plan change costs one frame per direction. @default none */
  readonly messages?: readonly RoutingWindowLimit[] | undefined;
}

/**
 * The model's tuning: fixed on the development traces of `npm run bench -- routing`, never on the
 * held-out ones. Every field has a default; change them only with that benchmark at hand.
 */
export interface RoutingTuning {
  /** Weight of the newest sample in every EWMA. @default 0.3 */
  readonly alpha: number;
  /** A market is subscribed when its predicted saving per stream-minute reaches `1 + hysteresis`. @default 0.5 */
  readonly hysteresis: number;
  /** Freshness assumed for calls that name no `maxAgeMs` (ms). @default 2_000 */
  readonly defaultMaxAgeMs: number;
  /** Gap between stream values assumed for a market never streamed (ms). @default 1_000 */
  readonly priorStreamGapMs: number;
  /** REST latency assumed before any reply (ms). @default 50 */
  readonly priorRestLatencyMs: number;
  /** Socket drops within `flapWindowMs` that count as flapping. @default 4 */
  readonly flapDrops: number;
  /** @default 60_000 */
  readonly flapWindowMs: number;
  /** First back-off after flapping, doubled by each further episode up to 16 times (ms); also how long a measured socket lag keeps the plan off the socket. @default 20_000 */
  readonly backoffMs: number;
  /** Extra weight on a REST request per unit of recent 429 share (0..1). @default 10 */
  readonly rateLimitPenalty: number;
  /** Longest wait for the stream's next value before asking REST (ms). @default 250 */
  readonly maxWaitMs: number;
  /** A held market waits for its next value when it comes within `maxWaitMs` at least this likely. @default 0.1 */
  readonly minWaitHit: number;
  /**
   * The socket counts as lagging when its delivery lag (exchange time to receipt) exceeds REST latency by
   * more than this (exchange clocks and quiet markets' snapshots blur the lag by tens of ms). @default 200
   */
  readonly lagMarginMs: number;
}

/** Where one call is answered from. */
export type RouteSource = 'stream' | 'rest' | 'wait';

/**
 * The router's answer for one call: the source, how long to wait for the stream's next value (for
 * `'wait'`; REST after that), and why.
 *
 * @example
 * ```ts
 * const decision: RouteDecision = { source: 'wait', waitMs: 120, reason: 'subscribed; next value expected in 60 ms < REST 120 ms' };
 * ```
 */
export interface RouteDecision {
  readonly source: RouteSource;
  readonly waitMs: number;
  readonly reason: string;
}

/**
 * A change of plan, as `streamRouting()` emits it.
 *
 * @example
 * ```ts
 * const change: RoutingChange = { at: 0, market: 'KRW-BTC', action: 'subscribe', reason: 'predicted saving 3.2 per stream-minute' };
 * ```
 */
export interface RoutingChange {
  /** When the plan changed (the router's clock, ms). */
  readonly at: number;
  /** The market, or `'*'` for the whole socket (back-off). */
  readonly market: string;
  readonly action: 'subscribe' | 'unsubscribe' | 'backoff' | 'resume';
  readonly reason: string;
}

/** The per-market estimates, all from observation (the part of the state that is saved). */
export interface MarketEstimates {
  /** EWMA of the time between the caller's calls (ms); `undefined` after one call. */
  readonly callGapMs: number | undefined;
  /** The last call (router clock, ms). */
  readonly lastCallAt: number;
  /** EWMA of the `maxAgeMs` the callers asked for. */
  readonly maxAgeMs: number;
  /** EWMA of the share of a REST request a call costs (batched calls share one). */
  readonly restShare: number;
  /** EWMA of the time between the stream's values (ms); `undefined` before two values. */
  readonly streamGapMs: number | undefined;
  /** EWMA of exchange time to receipt of stream values (ms). */
  readonly streamLagMs: number | undefined;
  /** Receipt of the latest stream value (router clock, ms). */
  readonly lastValueAt: number | undefined;
  /** When the router subscribed the market it holds (router clock, ms); `undefined` when not held. */
  readonly heldSince?: number | undefined;
}

/** The exchange-wide estimates (the other part of the saved state). */
export interface NetworkEstimates {
  /** EWMA of REST latency (ms). */
  readonly restLatencyMs: number;
  /** EWMA of the share of REST replies that were 429s (0..1). */
  readonly rateLimited: number;
  /** Recent socket drops (router clock, ms). */
  readonly drops: readonly number[];
  /** Back-off episodes in a row (the next back-off is `backoffMs * 2^episodes`). */
  readonly episodes: number;
  /** The socket is not reopened for subscriptions before this time (ms). */
  readonly backoffUntil: number;
  /** EWMA of the delivery lag (exchange time to receipt) over every market's frames (ms). */
  readonly socketLagMs?: number | undefined;
  /** Receipt of the frame that last updated `socketLagMs` (router clock, ms). */
  readonly socketLagAt?: number | undefined;
}

/**
 * The router's saved state: small (a few numbers per market), JSON-safe, versioned.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(backbone.routing.save());
 * const next = new MarketDataBackbone({ routing: { state: JSON.parse(saved) } });
 * ```
 */
export interface RoutingSnapshot {
  readonly version: 1;
  readonly network: NetworkEstimates;
  readonly markets: Readonly<Record<string, MarketEstimates>>;
}

/**
 * What `explain(symbol)` says: what the router would do for a call now, what it plans for the
 * market, and the estimates behind both.
 *
 * @example
 * ```ts
 * const { decision, subscribed, reasons } = backbone.routing.explain('KRW-BTC');
 * ```
 */
export interface RoutingExplanation {
  readonly market: string;
  /** What a call with the market's usual `maxAgeMs` would get now. */
  readonly decision: RouteDecision;
  /** Whether the router holds the market on the socket. */
  readonly subscribed: boolean;
  /** Whether the plan wants it held (it may wait for the message budget). */
  readonly wanted: boolean;
  /** Predicted calls per minute. */
  readonly callsPerMinute: number;
  /** Probability that the held stream answers a call fresh enough. */
  readonly streamHitRate: number;
  /** Predicted saving of holding the stream, per stream-minute of cost (subscribe at 1 + hysteresis). */
  readonly saving: number;
  /** The market's estimates (`undefined` for a market never asked for). */
  readonly estimates: MarketEstimates | undefined;
  readonly network: NetworkEstimates;
  /** One sentence per rule that decided. */
  readonly reasons: readonly string[];
}

/**
 * The `routing` option of a backbone: the cost model, the tuning, how often to re-plan, and saved state
 * per exchange (what `backbone.routing.save()` returned) so a restart does not start cold.
 *
 * @example
 * ```ts
 * const backbone = new MarketDataBackbone({ routing: { costs: { streamMinute: 2 }, state: saved } });
 * ```
 */
export interface RoutingOptions {
  /** @default DEFAULT_ROUTING_COSTS (1 each) */
  readonly costs?: Partial<RoutingCosts> | undefined;
  /** @default DEFAULT_ROUTING_TUNING */
  readonly tuning?: Partial<RoutingTuning> | undefined;
  /** How often the plan is revisited while markets are asked for or held (ms). @default 1_000 */
  readonly planIntervalMs?: number | undefined;
  /** Saved state by exchange id. @default none */
  readonly state?: Readonly<Record<string, RoutingSnapshot>> | undefined;
}
