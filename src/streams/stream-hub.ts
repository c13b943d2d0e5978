/**
 * Hot market-data streams of one exchange: one shared WebSocket connection, one hot Observable per
 * stream key (ref-counted, replaying its latest value), REST polling while the socket is down.
 * Names no exchange: the adapter supplies every detail.
 */
import { asyncScheduler, from, mergeMap, merge, Observable, Subject } from 'rxjs';
import type { SchedulerLike, Subscription as RxSubscription } from 'rxjs';
import type { CandleUpdate } from '../../operators/candlesFromTrades.js';
import { compareDecimalIds } from '../../operators/dedupeBy.js';
import { flagClosedCandles } from '../../operators/flagClosedCandles.js';
import { syncOrderBook } from '../../operators/syncOrderBook.js';
import { MarketDataError } from '../errors/index.js';
import type { CandlesQuery, ExchangeAdapter, Subscription, TradesQuery } from '../core/exchange-adapter.js';
import type { DepthSnapshot } from '../model/order-book-state.js';
import { Signal } from './signal.js';
import { HotStream, type HotSource, type HotStreamKind, type HotStreamOwner, type HotStreamTimings } from './hot-stream.js';
import type { Candle, CandleInterval } from '../model/candle.js';
import type { DepthDiffEvent, MarketEvent, StatusEvent } from '../model/market-event.js';
import type { OrderBook } from '../model/order-book.js';
import { TICKER_DECIMALS, type Ticker } from '../model/ticker.js';
import { DecimalPacker } from '../model/packed-value.js';
import type { Trade } from '../model/trade.js';
import { WsConnection } from '../transport/ws/ws-connection.js';
import { subscriptionKey, type StreamEvent } from '../transport/ws/ws-router.js';
import type { WebSocketFactory } from '../transport/ws/websocket-factory.js';
import type { BackoffOptions } from '../core/backoff.js';

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
  /**
   * Silence of the whole socket (no frame, no pong) after which it counts as dead and is replaced; the
   * streams then move to REST. @default 4_500
   */
  readonly socketStaleAfterMs?: number | undefined;
  /** Silence after which the open socket is probed (a ping frame, or the exchange's heartbeat). @default 2_000 */
  readonly socketProbeAfterMs?: number | undefined;
  /** How long a socket must stay up past its first frame before the reconnect backoff starts small again. @default 10_000 */
  readonly socketHealthyAfterMs?: number | undefined;
  /** REST polling period while a stream is on the fallback. @default 1_000 */
  readonly pollIntervalMs?: number | undefined;
  /**
   * After a failed order-book sync (snapshot unreachable or rate limited), how long REST polling serves
   * before the book is synced from socket diffs again. Other streams switch back to the socket with its
   * first value after a reconnect. @default 1_000
   */
  readonly recoverAfterMs?: number | undefined;
  /** How long a stream stays connected after its last subscriber leaves. @default 2_000 */
  readonly gracePeriodMs?: number | undefined;
  /** How long the latest value is replayed to late subscribers. @default 60_000 */
  readonly replayTtlMs?: number | undefined;
  /** Reconnect backoff of the socket. @default 250 ms doubling to 32 s, half jittered */
  readonly backoff?: BackoffOptions | undefined;
  /**
   * Whether requests carry an `Origin` header (browsers always send one), which some exchanges limit
   * far more tightly (Upbit: 1 quotation request, socket connection or request frame per 10 s); the
   * limiters then follow the adapter's `originLimits`. Set it when a proxy adds an `Origin` in Node.
   * @default true in browsers and workers, false in Node
   */
  readonly sendsOrigin?: boolean | undefined;
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

/** What one open stream of a hub last delivered (metrics: streams on the fallback, silence per stream). */
export interface StreamState {
  readonly channel: Channel;
  /** Native market code. */
  readonly market: string;
  /** Where the last value came from; `undefined` before the first. */
  readonly source: HotSource | undefined;
  /** When the last value arrived (`receivedAt`, ms); `undefined` before the first. */
  readonly lastAt: number | undefined;
}

/**
 * What a hub needs from its exchange's REST side (an `StreamRestSource` is one): the adapter, and the
 * requests behind REST polling, trade gap bridging and diff-book snapshots. Kept as an interface so
 * streams sit below the client that owns them.
 */
