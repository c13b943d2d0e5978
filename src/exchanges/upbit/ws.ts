/**
 * Upbit's public WebSocket adapter: the request frame, the frame decoder, keepalive and send limits.
 * Data plus pure functions; the transport (`src/transport/ws/ws-connection.ts`) owns the socket.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-guide (request, PING / status, errors)
 * @see https://docs.upbit.com/kr/reference/rate-limits (WebSocket connection and message limits)
 */
import type { ExchangeWsAdapter, Subscription, WsCloseCodeRule } from '../../core/exchange-adapter.js';
import { withAmountCheck } from '../kit/amount-check.js';
import { UPBIT_ID } from './symbols.js';
import { decodeUpbitFrame } from './ws-decode.js';
import { buildUpbitWsRequest, type UpbitWsFormat } from './ws-request.js';
import { isUpbitWsCandleInterval } from './ws-keys.js';

/** Upbit's public (quotation) WebSocket endpoint. */
export const UPBIT_WS_URL = 'wss://api.upbit.com/websocket/v1';

/**
 * Keepalive: the text `PING` every 30 s; the server answers `{"status":"UP"}`.
 *
 * The server drops a connection after about 120 s without traffic from the client; 30 s leaves four
 * pings inside that window (one lost or delayed ping never costs the connection). Finding a dead socket
 * is the job of the transport's liveness probe ({@link UPBIT_WS_HEARTBEAT}), not of this cadence.
 */
export const UPBIT_WS_KEEPALIVE = { intervalMs: 30_000, frame: 'PING' } as const;

/** Messages a connection may send: 5 per second and 100 per minute. */
export const UPBIT_WS_SEND_LIMITS: readonly { readonly limit: number; readonly windowMs: number }[] = [
  { limit: 5, windowMs: 1000 },
  { limit: 100, windowMs: 60_000 },
];

/**
 * Connection attempts: Upbit allows 5 WebSocket connections per second per IP. Every Upbit socket of
 * the process (public and private) shares this budget, since the transport keeps one lease per limits
 * object.
 */
export const UPBIT_WS_CONNECT_LIMITS: readonly { readonly limit: number; readonly windowMs: number }[] = [{ limit: 5, windowMs: 1000 }];

/**
 * Liveness probe of a silent socket: a ping frame where the runtime can send one, else the text `PING`
 * (answered by `{"status":"UP"}`). Neither counts against the request-frame limits: Upbit's docs count
 * "data (subscription) messages", and name `PING` as the keepalive, not as a request (the docs do not
 * say so outright; the simulator follows this reading).
 */
export const UPBIT_WS_HEARTBEAT = { frame: 'PING', counted: false } as const;

/**
 * Close codes that call for a longer pause than the backoff: **1008 with "Too many requests"** (request
 * frames over the per-connection limit). Upbit documents neither the code nor a wait; the message
 * limits are per connection, so a new socket starts with fresh windows, and 10 s lets both the 1 s
 * window and the 10 s `Origin` window pass, so a client whose frames keep tripping the limit reconnects
 * at most 6 times a minute. Other 1008 closes back off as usual.
 */
export const UPBIT_WS_CLOSE_CODES: Readonly<Record<number, WsCloseCodeRule>> = {
  1008: { retryAfterMs: 10_000, reason: 'too many requests', match: /too many requests/i },
};

/**
 * Sockets opened with an `Origin` header (browsers): Upbit allows public WebSocket requests only once
 * per 10 s, so both connection attempts and request frames wait for that window.
 */
export const UPBIT_WS_ORIGIN_LIMITS = {
  connect: [{ limit: 1, windowMs: 10_000 }],
  send: [{ limit: 1, windowMs: 10_000 }],
} as const;

/** Options of {@link createUpbitWs}. */
export interface UpbitWsOptions {
  /**
   * Frame format requested from the server. `SIMPLE` frames are smaller (abbreviated keys); the
   * decoder reads every format whatever is requested.
   * @default 'DEFAULT'
   */
  readonly format?: UpbitWsFormat | undefined;
  /**
   * Ticket sent with every request; Upbit uses it to identify the requester and recommends a unique
   * value. Fixed per adapter, so `subscriptionFrames` stays a pure function of its arguments.
   * @default `market-data-backbone-<random UUID>`, drawn once when the adapter is created
   */
  readonly ticket?: string | undefined;
  /** Endpoint, e.g. a local simulator. @default 'wss://api.upbit.com/websocket/v1' */
  readonly url?: string | undefined;
}

/** A unique default ticket; `crypto.randomUUID` exists in Node ≥ 19 and every current browser. */
function createTicket(): string {
  return `market-data-backbone-${globalThis.crypto.randomUUID()}`;
}

/**
 * Builds an Upbit WebSocket adapter.
 *
 * `subscriptionFrames` returns one frame with the complete request for `next` (a request replaces the
 * connection's whole set; Upbit has no unsubscribe), or `[]` for an empty set so the transport closes
 * the socket. See {@link buildUpbitWsRequest} for depth and candle handling (candles of `1d` and
 * longer throw). `decode` reads `DEFAULT`, `SIMPLE` and the list formats alike; see
 * {@link decodeUpbitFrame}.
 *
 * @example
 * ```ts
 * import { createUpbitWs } from 'market-data-backbone';
 * const ws = createUpbitWs({ format: 'SIMPLE' });
 * ws.subscriptionFrames([{ channel: 'ticker', market: 'KRW-BTC' }], []);
 * // ['[{"ticket":"market-data-backbone-…"},{"type":"ticker","codes":["KRW-BTC"]},{"format":"SIMPLE"}]']
 * ```
 */
export function createUpbitWs(options: UpbitWsOptions = {}): ExchangeWsAdapter {
  const { format = 'DEFAULT', ticket = createTicket(), url = UPBIT_WS_URL } = options;
  const request = { ticket, format } as const;
  return {
    url,
    subscriptionFrames: (next: readonly Subscription[]): string[] => buildUpbitWsRequest(next, request),
    decode: withAmountCheck(decodeUpbitFrame, UPBIT_ID),
    keepalive: UPBIT_WS_KEEPALIVE,
    heartbeat: UPBIT_WS_HEARTBEAT,
    sendLimits: UPBIT_WS_SEND_LIMITS,
    connectLimits: UPBIT_WS_CONNECT_LIMITS,
    originLimits: UPBIT_WS_ORIGIN_LIMITS,
    closeCodes: UPBIT_WS_CLOSE_CODES,
    supportsCandles: isUpbitWsCandleInterval,
  };
}

/**
 * The default Upbit WebSocket adapter: `DEFAULT` frames, one ticket per process.
 *
 * @example
 * ```ts
 * import { upbitWs } from 'market-data-backbone';
 * upbitWs.decode('{"status":"UP"}', Date.now()); // { kind: 'heartbeat' }
 * ```
 */
export const upbitWs: ExchangeWsAdapter = createUpbitWs();
