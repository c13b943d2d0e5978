/**
 * The one interface every exchange implements: data plus pure functions, no base class, no state.
 *
 * The facade (`src/backbone.ts`) and the transport (`src/transport/`) name no exchange; all they know
 * of one is its adapter. Adding an exchange means a new folder under `src/exchanges/` and one line in
 * `registry.ts`.
 */
import type { ExchangeError, MarketDataError } from '../errors/index.js';
import type { DepthDiffEvent, MarketEvent } from '../model/market-event.js';
import type { Candle, CandleInterval } from '../model/candle.js';
import type { Market } from '../model/market.js';
import type { OrderBook } from '../model/order-book.js';
import type { DepthSnapshot } from '../model/order-book-state.js';
import type { PriceBand } from '../model/price-bands.js';
import type { SymbolParts } from '../model/symbol.js';
import type { Ticker } from '../model/ticker.js';
import type { Trade } from '../model/trade.js';
import type { RateLimitFeedback, RateLimitRule } from './rate-limit/rate-limiter.js';

/** One REST call, described as data: the transport sends it. */
export interface RestRequest {
  /** Path below the REST base URL, e.g. `/v1/ticker`. */
  readonly path: string;
  /** Query parameters, already in the exchange's spelling, in the order they should be sent. */
  readonly query: Readonly<Record<string, string>>;
  /** Rate-limit group the call counts against. */
  readonly group: string;
  /** Units of the group's budget the call costs. @default 1 */
  readonly cost?: number;
}

/** A REST reply as the transport hands it to the adapter. */
export interface RestReply {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The body as text. */
  readonly text: string;
  /** The body parsed with `parseJsonExact`, or `undefined` when it is not JSON. */
  readonly body: unknown;
}

/** Context handed to every reply mapper. */
export interface MapContext {
  /** Our clock when the reply arrived (ms). */
  readonly receivedAt: number;
  /** Native market code of a single-market request (`KRW-BTC`), for replies that do not name their market (Coinone charts). */
  readonly market?: string | undefined;
}

/** Options of a trades request. */
export interface TradesQuery {
  /** How many of the most recent trades. */
  readonly count?: number | undefined;
}

/** Options of a candles request. */
export interface CandlesQuery {
  /** How many candles (the exchange caps it). */
  readonly count?: number | undefined;
  /** Exclusive upper bound of the period start (ms since epoch). */
  readonly to?: number | undefined;
}

/** The REST half of an adapter: request builders and reply mappers. Every function is pure. */
export interface ExchangeRestAdapter {
  /** Default REST base URL (no trailing slash). */
  readonly baseUrl: string;
  /** The exchange's REST limits. */
  readonly rateLimits: readonly RateLimitRule[];
  /**
   * A stricter budget for requests that carry an `Origin` header (every cross-origin browser request):
   * requests of `groups` all count against `rule` instead of their own group. Upbit: quotation
   * requests share `origin`, 1 per 10 s. @default none (Origin changes nothing)
   */
  readonly originLimits?: { readonly rule: RateLimitRule; readonly groups: readonly string[] } | undefined;
  /** How many markets one ticker / order-book request may carry (batching). */
  readonly maxBatch: { readonly ticker: number; readonly orderBook: number };
  /**
   * The most one request serves: trades, candles (clients page beyond it) and order-book levels a side.
   * Clients reject larger counts instead of letting the server cut them silently. @default unlimited
   */
  readonly maxCount?: { readonly trades: number; readonly candles: number; readonly orderBookDepth: number } | undefined;
  /** Reads the server's view of a group's budget from a reply (Upbit `Remaining-Req`). */
  readFeedback(reply: RestReply, request: RestRequest): RateLimitFeedback | undefined;
  /**
   * Maps an error reply (or an error disguised as a success) to a typed error; `undefined` means the
   * reply is good. Must handle non-JSON bodies (plain-text 429s).
   */
  toError(reply: RestReply, request: RestRequest): MarketDataError | undefined;

  markets(): RestRequest;
  parseMarkets(body: unknown, context: MapContext): Market[];
  tickers(markets: readonly string[]): RestRequest;
  parseTickers(body: unknown, context: MapContext): Ticker[];
  orderBooks(markets: readonly string[], depth?: number): RestRequest;
  parseOrderBooks(body: unknown, context: MapContext): OrderBook[];
  trades(market: string, query: TradesQuery): RestRequest;
  parseTrades(body: unknown, context: MapContext): Trade[];
  candles(market: string, interval: CandleInterval, query: CandlesQuery): RestRequest;
  parseCandles(body: unknown, interval: CandleInterval, context: MapContext): Candle[];
  /**
   * The full-depth snapshot that diff order-book streams sync against (Binance `GET /api/v3/depth`).
   * Required when the WebSocket adapter's `orderBook` is `'diffs'`.
   */
  depthSnapshot?(market: string): RestRequest;
  /** Maps the reply of {@link depthSnapshot}. */
  parseDepthSnapshot?(body: unknown, context: MapContext): DepthSnapshot;
  /**
   * Tick sizes by price band, for an exchange that publishes them per market (Coinone
   * `GET /public/v2/range_units/{quote}/{target}`). Leave out when {@link staticPriceBands} or the
   * market list's `tickSize` tell.
   */
  priceBands?(market: string): RestRequest;
  /** Maps the reply of {@link priceBands}: bands sorted by `from`, lowest first. */
  parsePriceBands?(body: unknown, context: MapContext): PriceBand[];
  /**
   * Tick sizes by price band that the exchange documents rather than serves (Upbit's KRW table), or
   * `undefined` for a market it documents none for.
   */
  staticPriceBands?(market: string): readonly PriceBand[] | undefined;
}