export interface StreamRestSource {
  readonly adapter: ExchangeAdapter;
  getTicker(symbol: string, options: { readonly useStream: false }): Promise<Ticker>;
  getOrderBook(symbol: string, depth?: number): Promise<OrderBook>;
  getTrades(symbol: string, query?: TradesQuery): Promise<Trade[]>;
  getCandles(symbol: string, interval: CandleInterval, query?: CandlesQuery): Promise<Candle[]>;
  getDepthSnapshot(symbol: string): Promise<DepthSnapshot>;
}

/**
 * The hot streams of one exchange.
 *
 * Each stream key (channel, market, depth or interval) has one {@link HotStream}, a `pipe()` of the
 * exported operators (`fallbackSwitch`, `cacheReplay`, and `syncOrderBook` or `flagClosedCandles` where
 * the stream needs them): socket events while the socket is healthy, REST polling while it is down or
 * the stream has been silent for `staleAfterMs`, never a value older than the last one, trades once each
 * in id order, the latest value replayed to late subscribers for `replayTtlMs`, and the market kept on
 * the socket until `gracePeriodMs` after its last subscriber left. One sweep timer per hub ticks the
 * clock on which every stream's `fallbackSwitch` checks for silence.
 *
 * @example
 * ```ts
 * const hub = new StreamHub(client, { wsUrl: simulator.wsUrl });
 * hub.ticker('KRW-BTC').subscribe((t) => console.log(t.last.toFixed()));
 * ```
 */
