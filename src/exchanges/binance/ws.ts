/**
 * Binance Spot's public WebSocket adapter: stream names, SUBSCRIBE/UNSUBSCRIBE frames, the frame
 * decoder and the connection's limits. Data plus pure functions; the transport owns the socket.
 *
 * @see https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
import type { CandleInterval } from '../../model/candle.js';
import type { ExchangeWsAdapter, Subscription, WsCloseCodeRule } from '../../core/exchange-adapter.js';
import { isBinanceCandleInterval, requireBinanceKlineInterval } from './rest.js';
import { withAmountCheck } from '../kit/amount-check.js';
import { BINANCE_ID } from './symbols.js';
import { decodeBinanceFrame } from './ws-decode.js';

/**
 * The combined-stream endpoint, opened with no streams: every stream is added with SUBSCRIBE, and
 * each event arrives wrapped as `{"stream":…,"data":…}`.
 */
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443/stream';

/**
 * No application-level keepalive. The server sends a ping frame every 20 s and drops a connection
 * that has not answered with a pong within a minute; `ws` and browsers answer pings by themselves.
 * Extra client frames would only eat into the 5-messages-per-second budget.
 */
export const BINANCE_WS_KEEPALIVE = { intervalMs: 0, frame: '' } as const;

/**
 * Liveness probe of a silent socket. Where the runtime can send ping frames (Node's `ws`) the probe is a
 * ping; browsers cannot, and Binance has no application-level ping on the stream endpoint, so the probe
 * there is `LIST_SUBSCRIPTIONS` (id 0, which subscription frames never use), answered by
 * `{"result":[…],"id":0}`. Binance counts every incoming message, ping frames included, against its 5
 * per second, so probes wait for a send permit like subscription frames.
 */
export const BINANCE_WS_HEARTBEAT = { frame: '{"method":"LIST_SUBSCRIPTIONS","id":0}', counted: true } as const;

/** Connection attempts: 300 per 5 minutes per IP, shared by every Binance socket of the process. */
export const BINANCE_WS_CONNECT_LIMITS: readonly { readonly limit: number; readonly windowMs: number }[] = [{ limit: 300, windowMs: 300_000 }];

/**
 * Control messages a connection may send: Binance allows 5 incoming messages per second, but the
 * automatic pong replies count too and the transport does not see them, so 4 leaves room for one.
 */
export const BINANCE_WS_SEND_LIMITS: readonly { readonly limit: number; readonly windowMs: number }[] = [{ limit: 4, windowMs: 1000 }];

/** Streams one connection may carry. */
export const BINANCE_WS_MAX_STREAMS = 1024;

/** Reconnect before the server's 24 h cut-off: 23 h 50 min. */
export const BINANCE_WS_MAX_AGE_MS = 23 * 3_600_000 + 50 * 60_000;

/**
 * Close codes that call for a longer pause than the backoff: **1008 "Too many requests"**, sent when a
 * connection goes over 5 incoming messages per second. Binance states no wait after it, only that an
 * IP disconnected repeatedly may be banned; the 60 s here is our guess, long enough that a client whose
 * frames keep tripping the limit makes at most one attempt a minute (well under the 300 connection
 * attempts per 5 minutes per IP). Only a 1008 whose reason says "Too many requests" waits; other policy
 * closes back off as usual. Override it by spreading the adapter:
 * `{ ...binanceWs, closeCodes: { 1008: { retryAfterMs: 10_000, reason: 'too many requests' } } }`.
 */
export const BINANCE_WS_CLOSE_CODES: Readonly<Record<number, WsCloseCodeRule>> = {
  1008: { retryAfterMs: 60_000, reason: 'too many requests', match: /too many requests/i },
};

/**
 * Stream names per SUBSCRIBE/UNSUBSCRIBE message. Binance publishes no cap but refuses "too many
 * parameters", and single requests of a few hundred streams have been seen to fail silently.
 */
export const BINANCE_WS_MAX_PARAMS = 200;

/** Options of {@link createBinanceWs}. */
export interface BinanceWsOptions {
  /** Endpoint, e.g. a local simulator. @default 'wss://stream.binance.com:9443/stream' */
  readonly url?: string | undefined;
  /** Stream names per control message. @default 200 */
  readonly maxParamsPerFrame?: number | undefined;
}

/**
 * The native stream name of a subscription: `btcusdt@ticker`, `btcusdt@trade`,
 * `btcusdt@depth@100ms` (order books are diff streams whatever the depth; the transport syncs them
 * with a REST snapshot and cuts them to size), `btcusdt@kline_1m`. Candle intervals Binance lacks
 * throw a `MarketDataError`.
 *
 * @example
 * ```ts
 * toBinanceStreamName({ channel: 'candles', market: 'BTCUSDT', interval: '1h' }); // 'btcusdt@kline_1h'
 * ```
 */