/**
 * One stream subscription, exchange-neutral. `market` is the native code (`KRW-BTC`).
 * Native channel names appear only in the exchange's own `ws.ts`.
 */
export type Subscription =
  | { readonly channel: 'ticker'; readonly market: string }
  | { readonly channel: 'trades'; readonly market: string }
  | { readonly channel: 'orderBook'; readonly market: string; readonly depth?: number | undefined }
  | { readonly channel: 'candles'; readonly market: string; readonly interval: CandleInterval };

/**
 * A decoded frame: market events, a heartbeat reply, an exchange error, or a notice that the server
 * is about to go away (`reconnect`: the transport replaces the socket at once, without backoff).
 */
export type WsMessage =
  | { readonly kind: 'events'; readonly events: readonly MarketEvent[] }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'error'; readonly error: ExchangeError }
  | { readonly kind: 'reconnect'; readonly reason: string }
  | { readonly kind: 'ignore' };

/** A close code that asks for a longer wait than the backoff (see {@link ExchangeWsAdapter.closeCodes}). */
export interface WsCloseCodeRule {
  /** Least wait before the next connection attempt (ms). */
  readonly retryAfterMs: number;
  /** Why the server closed, for the error message and the `disconnect` status. */
  readonly reason: string;
  /** Applies only to closes whose reason text matches. @default every close with the code */
  readonly match?: RegExp | undefined;
}

/**
 * How a silent socket is probed. Where the runtime can send WebSocket ping frames (Node's `ws`), the
 * transport pings and any pong or frame proves the socket alive; elsewhere (browsers) it sends `frame`,
 * an application-level request whose reply is any frame.
 */
export interface WsHeartbeat {
  /** Application-level probe for runtimes without ping frames. @default keepalive.frame ('' for none) */
  readonly frame?: string | undefined;
  /**
   * Whether probes (ping frames and `frame` alike) count against `sendLimits`, so they wait for a
   * permit like subscription frames (Binance counts every incoming message, pings included).
   * @default false
   */
  readonly counted?: boolean | undefined;
}

/** The WebSocket half of an adapter: how to subscribe and how to read frames. Every function is pure. */
export interface ExchangeWsAdapter {
  /** Default public WebSocket URL. */
  readonly url: string;
  /**
   * The frames to send to move the connection from `previous` to `next` subscriptions. Upbit resends
   * the complete request (a new request replaces the old one); others send SUBSCRIBE/UNSUBSCRIBE diffs.
   * An empty result with an empty `next` means the connection may close.
   */
  subscriptionFrames(next: readonly Subscription[], previous: readonly Subscription[]): string[];
  /** Decodes one frame's text (UTF-8 of binary frames, or text frames). Throws `ParseError` on garbage. */
  decode(text: string, receivedAt: number): WsMessage;
  /** Keepalive: what to send and how often, so the server's idle timeout never fires. */
  readonly keepalive: { readonly intervalMs: number; readonly frame: string };
  /** How the transport asks a silent socket whether it is alive (see {@link WsHeartbeat}). @default keepalive.frame, not counted */
  readonly heartbeat?: WsHeartbeat | undefined;
  /** Client-side message limits of the exchange (frames sent per window). */
  readonly sendLimits: readonly { readonly limit: number; readonly windowMs: number }[];
  /**
   * Connection attempts allowed per window from one client (Upbit: 5 per second per IP), in every
   * runtime; the transport paces its attempts to them. @default none (attempts are not paced)
   */
  readonly connectLimits?: readonly { readonly limit: number; readonly windowMs: number }[] | undefined;
  /**
   * Stricter limits for sockets opened with an `Origin` header (browsers): connection attempts and
   * frames sent per window. Upbit: 1 per 10 s each. @default none (Origin changes nothing)
   */
  readonly originLimits?:
    | {
        readonly connect: readonly { readonly limit: number; readonly windowMs: number }[];
        readonly send: readonly { readonly limit: number; readonly windowMs: number }[];
      }
    | undefined;
  /** Most subscriptions one connection may carry, if the exchange caps it. */
  readonly maxSubscriptions?: number | undefined;
  /** Reconnect before this age (Binance closes connections at 24 h). */
  readonly maxConnectionAgeMs?: number | undefined;
  /**
   * Close codes that mean "too many": a socket closed with one of them reconnects after at least
   * `retryAfterMs` (reported as a `RateLimitError` on `errors$`) instead of the next backoff step;
   * `reason` says why the server closed (error message and `disconnect` status). A rule with `match`
   * applies only to closes whose reason text matches it (1008 is any policy violation; only "Too many
   * requests" asks for the wait).
   * @default undefined (every close backs off normally)
   */
  readonly closeCodes?: Readonly<Record<number, WsCloseCodeRule>> | undefined;
  /**
   * What order-book subscriptions deliver: full books in every frame (`'snapshots'`, Upbit, Coinone), or
   * sequenced {@link DepthDiffEvent}s that the streams sync against the REST adapter's `depthSnapshot`
   * (`'diffs'`, Binance). @default 'snapshots'
   */
  readonly orderBook?: 'snapshots' | 'diffs' | undefined;
  /** Whether the socket streams candles of `interval`. @default every interval is refused */
  supportsCandles?(interval: CandleInterval): boolean;
}

/** An exchange: its id, its symbol rules and its REST and WebSocket adapters. */
export interface ExchangeAdapter {
  readonly id: string;
  /** Splits a native market code into base and quote, or `undefined` when it is not one. */
  parseMarket(market: string): SymbolParts | undefined;
  /** Builds the native market code. */
  formatMarket(parts: SymbolParts): string;
  readonly rest: ExchangeRestAdapter;
  /** Public streams; absent for an exchange without them. */
  readonly ws?: ExchangeWsAdapter | undefined;
}
