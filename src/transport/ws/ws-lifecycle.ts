/**
 * The life of a self-healing socket, written once for the public connection (`WsConnection`) and the
 * account's private socket (`PrivateStreams`): connection attempts paced to the exchange's connect
 * limit, one session per socket (liveness probes, stale detection, send permits), reconnects with a
 * backoff that resets only after a healthy period, and the status sequence. What goes over the socket
 * (subscriptions, routing of decoded frames) stays with its owner.
 */
import {
  defer,
  finalize,
  from,
  repeat,
  switchMap,
  timer,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
  Subscription as RxSubscription,
} from 'rxjs';
import { retryBackoff, type RetryEvent } from '../../../operators/retryBackoff.js';
import { isRetryableError, type MarketDataError } from '../../errors/index.js';
import type { BackoffOptions } from '../../core/backoff.js';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';
import type { StatusEvent } from '../../model/market-event.js';
import type { WebSocketFactory } from './websocket-factory.js';
import type { WsConnectionStatus } from './ws-options.js';
import { openWsSession, type WsSessionLink } from './ws-session.js';
import { sharedConnectLease, createSendPermit, toMarketDataError } from './ws-support.js';

/** Silence after which an open socket is probed (ping frame, else the heartbeat frame). */
export const DEFAULT_PROBE_AFTER_MS = 2_000;
/** Silence after which a socket is dead: the probe's reply had 2.5 s, and a dead socket is known within 5 s. */
export const DEFAULT_STALE_AFTER_MS = 4_500;
/** How long a socket must stay up past its first frame before the reconnect backoff starts small again. */
export const DEFAULT_HEALTHY_AFTER_MS = 10_000;

type Limits = ExchangeWsAdapter['sendLimits'];
type StatusDetail = Pick<StatusEvent, 'reason' | 'attempt' | 'retryInMs'>;

/** What the socket's owner hears from the lifecycle. */
export interface WsLifecycleHooks {
  /** A socket opened: send the subscriptions, then call {@link WsLifecycle.subscribed}. */
  readonly onOpen: (link: WsSessionLink) => void;
  /** The open socket went away. */
  readonly onClose: () => void;
  /** Every frame received. */
  readonly onFrame: (data: unknown) => void;
  /** Every text frame sent. @default nothing */
  readonly onSent?: (() => void) | undefined;
  /** Every status event. */
  readonly onStatus: (event: StatusEvent) => void;
  /** A non-fatal problem: each drop before its reconnect. */
  readonly onError: (error: MarketDataError) => void;
  /** A fatal failure: the loop has stopped and `closed` was emitted; error the streams. */
  readonly onFail: (error: MarketDataError) => void;
}

/** What {@link WsLifecycle} needs besides its hooks. */
export interface WsLifecycleConfig {
  readonly exchange: string;
  readonly url: string;
  readonly protocols: string | string[];
  readonly scheduler: SchedulerLike;
  /** Clock of status timestamps. */
  readonly now: () => number;
  /** The socket factory of one attempt, asked right before each connection (a private socket signs a fresh token). */
  readonly factory: () => ObservableInput<WebSocketFactory>;
  readonly keepalive: ExchangeWsAdapter['keepalive'];
  readonly heartbeat?: ExchangeWsAdapter['heartbeat'];
  readonly sendLimits: Limits;
  /**
   * Where counted frames (queued sends, counted heartbeats) wait for the budget, when the owner shares
   * one budget with frames it sends itself. @default a permit over `sendLimits`
   */
  readonly permit?: (() => Observable<void>) | undefined;
  /** Connection attempts per window, shared by every lifecycle with the same limits and scheduler. @default none */
  readonly connectLimits?: Limits | undefined;
  readonly closeCodes?: ExchangeWsAdapter['closeCodes'];
  readonly maxConnectionAgeMs?: number | undefined;
  /** @default DEFAULT_STALE_AFTER_MS */
  readonly staleAfterMs?: number | undefined;
  /** @default DEFAULT_PROBE_AFTER_MS */
  readonly probeAfterMs?: number | undefined;
  /** @default DEFAULT_HEALTHY_AFTER_MS */
  readonly healthyAfterMs?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
}

/**
 * Runs sockets one after another for as long as it is started. Status sequence: `connecting`
 * ({@link WsLifecycle.start}), `connected` (first socket open and subscribed, see
 * {@link WsLifecycle.subscribed}), per drop `disconnect {reason, attempt, retryInMs}`, then
 * `reconnect {attempt}` once a new socket delivers data ({@link WsLifecycle.delivered}: a socket that
 * opens and stays silent is not a recovery), and `closed` ({@link WsLifecycle.stop}, or a fatal failure).
 *
 * @example
 * ```ts
 * const lifecycle = new WsLifecycle({ exchange: 'upbit', url, protocols: [], scheduler, now: () => scheduler.now(),
 *   factory: () => resolveWebSocketFactory(), keepalive: upbitWs.keepalive, sendLimits: upbitWs.sendLimits }, hooks);
 * lifecycle.start();
 * ```
 */
