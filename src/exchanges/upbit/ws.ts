/**
 * Upbit's public WebSocket adapter: the request frame, the frame decoder, keepalive and send limits.
 * Data plus pure functions; the transport (`src/transport/ws/ws-connection.ts`) owns the socket.
 *
 * @see https://docs.upbit.com/kr/reference/websocket-guide (request, PING / status, errors)
 * @see https://docs.upbit.com/kr/reference/rate-limits (WebSocket connection and message limits)
 */
import type { ExchangeWsAdapter, Subscription } from '../../core/exchange-adapter.js';
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
 * The server drops a connection after about 120 s without traffic, and the transport declares a
 * socket stale after twice this interval without any frame. 30 s leaves four pings inside the server's
 * window (one lost or delayed ping never costs the connection) and finds a half-open socket within
 * 60 s; 60 s would put the stale deadline right on the server's own 120 s cut-off. Two frames a minute
 * are noise next to the 100 messages a minute allowed.
 */
export const UPBIT_WS_KEEPALIVE = { intervalMs: 30_000, frame: 'PING' } as const;

/** Messages a connection may send: 5 per second and 100 per minute. */
export const UPBIT_WS_SEND_LIMITS: readonly { readonly limit: number; readonly windowMs: number }[] = [
  { limit: 5, windowMs: 1000 },
  { limit: 100, windowMs: 60_000 },
];

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
    sendLimits: UPBIT_WS_SEND_LIMITS,
    originLimits: UPBIT_WS_ORIGIN_LIMITS,
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
