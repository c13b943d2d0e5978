/**
 * Configuration and reporting types of the WebSocket connection (see `ws-connection.ts`).
 */
import type { SchedulerLike } from 'rxjs';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';
import type { StatusEvent } from '../../model/market-event.js';
import type { BackoffOptions } from '../../core/backoff.js';
import type { WebSocketFactory } from './websocket-factory.js';

/** Options of a {@link WsConnection}. */
export interface WsConnectionOptions {
  /** The exchange's WebSocket adapter: frames, decoding, keepalive and limits. */
  readonly adapter: ExchangeWsAdapter;
  /** Exchange id stamped on status events and errors. */
  readonly exchange: string;
  /** Endpoint to connect to. @default adapter.url */
  readonly url?: string | undefined;
  /** WebSocket sub-protocols. @default [] */
  readonly protocols?: string | string[] | undefined;
  /** Socket factory (tests, proxies). @default resolveWebSocketFactory(): global WebSocket, else `ws` */
  readonly webSocketFactory?: WebSocketFactory | undefined;
  /** Upgrade request headers (Node only, e.g. `Authorization`; ignored with `webSocketFactory`). @default undefined */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Timers (debounce, keepalive, stale check, backoff, send limits). @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** Clock for `receivedAt` and status timestamps. @default () => scheduler.now() */
  readonly now?: (() => number) | undefined;
  /**
   * Silence (no frame and no pong) after which the socket counts as dead and is replaced; measured from
   * the socket's creation, so a hung handshake counts too. With the default probe a dead or stalled
   * socket is known within 4.5 s, and the streams move to REST on its `disconnect`. `Infinity`
   * disables it.
   * @default 4_500
   */
  readonly staleAfterMs?: number | undefined;
  /**
   * Silence after which an open socket is probed once: a WebSocket ping frame where the runtime can
   * send one (Node's `ws`), else the adapter's heartbeat frame (Upbit `PING`, Coinone
   * `{"request_type":"PING"}`, Binance `LIST_SUBSCRIPTIONS`). A busy socket is never probed. Probes
   * count against `adapter.sendLimits` only where the exchange counts them (`adapter.heartbeat.counted`).
   * `Infinity` never probes (then any silence of `staleAfterMs` is fatal).
   * @default 2_000
   */
  readonly probeAfterMs?: number | undefined;
  /**
   * How long a socket must stay up past its first frame before the reconnect backoff starts small
   * again; a server that accepts, sends a frame and closes keeps the backoff growing.
   * @default 10_000
   */
  readonly healthyAfterMs?: number | undefined;
  /**
   * How long subscription changes gather before one request goes out, counted from the first change
   * (so a steady trickle of changes cannot postpone it forever).
   * @default 0 (the changes of one tick)
   */
  readonly debounceMs?: number | undefined;
  /**
   * Reconnect backoff. The attempt count resets once a socket has stayed up `healthyAfterMs` past its
   * first frame. @default DEFAULT_BACKOFF (250 ms doubling to 32 s, half jittered)
   */
  readonly backoff?: BackoffOptions | undefined;
  /**
   * Whether upgrade requests carry an `Origin` header (browsers always send one): connection attempts
   * and request frames then follow `adapter.originLimits` (Upbit: 1 per 10 s each) instead of
   * `adapter.connectLimits` and `adapter.sendLimits`. @default sendsOriginByDefault(): true in browsers, false in Node
   */
  readonly sendsOrigin?: boolean | undefined;
}

/** Counters of a {@link WsConnection}, since it was created. */
export interface WsConnectionStats {
  readonly framesReceived: number;
  readonly framesSent: number;
  readonly reconnects: number;
  /** Values emitted on `errors$`. */
  readonly errors: number;
}

/** Where a connection stands: its last status, or `idle` before the first stream. */
export type WsConnectionStatus = StatusEvent['status'] | 'idle';