export class WsLifecycle {
  readonly #config: WsLifecycleConfig;
  readonly #hooks: WsLifecycleHooks;
  readonly #permit: () => Observable<void>;
  readonly #connectLease: () => Observable<() => void>;
  #loop: RxSubscription | undefined;
  #status: WsConnectionStatus = 'idle';
  /** Attempt of the drop not yet followed by data (0: none). */
  #attempt = 0;
  #connected = false;

  constructor(config: WsLifecycleConfig, hooks: WsLifecycleHooks) {
    this.#config = config;
    this.#hooks = hooks;
    this.#permit = config.permit ?? createSendPermit(config.sendLimits, config.scheduler);
    this.#connectLease = sharedConnectLease(config.connectLimits ?? [], config.scheduler);
  }

  /** `true` between {@link WsLifecycle.start} and {@link WsLifecycle.stop} (or a fatal failure). */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** The last status emitted, or `idle`. */
  get status(): WsConnectionStatus {
    return this.#status;
  }

  /** Emits `connecting` and opens the first socket. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#attempt = 0;
    this.#connected = false;
    this.emit('connecting');
    // Assigned before subscribing: a synchronous fatal failure must be able to clear it.
    const loop = new RxSubscription();
    this.#loop = loop;
    const { backoff, healthyAfterMs = DEFAULT_HEALTHY_AFTER_MS, scheduler } = this.#config;
    const connection$ = defer(() => this.#connectLease()).pipe(
      // Every attempt waits for the connection limit; its unit stays spent until the socket opened or
      // failed, and a window after.
      switchMap((release) =>
        defer(() => from(this.#config.factory())).pipe(
          switchMap((makeWebSocket) => this.#session(makeWebSocket, release)),
          finalize(release),
        ),
      ),
      // A session completes only after link.restart(): open the next one on the next turn, outside the
      // old socket's message handler.
      repeat({ delay: () => timer(0, scheduler) }),
      retryBackoff({
        ...backoff,
        resetAfterMs: healthyAfterMs,
        scheduler,
        shouldRetry: isRetryableError,
        onRetry: (event) => this.#onRetry(event),
      }),
    );
    loop.add(connection$.subscribe({ error: (error: unknown) => this.fail(error) }));
  }

  /** Closes the socket and cancels every timer; emits `closed` when it was running (unless `quiet`). */
  stop(quiet = false): void {
    const loop = this.#loop;
    if (loop === undefined) return;
    this.#loop = undefined;
    loop.unsubscribe();
    if (!quiet) this.emit('closed');
  }

  /** The owner sent the subscriptions of a fresh socket: the first socket is now `connected`. */
  subscribed(): void {
    if (this.#attempt !== 0 || this.#connected) return;
    this.#connected = true;
    this.emit('connected');
  }

  /** The socket delivered data: a drop not yet followed by data is now a `reconnect`. */
  delivered(): void {
    const attempt = this.#attempt;
    if (attempt === 0) return;
    this.#attempt = 0;
    this.#connected = true;
    this.emit('reconnect', { attempt });
  }

  /** The server is going away: `link` closes now and the next socket opens without backoff or error. */
  restart(link: WsSessionLink, reason: string): void {
    this.#attempt = 1;
    this.emit('disconnect', { reason, attempt: 1, retryInMs: 0 });
    link.restart();
  }

  /** Emits a status event. */
  emit(status: StatusEvent['status'], detail: StatusDetail = {}): void {
    this.#status = status;
    this.#hooks.onStatus({ type: 'status', exchange: this.#config.exchange, status, ...detail, timestamp: this.#config.now() });
  }

  #session(makeWebSocket: WebSocketFactory, opened: () => void): Observable<void> {
    const config = this.#config;
    const hooks = this.#hooks;
    return openWsSession({
      url: config.url,
      protocols: config.protocols,
      makeWebSocket,
      exchange: config.exchange,
      scheduler: config.scheduler,
      keepalive: config.keepalive,
      heartbeat: { frame: config.heartbeat?.frame ?? config.keepalive.frame, counted: config.heartbeat?.counted === true },
      staleAfterMs: config.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      probeAfterMs: config.probeAfterMs ?? DEFAULT_PROBE_AFTER_MS,
      maxConnectionAgeMs: config.maxConnectionAgeMs,
      closeCodes: config.closeCodes,
      permit: this.#permit,
      onOpen: (link) => {
        opened();
        hooks.onOpen(link);
      },
      onClose: hooks.onClose,
      onFrame: hooks.onFrame,
      onSent: hooks.onSent ?? (() => undefined),
    });
  }

  #onRetry({ error, attempt, delayMs }: RetryEvent): void {
    const failure = toMarketDataError(error, this.#config.exchange);
    this.#hooks.onError(failure);
    this.#attempt = attempt;
    this.emit('disconnect', { reason: failure.message, attempt, retryInMs: delayMs });
  }

  /** A fatal failure (e.g. bad credentials): stops, reports, emits `closed` with the reason, calls `onFail`. */
  fail(error: unknown): void {
    const failure = toMarketDataError(error, this.#config.exchange);
    const loop = this.#loop;
    this.#loop = undefined;
    loop?.unsubscribe();
    this.#hooks.onError(failure);
    this.emit('closed', { reason: failure.message });
    this.#hooks.onFail(failure);
  }
}
