/**
 * One WebSocket connection per exchange endpoint, shared by every stream of that endpoint: it
 * multiplexes subscriptions, keeps the socket alive, reconnects with backoff and resubscribes.
 * It knows an exchange only through its {@link ExchangeWsAdapter}.
 */
import { asyncScheduler, from, Observable, of, Subject, tap, type SchedulerLike, Subscription as RxSubscription } from 'rxjs';
import { MarketDataError } from '../../errors/index.js';
import type { ExchangeWsAdapter, Subscription, WsMessage } from '../../core/exchange-adapter.js';
import type { StatusEvent } from '../../model/market-event.js';
import { frameText, resolveWebSocketFactory, type WebSocketFactory } from './websocket-factory.js';
import { sendsOriginByDefault } from '../environment.js';
import type { WsConnectionOptions, WsConnectionStats, WsConnectionStatus } from './ws-options.js';
import { toFrameError, toMarketDataError, WS_SEND_MARGIN_MS } from './ws-support.js';
import { subscriptionKey, SubscriptionRouter, type EventSink, type StreamEvent } from './ws-router.js';
import type { WsSessionLink } from './ws-session.js';
import { WsLifecycle } from './ws-lifecycle.js';
import { SendBudget } from './send-budget.js';
import { SubscriptionSync } from './subscription-sync.js';

export type { WsConnectionOptions, WsConnectionStats, WsConnectionStatus } from './ws-options.js';
export type { EventSink, StreamEvent } from './ws-router.js';

/**
 * A shared, self-healing WebSocket connection.
 *
 * Streams are cold handles: subscribing adds their subscription to the connection's set
 * (ref-counted by {@link subscriptionKey}), unsubscribing removes it. Changes coalesce into one pending
 * latest set ({@link SubscriptionSync}): when `adapter.sendLimits` allow a frame, the frames of
 * `adapter.subscriptionFrames(wanted now, held)` go out, nothing if the server holds the wanted set, so
 * churn never queues obsolete requests; counted heartbeats share that budget. The socket opens with the first subscription and closes with the last. Connection attempts follow
 * `adapter.connectLimits` (shared by every connection of the adapter). Drops, silence and old age
 * reconnect with backoff and resubscribe everything; streams see `disconnect` and `reconnect` status
 * events and never a retryable error. A socket silent for `probeAfterMs` is probed (a ping frame in
 * Node, the adapter's heartbeat frame in browsers) and declared dead after `staleAfterMs` of silence:
 * 4.5 s by default. The backoff starts small again only after a socket stayed up `healthyAfterMs` past
 * its first frame. A close code listed in `adapter.closeCodes` waits at least its `retryAfterMs` (a
 * `RateLimitError` on `errors$`). A `reconnect` message (a server's shutdown notice) replaces the
 * socket at once, with no backoff and no error: only the `disconnect` status (attempt 1, `retryInMs`
 * 0) carries its reason. Bad frames and exchange error frames go to `errors$`.
 *
 * Status sequence: `connecting` (socket requested), `connected` (open, request sent), then per drop
 * `disconnect {reason, attempt, retryInMs}` (repeated while attempts fail) and `reconnect {attempt}`
 * (on the first market data of the new socket, not when it opens: a socket as silent as the last one
 * is no recovery), and `closed` when the last stream leaves or on `close()`.
 *
 * @example
 * ```ts
 * import { exchangeAdapters } from 'market-data-backbone';
 * import { WsConnection } from 'market-data-backbone/internals';
 * const exchange = exchangeAdapters.upbit;
 * const connection = new WsConnection({ adapter: exchange.ws, exchange: exchange.id });
 * connection.stream({ channel: 'ticker', market: 'KRW-BTC' }).subscribe((event) => console.log(event));
 * connection.errors$.subscribe((error) => console.warn(error.message));
 * ```
 */
export class WsConnection {
  readonly #adapter: ExchangeWsAdapter;
  readonly #exchange: string;
  readonly #options: WsConnectionOptions;
  readonly #scheduler: SchedulerLike;
  readonly #now: () => number;
  readonly #lifecycle: WsLifecycle;
  readonly #router = new SubscriptionRouter();
  readonly #status$ = new Subject<StatusEvent>();
  readonly #errors$ = new Subject<MarketDataError>();
  #factory: WebSocketFactory | undefined;
  #flush: RxSubscription | undefined;
  #link: WsSessionLink | undefined;
  readonly #sync: SubscriptionSync;
  #closed = false;
  #counts = { framesReceived: 0, framesSent: 0, reconnects: 0, errors: 0 };

