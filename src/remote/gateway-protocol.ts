/**
 * The gateway's wire protocol, shared by the server (`market-data-backbone/gateway`) and the client
 * (`new MarketDataBackbone({ gateway })`): what a client may ask on `/v1/stream`, the key every stream
 * is known by, the frames the gateway sends, and how JSON values become model values again (decimals
 * travel as strings, `Big` on both ends). Browser-safe.
 */
import { GatewayError, InvalidArgumentError, MarketDataError, RateLimitError, TimeoutError, ConnectionError, ExchangeError, UnknownSymbolError, ParseError, AuthenticationError, StaleStreamError, PrivateStreamUnsupportedError } from '../errors/index.js';
import { Big } from '../model/decimal.js';

/** The channels of `/v1/stream`; `myOrder`/`myAsset` need a gateway token. */
export const STREAM_CHANNELS = ['ticker', 'trades', 'orderbook', 'candles', 'arbitrage', 'status', 'myOrder', 'myAsset'] as const;

/** A channel of `/v1/stream`. */
export type StreamChannel = (typeof STREAM_CHANNELS)[number];

/** Channels whose events replace each other: a slow client gets only the latest (conflation). */
export const CONFLATED_CHANNELS: ReadonlySet<StreamChannel> = new Set(['ticker', 'orderbook', 'candles', 'arbitrage', 'status']);

/** Channels forwarded only to a client that presented a gateway token. */
export const PRIVATE_CHANNELS: ReadonlySet<StreamChannel> = new Set(['myOrder', 'myAsset']);

/** What one stream is, as a client asks for it on `/v1/stream`. */
export interface StreamSpec {
  readonly channel: StreamChannel;
  /** Exchange id (`ticker`, `trades`, `orderbook`, `candles`, `status`, private channels). */
  readonly exchange: string;
  /** Market, native or unified (`ticker`, `trades`, `orderbook`, `candles`, `myOrder` optionally). */
  readonly symbol?: string | undefined;
  /** Levels a side (`orderbook`). */
  readonly depth?: number | undefined;
  /** Candle interval (`candles`). */
  readonly interval?: string | undefined;
  /** Base asset (`arbitrage`). */
  readonly base?: string | undefined;
  /** Exchanges compared (`arbitrage`). */
  readonly exchanges?: readonly string[] | undefined;
}

/** `{ "op": "subscribe" | "unsubscribe", ... }`; `id` is echoed in the ack or error. */
export interface StreamRequest extends StreamSpec {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly id?: string | number | undefined;
}

/** Every message a client may send: stream requests, `auth` (a gateway token) and `ping`. */
export type ClientMessage =
  | StreamRequest
  | { readonly op: 'auth'; readonly token: string; readonly id?: string | number | undefined }
  | { readonly op: 'ping'; readonly id?: string | number | undefined };

/** `{ name, message }` of an error on the wire (HTTP bodies and WebSocket error frames); `code` for a {@link GatewayError}. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** Every frame the gateway sends on `/v1/stream`. */
export type ServerFrame =
  | { readonly type: 'ack'; readonly op: string; readonly id?: string | number; readonly key?: string }
  | { readonly type: 'error'; readonly id?: string | number; readonly key?: string; readonly error: WireError }
  | { readonly type: 'event'; readonly key: string; readonly data: unknown }
  | { readonly type: 'end'; readonly key: string }
  | { readonly type: 'pong'; readonly id?: string | number };

/** Close code of a client too slow for a channel that is never skipped (trades, private events). */
export const CLOSE_SLOW_CLIENT = 4008;
/** Close code of a client that sent more than the caps allow even after error replies (hard limits). */
export const CLOSE_POLICY = 1008;
/** Close code when the gateway shuts down: move to another replica. */
export const CLOSE_GOING_AWAY = 1001;

const ID = /^[A-Za-z0-9._/-]{1,40}$/;
const BASE = /^[A-Za-z0-9]{1,32}$/;

/** A {@link GatewayError} with code `bad-request`. */
const badRequest = (message: string): GatewayError => new GatewayError(message, { code: 'bad-request' });

/**
 * Reads one client frame: a {@link ClientMessage}, or the {@link GatewayError} to answer it with
 * (`bad-json`, `unknown-op`, `bad-request`). Fills `exchange` with `defaultExchange` when left out.
 *
 * @example
 * ```ts
 * const message = parseClientMessage('{"op":"subscribe","channel":"ticker","symbol":"KRW-BTC"}', 'upbit');
 * if (!(message instanceof GatewayError)) console.log(message.op);
 * ```
 */
