/**
 * The life of one socket: open it, send subscription frames within the send limits, keep it alive,
 * and fail it when it goes silent or too old. Reconnecting is the caller's job (`retryBackoff`).
 */
import {
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  Observable,
  Subject,
  Subscription as RxSubscription,
  tap,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';
import { ConnectionError, StaleStreamError } from '../../errors/index.js';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';
import { connectSocket, type SocketLink } from './ws-socket.js';
import type { WebSocketFactory } from './websocket-factory.js';

/** The open socket, as the connection sees it while a session lasts. */
export interface WsSessionLink {
  /**
   * Queues frames that count against the send limits: they go out in order, each once `permit()`
   * allows, and `onSent` runs when the last one has been handed to the socket.
   */
  send(frames: readonly string[], onSent?: () => void): void;
  /**
   * Sends one frame at once, outside `send`'s queue and without a permit: for a caller that waits for
   * the send limits itself and decides what to send only when they allow it (the connection's
   * `SubscriptionSync`).
   */
  write(frame: string): void;
  /**
   * Ends the session on purpose (the server announced it is going away): the socket closes at once
   * and the session completes instead of failing, so the caller can open the next one without backoff.
   */
  restart(): void;
}

/** What {@link openWsSession} needs. */
export interface WsSessionConfig {
  readonly url: string;
  readonly protocols: string | string[];
  readonly makeWebSocket: WebSocketFactory;
  readonly exchange: string;
  readonly scheduler: SchedulerLike;
  /** Keepalive frame and cadence; no keepalive unless `intervalMs` is positive and finite. */
  readonly keepalive: { readonly intervalMs: number; readonly frame: string };
  /**
   * Longest silence (no frame and no pong) from the session's start or the last frame or pong, after
   * which the socket is dead; `Infinity` disables it.
   */
  readonly staleAfterMs: number;
  /**
   * Silence after which the open socket is probed once (a ping frame where the socket can send one,
   * else `heartbeat.frame`; nothing when that is empty); the probe's reply is due before
   * `staleAfterMs`. `Infinity` never probes. @default Infinity
   */
  readonly probeAfterMs?: number | undefined;
  /** The application-level probe and whether probes and keepalives wait for `permit()`. @default none, not counted */
  readonly heartbeat?: { readonly frame: string; readonly counted: boolean } | undefined;
  /** Planned reconnect after this long open; `undefined` for never. */
  readonly maxConnectionAgeMs: number | undefined;
  /** Close codes that ask for a longer wait (see `connectSocket`). @default undefined */
  readonly closeCodes?: ExchangeWsAdapter['closeCodes'];
  /** Waits for the send limits to allow one more subscription frame. */
  readonly permit: () => Observable<void>;
  /** The socket opened: the session's link for sending. */
  readonly onOpen: (link: WsSessionLink) => void;
  /** The open socket went away (failure or unsubscribe). */
  readonly onClose: () => void;
  /** Every frame received. */
  readonly onFrame: (data: unknown) => void;
  /** Every text frame sent (subscription frames, keepalives and heartbeat frames; not ping frames). */
  readonly onSent: () => void;
}

interface Batch {
  readonly frames: readonly string[];
  readonly onSent: (() => void) | undefined;
}

const isPositiveFinite = (ms: number | undefined): ms is number => ms !== undefined && ms > 0 && Number.isFinite(ms);

/**
 * Runs one socket. Emits once, on the first frame received (proof the connection works, so a retry
 * loop may reset its backoff); errors with a retryable `ConnectionError` when the socket drops (a
 * `RateLimitError` for a code in `closeCodes`), a `StaleStreamError` after `staleAfterMs` of silence, or
 * a `ConnectionError` at `maxConnectionAgeMs`; completes after `link.restart()`. Unsubscribing (or
 * completing) closes the socket and cancels every timer.
 *
 * Liveness: after `probeAfterMs` of silence the open socket is probed once (ping frame, else the
 * heartbeat frame); a frame or pong before `staleAfterMs` keeps it, silence until then kills it. A busy
 * socket is never probed. The watch timer does not restart on each frame (that would cost a timer per
 * frame): it stores the frame's time and, when it fires early, sleeps again for the remainder.
 *
 * @example
 * ```ts
 * openWsSession({ ...config, onOpen: (link) => link.send(['[{"ticket":"t"},{"type":"ticker","codes":["KRW-BTC"]}]']) })
 *   .pipe(retryBackoff({ scheduler }))
 *   .subscribe();
 * ```
 */
export function openWsSession(config: WsSessionConfig): Observable<void> {
  const { scheduler, keepalive, staleAfterMs, maxConnectionAgeMs, heartbeat } = config;
  const probeAfterMs = config.probeAfterMs ?? Infinity;
  return new Observable<void>((subscriber) => {
    const resources = new RxSubscription();
    const startedAt = scheduler.now();
    let heardAt = startedAt;
    let framed = false;
    let probed = false;
    let probe: (() => void) | undefined;
    let open = false;

    let watch: RxSubscription | undefined;

    /** Wakes every `staleAfterMs` of silence at most: fails a silent socket, probes a quiet one. */
    function check(this: SchedulerAction<undefined>): void {
      const now = scheduler.now();
      const silentMs = now - heardAt;
      if (silentMs >= staleAfterMs) {
        const error = new StaleStreamError(`Stream went stale: no frame from ${config.exchange} for ${silentMs} ms`, {
          exchange: config.exchange,
          lastMessageAt: framed ? heardAt : undefined,
        });
        subscriber.error(error);
        return;
      }
      let wakeAt = heardAt + staleAfterMs;
      if (probeAfterMs < staleAfterMs) {
        if (silentMs < probeAfterMs) wakeAt = heardAt + probeAfterMs;
        else if (!probed && probe !== undefined) {
          probed = true;
          probe();
        }
      }
      this.schedule(undefined, wakeAt - now);
    }
    const arm = (delayMs: number): void => {
      if (!isPositiveFinite(staleAfterMs)) return;
      watch?.unsubscribe();
      watch = scheduler.schedule(check, delayMs);
      resources.add(watch);
    };
    const heard = (): void => {
      heardAt = scheduler.now();
      if (!probed) return;
      // The probe was answered; the watch sleeps until the stale deadline, so wake it for the next probe.
      probed = false;
      arm(probeAfterMs);
    };
    const onFrame = (data: unknown): void => {
      if (!framed) {
        framed = true;
        subscriber.next();
      }
      heard();
      config.onFrame(data);
    };
    arm(Math.min(staleAfterMs, probeAfterMs));

    const start = ({ send: sendFrame, ping }: SocketLink): void => {
      open = true;
      const send = (frame: string): void => {
        sendFrame(frame);
        config.onSent();
      };
      const counted = heartbeat?.counted === true;
      /** Sends at once, or after a permit when heartbeats count against the send limits. */
      const sendHeartbeat = (sendIt: () => void): void => {
        if (!counted) sendIt();
        else resources.add(config.permit().subscribe(sendIt));
      };
      const outbox = new Subject<Batch>();
      const sendBatch = ({ frames, onSent }: Batch): Observable<unknown> =>
        concat(
          from(frames).pipe(concatMap((frame) => config.permit().pipe(tap(() => send(frame))))),
          defer(() => {
            onSent?.();
            return EMPTY;
          }),
        );
      resources.add(outbox.pipe(concatMap(sendBatch)).subscribe({ error: (error: unknown) => subscriber.error(error) }));

      const heartbeatFrame = heartbeat?.frame ?? '';
      if (ping !== undefined) probe = () => sendHeartbeat(ping);
      else if (heartbeatFrame !== '') probe = () => sendHeartbeat(() => send(heartbeatFrame));

      if (isPositiveFinite(keepalive.intervalMs)) {
        const { intervalMs, frame } = keepalive;
        resources.add(
          scheduler.schedule(function (this: SchedulerAction<undefined>) {
            sendHeartbeat(() => send(frame));
            this.schedule(undefined, intervalMs);
          }, intervalMs),
        );
      }
      if (isPositiveFinite(maxConnectionAgeMs)) {
        resources.add(
          scheduler.schedule(() => {
            const message = `WebSocket reached its maximum age: ${config.exchange} after ${maxConnectionAgeMs} ms`;
            subscriber.error(new ConnectionError(message, { exchange: config.exchange, reason: 'closed' }));
          }, maxConnectionAgeMs),
        );
      }
      config.onOpen({ send: (frames, onSent) => outbox.next({ frames, onSent }), write: send, restart: () => subscriber.complete() });
    };

    resources.add(
      connectSocket({ ...config, onFrame, onPong: heard }).subscribe({
        next: start,
        error: (error: unknown) => subscriber.error(error),
      }),
    );
    return () => {
      resources.unsubscribe();
      if (open) config.onClose();
    };
  });
}