  /** Connection status events, as they happen (hot; no replay). */
  readonly status$: Observable<StatusEvent> = this.#status$.asObservable();
  /** Non-fatal problems: undecodable frames, exchange error frames, each drop before its reconnect. */
  readonly errors$: Observable<MarketDataError> = this.#errors$.asObservable();

  constructor(options: WsConnectionOptions) {
    this.#options = options;
    this.#adapter = options.adapter;
    this.#exchange = options.exchange;
    this.#factory = options.webSocketFactory;
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#scheduler = scheduler;
    this.#now = options.now ?? (() => scheduler.now());
    // Browsers send an Origin with every upgrade; some exchanges then allow far fewer attempts and frames.
    const adapter = options.adapter;
    const origin = (options.sendsOrigin ?? sendsOriginByDefault()) ? adapter.originLimits : undefined;
    const sendLimits = origin?.send ?? adapter.sendLimits;
    // One budget for everything the exchange counts: subscription frames and counted heartbeats.
    const budget = new SendBudget(sendLimits, scheduler, WS_SEND_MARGIN_MS);
    this.#sync = new SubscriptionSync({
      wanted: this.#router,
      frames: (next, previous) => this.#adapter.subscriptionFrames(next, previous),
      budget,
      scheduler,
      // A subscription the adapter cannot express: fatal, like a socket that cannot be created.
      onError: (error) => {
        this.#lifecycle.stop();
        this.#fail(toMarketDataError(error, options.exchange));
      },
    });
    this.#lifecycle = new WsLifecycle(
      {
        exchange: options.exchange,
        url: options.url ?? adapter.url,
        protocols: options.protocols ?? [],
        scheduler,
        now: this.#now,
        factory: () => this.#resolveFactory(),
        keepalive: adapter.keepalive,
        heartbeat: adapter.heartbeat,
        sendLimits,
        permit: () => budget.permit(),
        connectLimits: origin?.connect ?? adapter.connectLimits,
        closeCodes: adapter.closeCodes,
        maxConnectionAgeMs: adapter.maxConnectionAgeMs,
        staleAfterMs: options.staleAfterMs,
        probeAfterMs: options.probeAfterMs,
        healthyAfterMs: options.healthyAfterMs,
        backoff: options.backoff,
      },
      {
        onOpen: (link) => this.#onOpen(link),
        onClose: () => {
          this.#link = undefined;
          this.#sync.close();
        },
        onFrame: (data) => this.#onFrame(data),
        onSent: () => this.#counts.framesSent++,
        onStatus: (event) => this.#onStatus(event),
        onError: (error) => this.#report(error),
        onFail: (error) => this.#fail(error),
      },
    );
  }

  /** The distinct subscriptions of the connection's streams. */
  get subscriptions(): Subscription[] {
    return this.#router.subscriptions();
  }

  /** `true` while a socket is open. */
  get isOpen(): boolean {
    return this.#link !== undefined;
  }

  /** The last status emitted, or `idle`. */
  get status(): WsConnectionStatus {
    return this.#lifecycle.status;
  }

  /** A snapshot of the counters. */
  get stats(): WsConnectionStats {
    return { ...this.#counts };
  }

  /**
   * The events of one subscription plus every status event, as a cold handle on the shared socket.
   * Completes on {@link WsConnection.close}; errors only on a fatal (non-retryable) failure or when
   * `adapter.maxSubscriptions` would be exceeded.
   *
   * @example
   * ```ts
   * const trades$ = connection.stream({ channel: 'trades', market: 'KRW-BTC' });
   * const sub = trades$.subscribe((event) => event.type === 'trade' && console.log(event.price.toString()));
   * sub.unsubscribe(); // the last subscriber leaving drops KRW-BTC trades from the socket
   * ```
   */
  stream(subscription: Subscription): Observable<StreamEvent> {
    return new Observable<StreamEvent>((subscriber) => {
      this.attach(subscription, subscriber);
      return () => this.detach(subscription, subscriber);
    });
  }

  /**
   * What {@link WsConnection.stream} does for each subscriber, for a long-lived object that is its own
   * sink (a hub's hot stream): no Observable, subscriber or closure per subscription. The sink gets the
   * events of `subscription` plus every status event until {@link WsConnection.detach} with the same
   * arguments (`key` is `subscriptionKey(subscription)`, for callers that keep it already); it is
   * completed at once when the connection is closed, errored when
   * `adapter.maxSubscriptions` would be exceeded.
   *
   * @example
   * ```ts
   * const sink = { next: (event: StreamEvent) => console.log(event.type), error: console.error, complete: () => {} };
   * connection.attach({ channel: 'ticker', market: 'KRW-BTC' }, sink);
   * connection.detach({ channel: 'ticker', market: 'KRW-BTC' }, sink);
   * ```
   */
  attach(subscription: Subscription, sink: EventSink, key = subscriptionKey(subscription)): void {
    if (this.#closed) {
      sink.complete();
      return;
    }
    const max = this.#adapter.maxSubscriptions;
    if (max !== undefined && this.#router.size >= max && !this.#router.has(key)) {
      const message = `Subscription limit reached: ${this.#exchange} allows ${max} per connection`;
      sink.error(new MarketDataError(message, { exchange: this.#exchange }));
      return;
    }
    if (this.#router.add(subscription, sink, key)) this.#scheduleFlush();
  }

  /**
   * Undoes {@link WsConnection.attach}; the last sink of a subscription leaving drops it from the socket.
   *
   * @example
   * ```ts
   * connection.detach({ channel: 'ticker', market: 'KRW-BTC' }, sink);
   * ```
   */
  detach(subscription: Subscription, sink: EventSink, key = subscriptionKey(subscription)): void {
    if (this.#router.remove(subscription, sink, key) && !this.#closed) this.#scheduleFlush();
  }

  /**
   * Closes the socket, emits `closed`, completes every stream, `status$` and `errors$`, and cancels
   * every timer. The connection cannot be reopened; later streams complete at once.
   *
   * @example
   * ```ts
   * process.once('SIGINT', () => connection.close());
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flush?.unsubscribe();
    this.#lifecycle.stop(true);
    this.#lifecycle.emit('closed');
    for (const subscriber of this.#router.clear()) subscriber.complete();
    this.#status$.complete();
    this.#errors$.complete();
  }

  #scheduleFlush(): void {
    this.#flush ??= this.#scheduler.schedule(() => {
      this.#flush = undefined;
      this.#applySubscriptions();
    }, this.#options.debounceMs ?? 0);
  }

  #applySubscriptions(): void {
    if (this.#router.size === 0) {
      this.#lifecycle.stop();
      return;
    }
    if (!this.#lifecycle.running) {
      this.#lifecycle.start();
      return;
    }
    // While no socket is open there is nothing to tell: the next one gets the full set.
    this.#sync.changed();
  }

  #resolveFactory(): Observable<WebSocketFactory> {
    if (this.#factory !== undefined) return of(this.#factory);
    return from(resolveWebSocketFactory(undefined, { headers: this.#options.headers })).pipe(
      tap((factory) => (this.#factory = factory)),
    );
  }

  #onOpen(link: WsSessionLink): void {
    this.#link = link;
    this.#sync.open(link.write, () => this.#lifecycle.subscribed());
  }

  #onFrame(data: unknown): void {
    this.#counts.framesReceived++;
    let message: WsMessage;
    try {
      message = this.#adapter.decode(frameText(data), this.#now());
    } catch (error) {
      this.#report(toFrameError(error, data, this.#exchange));
      return;
    }
    if (message.kind === 'events') {
      const { events } = message;
      // After a drop, the first market data is what proves the new socket works.
      if (events.length > 0) this.#lifecycle.delivered();
      for (let i = 0; i < events.length; i++) this.#router.route(events[i]!);
    } else if (message.kind === 'error') {
      this.#report(message.error);
    } else if (message.kind === 'reconnect') {
      this.#restart(message.reason);
    }
  }

  /** The server is going away: drop its socket now and open the next one without backoff or error. */
  #restart(reason: string): void {
    const link = this.#link;
    if (link !== undefined) this.#lifecycle.restart(link, reason);
  }

  /** A fatal failure: every stream errors, the connection returns to idle (a new stream retries). */
  #fail(failure: MarketDataError): void {
    this.#flush?.unsubscribe();
    this.#flush = undefined;
    for (const subscriber of this.#router.clear()) subscriber.error(failure);
  }

  #onStatus(event: StatusEvent): void {
    if (event.status === 'reconnect') this.#counts.reconnects++;
    this.#router.broadcast(event);
    this.#status$.next(event);
  }

  #report(error: MarketDataError): void {
    this.#counts.errors++;
    this.#errors$.next(error);
  }
}