export function parseClientMessage(text: string, defaultExchange: string): ClientMessage | GatewayError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new GatewayError('Bad JSON: a request is one JSON object such as {"op":"subscribe","channel":"ticker","symbol":"KRW-BTC"}', { code: 'bad-json' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new GatewayError('Bad JSON: a request is one JSON object', { code: 'bad-json' });
  const record = value as Record<string, unknown>;
  const id = record['id'];
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return badRequest('id is a string or a number');
  const op = record['op'];
  if (op === 'ping') return { op, id };
  if (op === 'auth') return typeof record['token'] === 'string' ? { op, id, token: record['token'] } : badRequest('auth takes a token string');
  if (op !== 'subscribe' && op !== 'unsubscribe') return new GatewayError(`Unknown op ${JSON.stringify(op)}: subscribe, unsubscribe, auth or ping`, { code: 'unknown-op' });
  const spec = parseStreamSpec(record, defaultExchange);
  return spec instanceof GatewayError ? spec : { ...spec, op, id };
}

/**
 * The {@link StreamSpec} fields of a request (WebSocket or HTTP query), checked for shape; the library
 * checks the values (which exchange, which market, which interval).
 *
 * @example
 * ```ts
 * const spec = parseStreamSpec({ channel: 'ticker', symbol: 'KRW-BTC' }, 'upbit');
 * ```
 */
export function parseStreamSpec(record: Record<string, unknown>, defaultExchange: string): StreamSpec | GatewayError {
  const { channel, exchange = defaultExchange, symbol, depth, interval, base, exchanges } = record;
  if (typeof channel !== 'string' || !(STREAM_CHANNELS as readonly string[]).includes(channel)) return badRequest(`channel is one of ${STREAM_CHANNELS.join(', ')}`);
  const ch = channel as StreamChannel;
  if (typeof exchange !== 'string' || !ID.test(exchange)) return badRequest('exchange is an exchange id, letters and digits');
  if (symbol !== undefined && (typeof symbol !== 'string' || !ID.test(symbol))) return badRequest('symbol is a market such as "KRW-BTC" or "BTC/KRW"');
  if ((ch === 'ticker' || ch === 'trades' || ch === 'orderbook' || ch === 'candles') && symbol === undefined) return badRequest(`${ch} needs a symbol`);
  if (depth !== undefined && !(Number.isInteger(depth) && (depth as number) > 0 && (depth as number) <= 1000)) return badRequest('depth is a whole number from 1 to 1000');
  if (ch === 'candles' && (typeof interval !== 'string' || !ID.test(interval))) return badRequest('candles needs an interval such as "1m"');
  if (ch === 'arbitrage') {
    if (typeof base !== 'string' || !BASE.test(base)) return badRequest('arbitrage needs a base asset such as "BTC"');
    if (!Array.isArray(exchanges) || exchanges.length < 2 || exchanges.length > 8 || !exchanges.every((e) => typeof e === 'string' && ID.test(e))) return badRequest('arbitrage needs exchanges: two or more ids');
    return { channel: ch, exchange, base, exchanges: exchanges as string[] };
  }
  return {
    channel: ch,
    exchange,
    symbol: symbol as string | undefined,
    depth: ch === 'orderbook' ? (depth as number | undefined) : undefined,
    interval: ch === 'candles' ? (interval as string) : undefined,
  };
}

/**
 * The key a stream is known by: one upstream subscription per key, and every event frame names it.
 * `ticker:upbit:KRW-BTC`, `orderbook:upbit:KRW-BTC:15`, `candles:upbit:KRW-BTC:1m`,
 * `arbitrage:BTC:upbit,binance`, `status:upbit`, `myOrder:upbit:KRW-BTC`.
 *
 * @example
 * ```ts
 * streamKey({ channel: 'orderbook', exchange: 'upbit', symbol: 'KRW-BTC', depth: 5 }); // 'orderbook:upbit:KRW-BTC:5'
 * ```
 */
export function streamKey(spec: StreamSpec): string {
  switch (spec.channel) {
    case 'arbitrage':
      return `arbitrage:${spec.base ?? ''}:${(spec.exchanges ?? []).join(',')}`;
    case 'status':
    case 'myAsset':
      return `${spec.channel}:${spec.exchange}`;
    case 'orderbook':
      return `orderbook:${spec.exchange}:${spec.symbol ?? ''}${spec.depth === undefined ? '' : `:${spec.depth}`}`;
    case 'candles':
      return `candles:${spec.exchange}:${spec.symbol ?? ''}:${spec.interval ?? ''}`;
    default:
      return `${spec.channel}:${spec.exchange}${spec.symbol === undefined ? '' : `:${spec.symbol}`}`;
  }
}

/** Every field name under which the model carries a decimal (`Big`); the JSON reviver turns them back. */
const DECIMAL_FIELDS: ReadonlySet<string> = new Set([
  'last', 'open', 'high', 'low', 'close', 'prevClose', 'change', 'changeRate', 'baseVolume', 'quoteVolume', 'baseVolume24h', 'quoteVolume24h',
  'lastAmount', 'price', 'amount', 'tickSize', 'stepSize', 'minNotional', 'rate', 'fxRate', 'bid', 'ask', 'mid', 'buyPrice', 'sellPrice',
  'spread', 'spreadPct', 'profit', 'premium', 'balance', 'locked', 'avgBuyPrice', 'avgPrice', 'volume', 'remainingVolume', 'executedVolume',
  'reservedFee', 'remainingFee', 'paidFee', 'executedFunds', 'tradeFee',
]);

/**
 * Parses gateway JSON back into model values: every decimal field (prices, amounts, volumes, fees, the
 * arbitrage figures) becomes an exact `Big` again; ids stay strings.
 *
 * @example
 * ```ts
 * const ticker = parseGatewayJson('{"type":"ticker","last":"143250000"}') as Ticker;
 * ticker.last.toFixed(); // '143250000'
 * ```
 */
export function parseGatewayJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (typeof value === 'string' && DECIMAL_FIELDS.has(key) && DECIMAL.test(value) ? new Big(value) : value));
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * The `{ name, message }` an error travels as (plus `code` and `retryAfterMs` where they apply).
 *
 * @example
 * ```ts
 * JSON.stringify({ error: toWireError(error) });
 * ```
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof GatewayError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof RateLimitError) return { name: error.name, message: error.message, retryAfterMs: error.retryAfterMs };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * The library error a {@link WireError} stands for, so a call through the gateway fails with the class
 * it fails with in process (`UnknownSymbolError`, `InvalidArgumentError`, `RateLimitError`, ...).
 *
 * @example
 * ```ts
 * throw fromWireError({ name: 'UnknownSymbolError', message: 'Unknown market KRW-NOPE' }, 'upbit');
 * ```
 */
