/**
 * Coinone's public WebSocket adapter: SUBSCRIBE/UNSUBSCRIBE frames (one topic each), the app-level
 * PING keepalive and the frame decoder. Data plus pure functions; the transport owns the socket.
 *
 * @see https://docs.coinone.co.kr/reference/ (Public WebSocket: request, PING/PONG, errors)
 */
import { MarketDataError } from '../../errors/index.js';
import type { CandleInterval } from '../../model/candle.js';
import type { ExchangeWsAdapter, Subscription, WsCloseCodeRule } from '../../core/exchange-adapter.js';
import { withAmountCheck } from '../kit/amount-check.js';
import { COINONE_WS_CANDLE_INTERVALS, decodeCoinoneFrame } from './ws-decode.js';
import { COINONE_ID, toCoinonePair } from './symbols.js';
import type { CoinoneWsChannel } from './wire.js';

/** Coinone's public WebSocket endpoint. */
export const COINONE_WS_URL = 'wss://stream.coinone.co.kr';

/**
 * Keepalive: `{"request_type":"PING"}` every 20 s; the server answers `{"response_type":"PONG"}`.
 *
 * The docs close a session 30 minutes after its last PING, but a live probe saw a socket closed after
 * ~60 s of silence, and the server sends no pings of its own. 20 s (ccxt's value) keeps three pings
 * inside that minute. It is also the liveness probe of browsers (Node pings with frames): a socket silent
 * for 2 s gets one, and its PONG proves the socket alive. Coinone publishes no message limit.
 */
export const COINONE_WS_KEEPALIVE = { intervalMs: 20_000, frame: '{"request_type":"PING"}' } as const;

/**
 * Close codes that call for a longer pause than the backoff: **4290**, Coinone's answer to a 21st
 * socket from one IP (20 per IP at most). The other sockets must close before a new one can stay, so
 * retrying quickly only repeats the refusal; Coinone states no wait, and 60 s is our guess.
 */
export const COINONE_WS_CLOSE_CODES: Readonly<Record<number, WsCloseCodeRule>> = {
  4290: { retryAfterMs: 60_000, reason: 'too many connections from this IP' },
};

/** The native channel of each library channel. */
export const COINONE_WS_CHANNELS = {
  ticker: 'TICKER',
  trades: 'TRADE',
  orderBook: 'ORDERBOOK',
  candles: 'CHART',
} as const satisfies Record<Subscription['channel'], CoinoneWsChannel>;

/** Frame format: `DEFAULT` (long keys) or `SHORT` (abbreviated keys, smaller frames). */
export type CoinoneWsFormat = 'DEFAULT' | 'SHORT';

/** Options of {@link createCoinoneWs}. */
export interface CoinoneWsOptions {
  /**
   * Data format requested with every SUBSCRIBE. The decoder reads both whatever is requested.
   * @default 'DEFAULT'
   */
  readonly format?: CoinoneWsFormat | undefined;
  /** Endpoint, e.g. a local simulator. @default 'wss://stream.coinone.co.kr' */
  readonly url?: string | undefined;
}

/** The CHART interval of a library interval, as Coinone spells it (the same text for every one it has). */
const WS_INTERVALS: ReadonlyMap<CandleInterval, string> = new Map(
  [...COINONE_WS_CANDLE_INTERVALS].map(([native, interval]) => [interval, native] as const),
);

/**
 * `true` when Coinone streams candles of `interval` (CHART: 1m 3m 5m 15m 30m 1h 4h 1d 1w).
 *
 * @example
 * ```ts
 * isCoinoneWsCandleInterval('1h'); // true
 * isCoinoneWsCandleInterval('1M'); // false
 * ```
 */
export function isCoinoneWsCandleInterval(interval: CandleInterval): boolean {
  return WS_INTERVALS.has(interval);
}

/** What identifies a topic on the server: depth is not part of it (books are always 16 levels). */
function topicKey(subscription: Subscription): string {
  const interval = subscription.channel === 'candles' ? subscription.interval : '';
  return `${subscription.channel}|${subscription.market}|${interval}`;
}

