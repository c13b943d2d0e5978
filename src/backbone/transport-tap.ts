/**
 * The one hook through which recording and replay reach an exchange's transport: a
 * {@link TransportTap} sees each exchange's transport settings (fetch, socket factory, timers, clock)
 * before its client is created and may wrap or replace them. Types only: the recorder and the player
 * live in `market-data-backbone/replay` (Node), so this entry point stays browser-safe.
 */
import type { SchedulerLike } from 'rxjs';
import type { BackoffOptions } from '../core/backoff.js';
import type { FetchLike } from '../transport/http/rest-client.js';
import type { WebSocketFactory } from '../transport/ws/websocket-factory.js';

/** The transport settings of one exchange a {@link TransportTap} may wrap or replace. */
export interface TapSettings {
  /** REST base URL. */
  readonly restUrl?: string | undefined;
  /** WebSocket URL. */
  readonly wsUrl?: string | undefined;
  /** Fetch implementation (`undefined`: the library's default). */
  readonly fetch?: FetchLike | undefined;
  /** Socket factory (`undefined`: the library's default). */
  readonly webSocketFactory?: WebSocketFactory | undefined;
  /** Timers of the streams and sockets (`undefined`: `asyncScheduler`). */
  readonly scheduler?: SchedulerLike | undefined;
  /** Clock of REST replies (`undefined`: the wall clock). */
  readonly now?: (() => number) | undefined;
  /** Reconnect backoff of the sockets (`undefined`: the library's). */
  readonly backoff?: BackoffOptions | undefined;
}

/**
 * Wraps the transport of every exchange client a backbone creates (public data only; private clients
 * are never tapped). A recorder wraps `fetch` and `webSocketFactory` to write down what arrives; a
 * replay replaces them, and the clock, with a recording's.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone, type TransportTap } from 'market-data-backbone';
 *
 * const logSockets: TransportTap = {
 *   wrap: (exchange, settings) => ({ ...settings, webSocketFactory: settings.webSocketFactory }),
 * };
 * const backbone = new MarketDataBackbone({ tap: logSockets });
 * ```
 */
export interface TransportTap {
  /** The settings the client of `exchange` is created with, from the ones it would have had. */
  wrap(exchange: string, settings: TapSettings): TapSettings;
  /** Called once when the backbone closes. @default nothing */
  close?(): void;
}

/** How fast a replay runs: a multiple of the recorded pace, or `'max'` (no waiting at all). */
export type ReplaySpeed = number | 'max';

/**
 * A recording a backbone can replay (`openRecording(dir)` of `market-data-backbone/replay` makes one):
 * started once, it hands back the tap that serves every exchange from the recording.
 */
export interface ReplaySource {
  /** Starts the replay at `speed`; a source plays once. */
  start(speed: ReplaySpeed): TransportTap;
}

/**
 * The `replay` option of a backbone: serve the whole API from a recording, on a virtual clock.
 *
 * @example
 * ```ts
 * import { MarketDataBackbone } from 'market-data-backbone';
 * import { openRecording } from 'market-data-backbone/replay';
 *
 * const recording = openRecording('recordings/');
 * const backbone = new MarketDataBackbone({ replay: { from: recording, speed: 10 } });
 * backbone.streamTicker('KRW-BTC').subscribe((t) => console.log(t.last.toFixed()));
 * await recording.done;
 * ```
 */
export interface ReplayOptions {
  /** The recording. */
  readonly from: ReplaySource;
  /** A multiple of the recorded pace, or `'max'`. @default 1 */
  readonly speed?: ReplaySpeed | undefined;
}
