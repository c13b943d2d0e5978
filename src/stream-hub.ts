/**
 * Hot market-data streams of one exchange: one shared WebSocket connection, one hot Observable per
 * stream key (ref-counted, replaying its latest value), REST polling while the socket is down.
 * Names no exchange: the adapter supplies every detail.
 */
import {
  asyncScheduler,
  catchError,
  EMPTY,
  exhaustMap,
  filter,
  from,
  identity,
  merge,
  map,
  mergeMap,
  Observable,
  share,
  Subject,
  tap,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { cacheReplay } from '../operators/cacheReplay.js';
import { compareDecimalIds, dedupeBy } from '../operators/dedupeBy.js';
import { fallbackSwitch, type FallbackSource } from '../operators/fallbackSwitch.js';
import type { CandleUpdate } from '../operators/candlesFromTrades.js';
import { flagClosedCandles } from '../operators/flagClosedCandles.js';
import { syncOrderBook } from '../operators/syncOrderBook.js';
import { ConnectionError, isRetryableError, MarketDataError } from './errors.js';
import type { ExchangeClient } from './exchange-client.js';
import type { Subscription } from './exchanges/exchange-adapter.js';
import type { Candle, CandleInterval } from './model/candle.js';
import type { DepthDiffEvent, MarketEvent, StatusEvent } from './model/market-event.js';
import type { OrderBook } from './model/order-book.js';
import type { Ticker } from './model/ticker.js';
import type { Trade } from './model/trade.js';
import { WsConnection } from './transport/ws-connection.js';
import { subscriptionKey, type StreamEvent } from './transport/ws-router.js';
import type { WebSocketFactory } from './transport/websocket-factory.js';
import type { BackoffOptions } from './transport/backoff.js';

/** Options of the streams of one exchange. */
export interface StreamOptions {
  /** WebSocket URL. @default the adapter's (the real exchange) */
  readonly wsUrl?: string | undefined;
  /** Socket factory (tests, proxies, browsers without a global WebSocket). @default global WebSocket, else `ws` */
  readonly webSocketFactory?: WebSocketFactory | undefined;
  /**
   * Silence of one stream after which REST polling takes over. Quiet markets send no ticker between
   * trades, so this is long; dead sockets are caught sooner by `socketStaleAfterMs`. @default 30_000
   */
  readonly staleAfterMs?: number | undefined;
  /** Silence of the whole socket (heartbeats included) after which it reconnects. @default 2 × keepalive */
  readonly socketStaleAfterMs?: number | undefined;
  /** REST polling period while a stream is on the fallback. @default 1_000 */
  readonly pollIntervalMs?: number | undefined;
  /** After an outage, how long to wait before trying the stream again. @default 1_000 */
  readonly recoverAfterMs?: number | undefined;
  /** How long a stream stays connected after its last subscriber leaves. @default 2_000 */
  readonly gracePeriodMs?: number | undefined;
  /** How long the latest value is replayed to late subscribers. @default 60_000 */
  readonly replayTtlMs?: number | undefined;
  /** Reconnect backoff of the socket. @default 250 ms doubling to 32 s, half jittered */
  readonly backoff?: BackoffOptions | undefined;
  /** Timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** Which source served values: counts per stream kind. */
export interface SourceCounters {
  /** Values delivered from the WebSocket. */
  readonly ws: number;
  /** Values delivered from REST polling while the socket was down. */
  readonly rest: number;
}

type Channel = Subscription['channel'];

/**
 * The hot streams of one exchange.
 *
 * @example
 * ```ts
 * const hub = new StreamHub(client, { wsUrl: simulator.wsUrl });
 * hub.ticker('KRW-BTC').subscribe((t) => console.log(t.last.toFixed()));
 * ```
 */
export class StreamHub {
  readonly #client: ExchangeClient;
  readonly #options: StreamOptions;
  readonly #scheduler: SchedulerLike;
  readonly #streams = new Map<string, Observable<unknown>>();
  readonly #problems$ = new Subject<MarketDataError>();
  readonly #latest = new Map<string, MarketEvent>();
  readonly #counts: Record<FallbackSource, number> = { primary: 0, fallback: 0 };
  readonly #status$ = new Subject<StatusEvent>();
  #connection: WsConnection | undefined;

  constructor(client: ExchangeClient, options: StreamOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.#scheduler = options.scheduler ?? asyncScheduler;
  }

  /** Values served so far, by source. */
  get sources(): SourceCounters {
    return { ws: this.#counts.primary, rest: this.#counts.fallback };
  }

  /** The shared connection (created on first use). */
  get connection(): WsConnection {
    if (this.#connection === undefined) {
      const ws = this.#client.adapter.ws;
      if (ws === undefined) throw new MarketDataError(`${this.#client.adapter.id} has no public streams`, { exchange: this.#client.adapter.id });
      this.#connection = new WsConnection({
        adapter: ws,
        exchange: this.#client.adapter.id,
        url: this.#options.wsUrl,
        webSocketFactory: this.#options.webSocketFactory,
        staleAfterMs: this.#options.socketStaleAfterMs,
        backoff: this.#options.backoff,
        scheduler: this.#options.scheduler,
      });
      this.#connection.status$.subscribe(this.#status$);
    }
    return this.#connection;
  }

  /**
   * Problems that did not stop the streams: undecodable frames, exchange error frames, each socket drop.
   *
   * @example
   * ```ts
   * hub.errors$.subscribe((error) => console.warn(error.name, error.message));
   * ```
   */
  get errors$(): Observable<MarketDataError> {
    return merge(this.connection.errors$, this.#problems$);
  }

  /** Connection status events (connecting, connected, disconnect, reconnect, closed). */
  get status$(): Observable<StatusEvent> {
    return this.#status$.asObservable();
  }

  /**
   * The latest value of an open stream if it arrived within `maxAgeMs`, else `undefined`.
   *
   * @example
   * ```ts
   * hub.latest('ticker', 'KRW-BTC', 2_000);
   * ```
   */
  latest<C extends Channel>(channel: C, market: string, maxAgeMs: number): MarketEvent | undefined {
    const value = this.#latest.get(`${channel}|${market}`);
    return value !== undefined && this.#scheduler.now() - value.receivedAt <= maxAgeMs ? value : undefined;
  }

  /**
   * The hot ticker stream of one market (native code).
   *
   * @example
   * ```ts
   * hub.ticker('KRW-BTC').subscribe(render);
   * ```
   */
  ticker(market: string): Observable<Ticker> {
    return this.#hot(
      { channel: 'ticker', market },
      // Polling must reach REST: the stream's own last value is exactly what went stale.
      () => from(this.#client.getTicker(market, { useStream: false })),
      (e): e is Ticker => e.type === 'ticker',
      identity,
      identity,
    );
  }

  /**
   * The hot trade stream of one market: deduplicated by id, in id order, across reconnects and sources.
   *
   * @example
   * ```ts
   * hub.trades('KRW-BTC').subscribe((trade) => console.log(trade.id, trade.price.toFixed()));
   * ```
   */
  trades(market: string): Observable<Trade> {
    return this.#hot(
      { channel: 'trades', market },
      () => from(this.#client.getTrades(market, { count: 50 })).pipe(mergeMap((trades) => from(trades))),
      (e): e is Trade => e.type === 'trade',
      identity,
      (trade$) => trade$.pipe(dedupeBy((trade) => trade.id, { order: compareDecimalIds })),
    );
  }

  /**
   * The hot order-book stream of one market: full books, `depth` levels a side, best first. Exchanges
   * that stream diffs (adapter `ws.orderBook: 'diffs'`) are synced against REST snapshots with
   * `syncOrderBook`, so only consistent books are emitted; a gap resyncs and is reported on `errors$`.
   *
   * @example
   * ```ts
   * hub.orderBook('KRW-BTC', 5).subscribe((book) => console.log(book.bids[0]?.price.toFixed()));
   * ```
   */
  orderBook(market: string, depth?: number): Observable<OrderBook> {
    const poll = (): Observable<OrderBook> => from(this.#client.getOrderBook(market, depth));
    if (this.#client.adapter.ws?.orderBook !== 'diffs') {
      return this.#hot({ channel: 'orderBook', market, depth }, poll, (e): e is OrderBook => e.type === 'orderBook', identity, identity);
    }
    // One diff subscription per market whatever the depth; each hot stream keeps its own synced book.
    return this.#hot(
      { channel: 'orderBook', market, depth },
      poll,
      (e): e is DepthDiffEvent => e.type === 'depthDiff',
      (diff$) =>
        diff$.pipe(
          syncOrderBook({
            snapshot: () => this.#client.getDepthSnapshot(market),
            depth,
            onGap: (error) => this.#problems$.next(error),
          }),
        ),
      identity,
      { channel: 'orderBook', market },
    );
  }

  /**
   * The hot candle stream of one market: the open candle as the exchange resends it (`closed: false`),
   * and each finished one again with `closed: true` when the next period starts. While the socket is
   * down the latest candle is polled over REST. Throws for an interval the exchange does not stream.
   *
   * @example
   * ```ts
   * hub.candles('KRW-BTC', '1m').subscribe((c) => console.log(c.closed, c.close.toFixed()));
   * ```
   */
  candles(market: string, interval: CandleInterval): Observable<CandleUpdate> {
    const { adapter } = this.#client;
    if (adapter.ws?.supportsCandles?.(interval) !== true) {
      throw new MarketDataError(`${adapter.id} does not stream ${interval} candles (poll getCandles, or build them with candlesFromTrades)`, {
        exchange: adapter.id,
      });
    }
    return this.#hot(
      { channel: 'candles', market, interval },
      () => from(this.#client.getCandles(market, interval, { count: 1 })).pipe(mergeMap((candles) => from(candles))),
      (e): e is Candle => e.type === 'candle' && e.interval === interval,
      identity,
      (candle$) => candle$.pipe(flagClosedCandles()),
    );
  }

  /** Closes the socket and completes every stream. */
  close(): void {
    this.#connection?.close();
    this.#status$.complete();
    this.#problems$.complete();
    this.#streams.clear();
  }

  /**
   * One hot stream per key: WebSocket events while the socket is healthy, REST polling while it is not,
   * shared, replaying the latest value, torn down `gracePeriodMs` after the last subscriber leaves.
   * `primary` turns the socket's events into values (diff books are synced there, so each outage starts
   * a new sync); `socket` is the subscription sent to the exchange when it differs from the stream's own
   * (every depth of a diff book shares one); `post` runs on the merged values of both sources.
   */
  #hot<T extends MarketEvent, W extends MarketEvent = T, R = T>(
    subscription: Subscription,
    poll: () => Observable<T>,
    isWire: (event: StreamEvent) => event is W,
    primary: (wire$: Observable<W>) => Observable<T>,
    post: (value$: Observable<T>) => Observable<R>,
    socket: Subscription = subscription,
  ): Observable<R> {
    const key = subscriptionKey(subscription);
    const existing = this.#streams.get(key);
    if (existing !== undefined) return existing as Observable<R>;
    const {
      staleAfterMs = 30_000, pollIntervalMs = 1_000, recoverAfterMs = 1_000, gracePeriodMs = 2_000, replayTtlMs = 60_000,
    } = this.#options;
    const scheduler = this.#scheduler;

    const stream$ = new Observable<R>((subscriber) => {
      // One socket subscription for the life of this hot stream: the primary below is re-subscribed
      // after every outage, and must not take the market off the socket each time it drops.
      const events$ = new Subject<StreamEvent>();
      const keeper = this.connection.stream(socket).subscribe(events$);
      const primary$ = events$.pipe(
        tap((event) => {
          if (event.type === 'status' && event.status === 'disconnect') {
            throw new ConnectionError(`${event.exchange} stream dropped: ${event.reason ?? 'disconnect'}`, { exchange: event.exchange });
          }
        }),
        filter(isWire),
        primary,
      );
      const fallback = (): Observable<T> =>
        timer(0, pollIntervalMs, scheduler).pipe(
          exhaustMap(() => poll().pipe(catchError((error: unknown) => (isRetryableError(error) ? EMPTY : thrown(error))))),
        );
      const values = primary$
        .pipe(
          fallbackSwitch<T>({ fallback, staleAfterMs, recoverAfter: recoverAfterMs, scheduler }),
          map(({ source, value }) => {
            this.#counts[source] += 1;
            return value;
          }),
          tap((value) => this.#latest.set(key, value)),
          post,
        )
        .subscribe(subscriber);
      return () => {
        values.unsubscribe();
        keeper.unsubscribe();
        this.#latest.delete(key);
      };
    }).pipe(cacheReplay<R>({ ttlMs: replayTtlMs, resetOnRefCountZeroDelayMs: gracePeriodMs, replayAfterComplete: false, scheduler }));
    this.#streams.set(key, stream$);
    return stream$;
  }
}

function thrown(error: unknown): Observable<never> {
  return new Observable<never>((subscriber) => subscriber.error(error));
}
