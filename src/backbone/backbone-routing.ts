/**
 * The backbone's side of adaptive routing: one {@link RoutedTickers} per exchange, created on first use
 * over that exchange's client, and the `backbone.routing` surface (`explain`, `streamRouting`, `save`).
 * The model itself lives in `src/routing/`; this file only wires clients to it.
 */
import { asyncScheduler, defer, map, type Observable, type SchedulerLike } from 'rxjs';
import { MarketDataError } from '../errors/index.js';
import type { ExchangeClient } from '../client/exchange-client.js';
import { isExchangeId, type ExchangeId } from '../exchanges/registry.js';
import type { Ticker } from '../model/ticker.js';
import { RoutedTickers, type RoutedTickerSource } from '../routing/routed-tickers.js';
import type { RoutingChange, RoutingExplanation, RoutingOptions, RoutingSnapshot } from '../routing/routing-types.js';

/** A change of plan, with the exchange it is for. */
export interface ExchangeRoutingChange extends RoutingChange {
  readonly exchange: ExchangeId;
}

/** What a client offers routing (its hub's latest value, REST that honours `maxAgeMs`, the hot stream). */
function sourceOf(client: ExchangeClient): RoutedTickerSource {
  return {
    latest: (market) => {
      const value = client.streams.latest('ticker', market, Infinity);
      return value?.type === 'ticker' ? value : undefined;
    },
    rest: (market, maxAgeMs) => client.getTicker(market, { useStream: false, maxAgeMs }),
    stream: (market) => client.streams.ticker(market),
    status$: client.streams.status$,
    rateLimitedReplies: () => client.stats.replies[429] ?? 0,
  };
}

/**
 * Routing of every exchange of one backbone; `undefined` options mean routing is off.
 *
 * @example
 * ```ts
 * const routing = new BackboneRouting({}, (id) => clients.publicClient(id), () => 'upbit', () => undefined);
 * const ticker = await routing.ticker(client, 'KRW-BTC', 500);
 * ```
 */
export class BackboneRouting {
  readonly #options: RoutingOptions | undefined;
  readonly #client: (id: ExchangeId) => ExchangeClient;
  readonly #defaultExchange: () => ExchangeId;
  readonly #scheduler: (id: ExchangeId) => SchedulerLike | undefined;
  readonly #routers = new Map<ExchangeId, RoutedTickers>();

  constructor(
    options: RoutingOptions | undefined,
    client: (id: ExchangeId) => ExchangeClient,
    defaultExchange: () => ExchangeId,
    scheduler: (id: ExchangeId) => SchedulerLike | undefined,
  ) {
    this.#options = options;
    this.#client = client;
    this.#defaultExchange = defaultExchange;
    this.#scheduler = scheduler;
    // Saved state is taken up at once, so its hot markets are held before the first call.
    for (const id of Object.keys(options?.state ?? {})) if (isExchangeId(id)) this.#routed(id);
  }

  /** Whether calls are routed (the `routing` option is not `false`). */
  get enabled(): boolean {
    return this.#options !== undefined;
  }

  /**
   * The ticker of `symbol` on the client's exchange, routed (`restShare`: see {@link RoutedTickers.getTicker}).
   *
   * @example
   * ```ts
   * await routing.ticker(client, 'BTC/KRW', 1_000);
   * ```
   */
  async ticker(client: ExchangeClient, symbol: string, maxAgeMs: number | undefined, restShare = 1): Promise<Ticker> {
    const market = await client.resolveMarket(symbol);
    return this.#routed(client.adapter.id as ExchangeId).getTicker(market, maxAgeMs, restShare);
  }

  /**
   * What the router of `exchange` would do for `symbol` now, and why.
   *
   * @example
   * ```ts
   * routing.explain('KRW-BTC').reasons;
   * ```
   */
  explain(symbol: string, exchange: ExchangeId = this.#defaultExchange()): RoutingExplanation {
    const client = this.#client(exchange);
    const market = client.resolveMarketNow(symbol) ?? client.toNative(symbol);
    const live = client.streams.latest('ticker', market, Infinity);
    return this.#routed(exchange).router.explain(market, live === undefined ? undefined : client.now() - live.receivedAt);
  }

  /**
   * Each change of plan of `exchange`'s router, as it happens.
   *
   * @example
   * ```ts
   * routing.changes().subscribe((c) => console.log(c.action, c.market, c.reason));
   * ```
   */
  changes(exchange: ExchangeId = this.#defaultExchange()): Observable<ExchangeRoutingChange> {
    return defer(() => this.#routed(exchange).router.changes$.pipe(map((change) => ({ ...change, exchange }))));
  }

  /**
   * The saved state of every router so far, by exchange.
   *
   * @example
   * ```ts
   * const saved = routing.save();
   * ```
   */
  save(): Partial<Record<ExchangeId, RoutingSnapshot>> {
    const saved: Partial<Record<ExchangeId, RoutingSnapshot>> = {};
    for (const [id, routed] of this.#routers) saved[id] = routed.router.save();
    return saved;
  }

  /** Stops every router (held markets are let go). */
  close(): void {
    for (const routed of this.#routers.values()) routed.close();
    this.#routers.clear();
  }

  #routed(id: ExchangeId): RoutedTickers {
    const options = this.#options;
    if (options === undefined) throw new MarketDataError('Routing is off (the backbone was created with routing: false)');
    let routed = this.#routers.get(id);
    if (routed === undefined) {
      const client = this.#client(id);
      const ws = client.adapter.ws;
      // Half the socket's message budget and subscription cap: the caller's own streams share the rest.
      const messages = ws?.sendLimits.map(({ limit, windowMs }) => ({ limit: Math.max(1, Math.floor(limit / 2)), windowMs }));
      const cap = ws?.maxSubscriptions === undefined ? undefined : Math.floor(ws.maxSubscriptions / 2);
      routed = new RoutedTickers(sourceOf(client), {
        costs: options.costs,
        tuning: options.tuning,
        planIntervalMs: options.planIntervalMs,
        state: options.state?.[id],
        scheduler: this.#scheduler(id) ?? asyncScheduler,
        limits: { maxSubscriptions: ws === undefined ? 0 : cap, messages },
      });
      this.#routers.set(id, routed);
    }
    return routed;
  }
}