export class StreamHub {
  readonly #client: StreamRestSource;
  readonly #options: StreamOptions;
  readonly #timings: HotStreamTimings;
  readonly #streams = new Map<string, HotStreamHandle>();
  readonly #counts: Record<HotSource, number> = { ws: 0, rest: 0 };
  readonly #byChannel: Record<Channel, Record<HotSource, number>> = {
    ticker: { ws: 0, rest: 0 },
    trades: { ws: 0, rest: 0 },
    orderBook: { ws: 0, rest: 0 },
    candles: { ws: 0, rest: 0 },
  };
  readonly #status$ = new Subject<StatusEvent>();
  readonly #problems$ = new Subject<MarketDataError>();
  /** The sweep: one clock on which every stream checks its silence. */
  readonly #clock = new Signal<number>(false);
  /** Told by every stream of its values and its stop. */
  readonly #owner: HotStreamOwner = {
    counted: (source, channel) => {
      this.#counts[source] += 1;
      this.#byChannel[channel][source] += 1;
    },
    stopped: (key, stream) => {
      if (this.#streams.get(key) === stream) this.#streams.delete(key);
      if (this.#streams.size === 0) this.#stopSweep();
    },
    open: (socket, socketKey, sink) => this.connection.attach(socket, sink, socketKey),
    // Never creates the connection: a stream whose open threw has nothing to detach.
    close: (socket, socketKey, sink) => this.#connection?.detach(socket, sink, socketKey),
  };
  /** Stream kinds, shared by every stream of this hub: a stream holds no closures of its own. */
  readonly #kinds = createKinds(() => this.#client, (error) => this.#problems$.next(error));
  #connection: WsConnection | undefined;
  #sweeper: RxSubscription | undefined;

  constructor(client: StreamRestSource, options: StreamOptions = {}) {
    this.#client = client;
    this.#options = options;
    const { staleAfterMs = 30_000, pollIntervalMs = 1_000, gracePeriodMs = 2_000, replayTtlMs = 60_000, recoverAfterMs = 1_000 } = options;
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#timings = { staleAfterMs, pollIntervalMs, gracePeriodMs, replayTtlMs, recoverAfterMs, scheduler, clock: this.#clock };
  }

  /** Values served so far, by source. */
  get sources(): SourceCounters {
    return { ...this.#counts };
  }

  /**
   * Values served so far by channel and source (a copy).
   *
   * @example
   * ```ts
   * hub.channelSources.trades.rest; // trades served by REST polling during outages
   * ```
   */
  get channelSources(): Readonly<Record<Channel, SourceCounters>> {
    const { ticker, trades, orderBook, candles } = this.#byChannel;
    return { ticker: { ...ticker }, trades: { ...trades }, orderBook: { ...orderBook }, candles: { ...candles } };
  }

  /**
   * The open streams and what each last delivered, from where and when.
   *
   * @example
   * ```ts
   * const onRest = hub.streamStates().filter((s) => s.source === 'rest').length;
   * ```
   */
  streamStates(): StreamState[] {
    return [...this.#streams.values()].map(({ subscription, source, last }) => ({ channel: subscription.channel, market: subscription.market, source, lastAt: last?.receivedAt }));
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
        probeAfterMs: this.#options.socketProbeAfterMs,
        healthyAfterMs: this.#options.socketHealthyAfterMs,
        backoff: this.#options.backoff,
        scheduler: this.#options.scheduler,
        sendsOrigin: this.#options.sendsOrigin,
      });
      this.#connection.status$.subscribe(this.#status$);
    }
    return this.#connection;
  }

  /**
   * Problems that did not stop the streams: undecodable frames, exchange error frames, each socket drop,
   * order-book sequence gaps (the book was resynced).
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
  latest(channel: 'ticker' | 'trades', market: string, maxAgeMs: number): MarketEvent | undefined {
    const value = this.#streams.get(subscriptionKey({ channel, market }))?.last;
    return value !== undefined && this.#timings.scheduler.now() - value.receivedAt <= maxAgeMs ? value : undefined;
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
    return this.#hot({ channel: 'ticker', market }, this.#kinds.ticker);
  }

  /**
   * The hot trade stream of one market: every trade once, in id order, across reconnects and sources;
   * after an outage the socket's first trades wait for one REST request of recent trades, so the trades
   * between the last poll and the reconnect are not lost (up to 200 of them).
   *
   * @example
   * ```ts
   * hub.trades('KRW-BTC').subscribe((trade) => console.log(trade.id, trade.price.toFixed()));
   * ```
   */
  trades(market: string): Observable<Trade> {
    return this.#hot({ channel: 'trades', market }, this.#kinds.trades);
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
    const subscription: Subscription = { channel: 'orderBook', market, depth };
    if (this.#client.adapter.ws?.orderBook !== 'diffs') return this.#hot(subscription, this.#kinds.books);
    // One diff subscription per market whatever the depth; each hot stream keeps its own synced book.
    return this.#hot(subscription, this.#kinds.diffBooks, { channel: 'orderBook', market });
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
    return this.#hot({ channel: 'candles', market, interval }, this.#kinds.candles);
  }

  /** Closes the socket and completes every stream. */
  close(): void {
    this.#connection?.close();
    this.#sweeper?.unsubscribe();
    this.#sweeper = undefined;
    this.#status$.complete();
    this.#problems$.complete();
    this.#streams.clear();
  }

  /**
   * A handle on the hot stream of `subscription`: subscribing attaches to the stream of its key,
   * creating it on first use; the stream leaves the map when it stops.
   */
  #hot<W extends MarketEvent, T extends MarketEvent, R, K>(subscription: Subscription, kind: HotStreamKind<W, T, R, K>, socket = subscription): Observable<R> {
    const key = subscriptionKey(subscription);
    return new Observable<R>((subscriber) => {
      let stream = this.#streams.get(key) as HotStream<W, T, R, K> | undefined; // the key fixes W, T, R, K
      if (stream === undefined) {
        const socketKey = socket === subscription ? key : subscriptionKey(socket);
        stream = new HotStream<W, T, R, K>({ key, subscription, socket, socketKey, kind, owner: this.#owner }, this.#timings);
        this.#streams.set(key, stream);
        this.#startSweep();
      }
      return stream.attach(subscriber);
    });
  }

  /** One timer for every stream's silence check (the ticks of the streams' `clock`), running while any stream exists. */
  #startSweep(): void {
    if (this.#sweeper !== undefined) return;
    const { staleAfterMs, scheduler } = this.#timings;
    if (!Number.isFinite(staleAfterMs)) return;
    const period = Math.max(10, Math.min(1_000, staleAfterMs / 4));
    const clock = this.#clock;
    this.#sweeper = scheduler.schedule(function sweep(this: { schedule(state?: undefined, delay?: number): void }) {
      clock.next(scheduler.now());
      this.schedule(undefined, period);
    }, period);
  }

  #stopSweep(): void {
    this.#sweeper?.unsubscribe();
    this.#sweeper = undefined;
  }
}

/** `true` unless `value` is older than `last` by exchange time (equal times pass). */
function notOlder(value: MarketEvent, last: MarketEvent): boolean {
  return value.timestamp >= last.timestamp;
}

/**
 * Order books: by the exchange's book version when both carry one (Coinone `id`: a resent or older book
 * is dropped even when its timestamp says otherwise), else by exchange time.
 */