export function toBinanceStreamName(subscription: Subscription): string {
  const market = subscription.market.toLowerCase();
  switch (subscription.channel) {
    case 'ticker':
      return `${market}@ticker`;
    case 'trades':
      return `${market}@trade`;
    case 'orderBook':
      return `${market}@depth@100ms`;
    case 'candles':
      return `${market}@kline_${requireBinanceKlineInterval(subscription.interval)}`;
  }
}

/** Distinct stream names of a subscription set, in first-asked order. */
function toStreamNames(subscriptions: readonly Subscription[]): string[] {
  return [...new Set(subscriptions.map((subscription) => toBinanceStreamName(subscription)))];
}

/**
 * The control frames that move a connection from `previous` to `next`: UNSUBSCRIBE for streams no
 * longer wanted (first, so the 1024-stream cap is not hit on the way), then SUBSCRIBE for new ones,
 * each split into messages of at most `maxParams` names. `nextId` hands out the request ids.
 *
 * @example
 * ```ts
 * let id = 0;
 * buildBinanceWsFrames([{ channel: 'trades', market: 'BTCUSDT' }], [], { maxParams: 200, nextId: () => ++id });
 * // ['{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}']
 * ```
 */
export function buildBinanceWsFrames(
  next: readonly Subscription[],
  previous: readonly Subscription[],
  options: { readonly maxParams: number; readonly nextId: () => number },
): string[] {
  const nextNames = toStreamNames(next);
  const previousNames = toStreamNames(previous);
  const wanted = new Set(nextNames);
  const had = new Set(previousNames);
  const removed = previousNames.filter((name) => !wanted.has(name));
  const added = nextNames.filter((name) => !had.has(name));
  const step = Math.max(1, Math.floor(options.maxParams));
  const frames: string[] = [];
  for (const [method, names] of [['UNSUBSCRIBE', removed], ['SUBSCRIBE', added]] as const) {
    for (let start = 0; start < names.length; start += step) {
      frames.push(JSON.stringify({ method, params: names.slice(start, start + step), id: options.nextId() }));
    }
  }
  return frames;
}

/**
 * Builds a Binance WebSocket adapter.
 *
 * `subscriptionFrames` sends only the difference between the two sets (see {@link buildBinanceWsFrames});
 * it is pure apart from the request ids, which come from a counter owned by this adapter instance
 * (1, 2, 3, … across all its connections; Binance only echoes them back). Order books are diff streams
 * (`orderBook: 'diffs'`), synced against the REST adapter's `depthSnapshot`. `decode` is
 * {@link decodeBinanceFrame} (a `serverShutdown` notice asks for an immediate reconnect); a close with
 * 1008 waits {@link BINANCE_WS_CLOSE_CODES} before the next attempt.
 *
 * @example
 * ```ts
 * import { createBinanceWs } from 'market-data-backbone';
 * const ws = createBinanceWs({ url: 'ws://127.0.0.1:9443/stream' });
 * ws.subscriptionFrames([{ channel: 'ticker', market: 'BTCUSDT' }], []);
 * // ['{"method":"SUBSCRIBE","params":["btcusdt@ticker"],"id":1}']
 * ```
 */
export function createBinanceWs(options: BinanceWsOptions = {}): ExchangeWsAdapter {
  const { url = BINANCE_WS_URL, maxParamsPerFrame = BINANCE_WS_MAX_PARAMS } = options;
  let lastId = 0;
  const frameOptions = { maxParams: maxParamsPerFrame, nextId: () => ++lastId };
  return {
    url,
    subscriptionFrames: (next: readonly Subscription[], previous: readonly Subscription[]): string[] =>
      buildBinanceWsFrames(next, previous, frameOptions),
    decode: withAmountCheck(decodeBinanceFrame, BINANCE_ID),
    keepalive: BINANCE_WS_KEEPALIVE,
    heartbeat: BINANCE_WS_HEARTBEAT,
    sendLimits: BINANCE_WS_SEND_LIMITS,
    connectLimits: BINANCE_WS_CONNECT_LIMITS,
    maxSubscriptions: BINANCE_WS_MAX_STREAMS,
    maxConnectionAgeMs: BINANCE_WS_MAX_AGE_MS,
    closeCodes: BINANCE_WS_CLOSE_CODES,
    orderBook: 'diffs',
    supportsCandles: (interval: CandleInterval): boolean => isBinanceCandleInterval(interval),
  };
}

/**
 * The default Binance WebSocket adapter (one request-id counter per process).
 *
 * @example
 * ```ts
 * import { binanceWs } from 'market-data-backbone';
 * binanceWs.decode('{"result":null,"id":1}', Date.now()); // { kind: 'ignore' }
 * ```
 */
export const binanceWs: ExchangeWsAdapter = createBinanceWs();