export function fromWireError(wire: WireError, exchange?: string): MarketDataError {
  const { message } = wire;
  switch (wire.name) {
    case 'GatewayError':
      return new GatewayError(message, { code: isGatewayCode(wire.code) ? wire.code : 'bad-request', exchange });
    case 'InvalidArgumentError':
      return new InvalidArgumentError(message, { argument: 'request', value: undefined, exchange });
    case 'UnknownSymbolError':
      return new UnknownSymbolError(message, { exchange: exchange ?? '', code: 'unknown_symbol', raw: wire, symbol: '' });
    case 'RateLimitError':
      return new RateLimitError(message, { retryAfterMs: wire.retryAfterMs ?? 1_000, status: 429, exchange });
    case 'TimeoutError':
      return new TimeoutError(message, { timeoutMs: 0, exchange });
    case 'StaleStreamError':
      return new StaleStreamError(message, { lastMessageAt: undefined, exchange });
    case 'ConnectionError':
      return new ConnectionError(message, { exchange });
    case 'AuthenticationError':
      return new AuthenticationError(message, { exchange: exchange ?? '', code: 'unauthorized', raw: wire });
    case 'ExchangeError':
      return new ExchangeError(message, { exchange: exchange ?? '', code: 'exchange', raw: wire });
    case 'ParseError':
      return new ParseError(message, { channel: 'gateway', raw: message, exchange });
    case 'PrivateStreamUnsupportedError':
      return new PrivateStreamUnsupportedError(exchange ?? '');
    default:
      return new MarketDataError(`${wire.name}: ${message}`, { exchange });
  }
}

const GATEWAY_CODES: ReadonlySet<string> = new Set([
  'bad-json', 'bad-request', 'unknown-op', 'frame-too-large', 'too-many-subscriptions', 'rate-limited', 'unauthorized', 'not-found',
  'not-subscribed', 'slow-client', 'draining', 'unreachable',
]);

const isGatewayCode = (code: string | undefined): code is GatewayError['code'] => code !== undefined && GATEWAY_CODES.has(code);