function newerBook(book: OrderBook, last: OrderBook): boolean {
  if (book.updateId !== undefined && last.updateId !== undefined) return compareDecimalIds(book.updateId, last.updateId) > 0;
  return notOlder(book, last);
}

/** What the hub keeps of each stream, whatever its value types. */
interface HotStreamHandle {
  readonly last: MarketEvent | undefined;
  readonly source: HotSource | undefined;
  readonly subscription: Subscription;
}

/** A reconnect's SNAPSHOT and REST polls resend trades already seen: only newer ids pass. */
function newerTrade(trade: Trade, last: Trade): boolean {
  return notOlder(trade, last) && compareDecimalIds(trade.id, last.id) > 0;
}

/** Keeps a ticker stream's replayed value in a sixth of the heap of its dozen `Big`s. */
const TICKER_PACKER = new DecimalPacker<Ticker>(TICKER_DECIMALS);

/** The stream kinds of one hub. */
interface HubKinds {
  readonly ticker: HotStreamKind<Ticker, Ticker, Ticker, number>;
  readonly trades: HotStreamKind<Trade, Trade, Trade>;
  /** Order books the exchange sends whole (Upbit, Coinone). */
  readonly books: HotStreamKind<OrderBook, OrderBook, OrderBook>;
  /** Order books kept from diffs and REST snapshots (Binance). */
  readonly diffBooks: HotStreamKind<DepthDiffEvent, OrderBook, OrderBook>;
  readonly candles: HotStreamKind<Candle, Candle, CandleUpdate>;
}

/**
 * The kinds of stream a hub serves, each written once and handed the stream's subscription, so that a
 * stream of 200 markets costs 200 small state objects and no closures (`npm run bench -- stream-memory`).
 * `client` is read on each call: the hub builds its kinds before the fields they need are settled.
 */
function createKinds(client: () => StreamRestSource, onGap: (error: MarketDataError) => void): HubKinds {
  const pollBook = (s: Subscription): Observable<OrderBook> => from(client().getOrderBook(s.market, depthOf(s)));
  return {
    ticker: {
      isWire: (e): e is Ticker => e.type === 'ticker',
      // Polling must reach REST: the stream's own last value is exactly what went stale.
      poll: (s) => from(client().getTicker(s.market, { useStream: false })),
      // The timestamp and a packed copy are all a ticker stream keeps (`npm run bench -- stream-memory`).
      follows: (ticker, lastTimestamp) => ticker.timestamp >= lastTimestamp,
      keep: (ticker) => ticker.timestamp,
      packer: TICKER_PACKER,
    },
    trades: {
      isWire: (e): e is Trade => e.type === 'trade',
      poll: (s) => from(client().getTrades(s.market, { count: 50 })).pipe(mergeMap((trades) => from(trades))),
      // After an outage, the trades between the last poll and the socket's first trade.
      bridge: (s) => from(client().getTrades(s.market, { count: 200 })).pipe(mergeMap((trades) => from(trades))),
      follows: newerTrade,
    },
    books: {
      isWire: (e): e is OrderBook => e.type === 'orderBook',
      poll: pollBook,
      follows: newerBook,
    },
    diffBooks: {
      isWire: (e): e is DepthDiffEvent => e.type === 'depthDiff',
      primary: (s) => syncOrderBook({ snapshot: () => client().getDepthSnapshot(s.market), depth: depthOf(s), onGap }),
      poll: pollBook,
      follows: newerBook,
    },
    candles: {
      isWire: (e, s): e is Candle => e.type === 'candle' && s.channel === 'candles' && e.interval === s.interval,
      poll: (s) => from(client().getCandles(s.market, intervalOf(s), { count: 1 })).pipe(mergeMap((candles) => from(candles))),
      // A candle is resent as it grows: the same period (or a later one) follows, an earlier one does not.
      follows: (candle, last) => candle.openTime >= last.openTime,
      post: () => flagClosedCandles(),
    },
  };
}

function depthOf(subscription: Subscription): number | undefined {
  return subscription.channel === 'orderBook' ? subscription.depth : undefined;
}

function intervalOf(subscription: Subscription): CandleInterval {
  if (subscription.channel !== 'candles') throw new TypeError(`not a candle subscription: ${subscriptionKey(subscription)}`);
  return subscription.interval;
}