/** One SUBSCRIBE or UNSUBSCRIBE frame, keys in the order of Coinone's examples. */
function toFrame(type: 'SUBSCRIBE' | 'UNSUBSCRIBE', subscription: Subscription, format: CoinoneWsFormat): string {
  const { quote, target } = toCoinonePair(subscription.market);
  let interval: string | undefined;
  if (subscription.channel === 'candles') {
    interval = WS_INTERVALS.get(subscription.interval);
    if (interval === undefined) {
      const known = [...WS_INTERVALS.keys()].join(', ');
      const message = `Coinone candle subscription is invalid: interval ${subscription.interval} for ${subscription.market} (use ${known})`;
      throw new MarketDataError(message, { exchange: COINONE_ID });
    }
  }
  const topic = interval === undefined ? { quote_currency: quote, target_currency: target } : { quote_currency: quote, target_currency: target, interval };
  const frame = { request_type: type, channel: COINONE_WS_CHANNELS[subscription.channel], topic };
  return JSON.stringify(type === 'SUBSCRIBE' && format === 'SHORT' ? { ...frame, format } : frame);
}

/**
 * The frames that move a connection from `previous` to `next`: one UNSUBSCRIBE per topic only in
 * `previous`, then one SUBSCRIBE per topic only in `next` (Coinone takes one topic per frame). Depth is
 * ignored: every Coinone book is the full 16 levels. `SHORT` adds `"format":"SHORT"` to SUBSCRIBEs;
 * `DEFAULT` is the server's default and is left out. Throws a `MarketDataError` for candle intervals
 * Coinone does not stream.
 *
 * @example
 * ```ts
 * buildCoinoneWsFrames([{ channel: 'orderBook', market: 'KRW-XRP' }], []);
 * // ['{"request_type":"SUBSCRIBE","channel":"ORDERBOOK","topic":{"quote_currency":"KRW","target_currency":"XRP"}}']
 * ```
 */
export function buildCoinoneWsFrames(
  next: readonly Subscription[],
  previous: readonly Subscription[],
  format: CoinoneWsFormat = 'DEFAULT',
): string[] {
  const nextKeys = new Set(next.map(topicKey));
  const previousKeys = new Set(previous.map(topicKey));
  const frames: string[] = [];
  const seen = new Set<string>();
  for (const subscription of previous) {
    const key = topicKey(subscription);
    if (nextKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    frames.push(toFrame('UNSUBSCRIBE', subscription, format));
  }
  for (const subscription of next) {
    const key = topicKey(subscription);
    if (previousKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    frames.push(toFrame('SUBSCRIBE', subscription, format));
  }
  return frames;
}

/**
 * Builds a Coinone WebSocket adapter.
 *
 * Order books are full 16-level snapshots on every frame (`orderBook: 'snapshots'`). Coinone publishes
 * no cap on topics per connection and no message rate for public sockets, so `maxSubscriptions` is
 * unset and `sendLimits` is empty (a live probe ran all 363 KRW pairs on one socket). A close with 4290
 * (too many sockets per IP) waits {@link COINONE_WS_CLOSE_CODES} before the next attempt.
 *
 * @example
 * ```ts
 * import { createCoinoneWs } from 'market-data-backbone';
 * const ws = createCoinoneWs({ format: 'SHORT' });
 * ws.subscriptionFrames([{ channel: 'trades', market: 'KRW-BTC' }], []);
 * // ['{"request_type":"SUBSCRIBE","channel":"TRADE","topic":{"quote_currency":"KRW","target_currency":"BTC"},"format":"SHORT"}']
 * ```
 */
export function createCoinoneWs(options: CoinoneWsOptions = {}): ExchangeWsAdapter {
  const { format = 'DEFAULT', url = COINONE_WS_URL } = options;
  return {
    url,
    subscriptionFrames: (next, previous) => buildCoinoneWsFrames(next, previous, format),
    decode: withAmountCheck(decodeCoinoneFrame, COINONE_ID),
    keepalive: COINONE_WS_KEEPALIVE,
    sendLimits: [],
    closeCodes: COINONE_WS_CLOSE_CODES,
    orderBook: 'snapshots',
    supportsCandles: isCoinoneWsCandleInterval,
  };
}

/**
 * The default Coinone WebSocket adapter: `DEFAULT` frames.
 *
 * @example
 * ```ts
 * import { coinoneWs } from 'market-data-backbone';
 * coinoneWs.decode('{"response_type":"PONG"}', Date.now()); // { kind: 'heartbeat' }
 * ```
 */
export const coinoneWs: ExchangeWsAdapter = createCoinoneWs();
