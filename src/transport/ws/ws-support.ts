/**
 * Small helpers of the WebSocket connection: the send-limit permit, the connection-attempt lease
 * (shared per adapter) and error normalisation.
 */
import { concatMap, map, of, type Observable, type SchedulerLike } from 'rxjs';
import { isMarketDataError, MarketDataError, ParseError } from '../../errors/index.js';
import type { ExchangeWsAdapter } from '../../core/exchange-adapter.js';
import { RateLimiter } from '../../core/rate-limit/rate-limiter.js';
import { frameText } from './websocket-factory.js';

/**
 * How long after its window a frame's unit stays spent (ms): the server counts a frame when it reads
 * it, and a run of frames can reach it later than the one after them by more than REST's 25 ms (a TCP
 * retransmission holds back every frame behind it; on loopback, a busy event loop on the server side
 * was seen to read five frames sent over 60 ms at once and close the socket with 1008 when the sixth
 * came 1,025 ms after the first).
 */
export const WS_SEND_MARGIN_MS = 250;

/**
 * A permit source for outgoing subscription frames: each call returns a cold Observable that emits
 * once when every one of `sendLimits` allows one more frame, each unit spent for its window plus
 * {@link WS_SEND_MARGIN_MS}. One limiter group per limit, the longest window first, so a long wait
 * happens before a short window's unit is spent.
 *
 * @example
 * ```ts
 * const permit = createSendPermit([{ limit: 5, windowMs: 1_000 }, { limit: 100, windowMs: 60_000 }]);
 * permit().subscribe(() => socket.send(frame));
 * ```
 */
export function createSendPermit(
  sendLimits: ExchangeWsAdapter['sendLimits'],
  scheduler: SchedulerLike,
): () => Observable<void> {
  const { limiter, groups } = limiterOver(sendLimits, scheduler, WS_SEND_MARGIN_MS);
  return () =>
    groups.reduce<Observable<void>>(
      (ready$, group) => ready$.pipe(concatMap(() => limiter.acquire(group))),
      of(undefined),
    );
}

/**
 * One limiter group per limit, the longest window first (so a long wait happens before a short
 * window's unit is spent), in one limiter of their own.
 */
function limiterOver(
  limits: ExchangeWsAdapter['sendLimits'],
  scheduler: SchedulerLike,
  safetyMarginMs?: number,
): { limiter: RateLimiter; groups: string[] } {
  const rules = [...limits]
    .sort((a, b) => b.windowMs - a.windowMs)
    .map((rule, index) => ({ group: `limit-${index}`, limit: rule.limit, windowMs: rule.windowMs }));
  return { limiter: new RateLimiter(rules, { scheduler, safetyMarginMs }), groups: rules.map((rule) => rule.group) };
}

/**
 * A lease source for connection attempts: each call returns a cold Observable that emits a release
 * function once every one of `limits` allows one more attempt. The units stay spent until the release
 * (call it when the socket opens or fails) and one window after: the server counts the upgrade when it
 * arrives, after a handshake of unknown length, so a unit returned a window after the grant could put two
 * upgrades into one server window.
 *
 * @example
 * ```ts
 * const lease = createConnectLease([{ limit: 1, windowMs: 10_000 }], asyncScheduler);
 * lease().subscribe((release) => openSocket().then(release, release));
 * ```
 */
export function createConnectLease(
  limits: ExchangeWsAdapter['sendLimits'],
  scheduler: SchedulerLike,
): () => Observable<() => void> {
  const { limiter, groups } = limiterOver(limits, scheduler);
  return () =>
    groups.reduce<Observable<() => void>>(
      (ready$, group) =>
        ready$.pipe(
          concatMap((releaseBefore) =>
            limiter.lease(group).pipe(map((lease) => () => {
              releaseBefore();
              lease.release();
            })),
          ),
        ),
      of(() => undefined),
    );
}

const sharedLeases = new WeakMap<ExchangeWsAdapter['sendLimits'], WeakMap<SchedulerLike, () => Observable<() => void>>>();

/**
 * {@link createConnectLease}, one per `limits` array and scheduler: every connection built from the same
 * adapter (the same limits object) draws on one budget, as the exchange counts attempts per IP, not per
 * socket. An empty `limits` paces nothing.
 *
 * @example
 * ```ts
 * const lease = sharedConnectLease(UPBIT_WS_CONNECT_LIMITS, asyncScheduler); // the same lease for every Upbit socket
 * ```
 */
export function sharedConnectLease(limits: ExchangeWsAdapter['sendLimits'], scheduler: SchedulerLike): () => Observable<() => void> {
  if (limits.length === 0) return () => of(() => undefined);
  let byScheduler = sharedLeases.get(limits);
  if (byScheduler === undefined) {
    byScheduler = new WeakMap();
    sharedLeases.set(limits, byScheduler);
  }
  let lease = byScheduler.get(scheduler);
  if (lease === undefined) {
    lease = createConnectLease(limits, scheduler);
    byScheduler.set(scheduler, lease);
  }
  return lease;
}

/**
 * Any failure as a {@link MarketDataError}; foreign errors are wrapped (not retryable).
 *
 * @example
 * ```ts
 * toMarketDataError(new TypeError('boom'), adapter.id).message; // 'WebSocket failed: <id>: boom'
 * ```
 */
export function toMarketDataError(error: unknown, exchange: string): MarketDataError {
  if (isMarketDataError(error)) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new MarketDataError(`WebSocket failed: ${exchange}${detail}`, { exchange, cause: error });
}

/**
 * The error of a frame the adapter could not decode: its own `MarketDataError` (normally a
 * `ParseError`), else a `ParseError` wrapping what it threw, with the frame's text as `raw`.
 *
 * @example
 * ```ts
 * toFrameError(new SyntaxError('Unexpected token'), 'garbage', adapter.id).raw; // 'garbage'
 * ```
 */
export function toFrameError(error: unknown, data: unknown, exchange: string): MarketDataError {
  if (isMarketDataError(error)) return error;
  let raw: string;
  try {
    raw = frameText(data);
  } catch {
    raw = Object.prototype.toString.call(data);
  }
  return new ParseError(`Frame could not be decoded: ${exchange}`, { exchange, channel: 'websocket', raw, cause: error });
}
