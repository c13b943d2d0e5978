/**
 * Upbit's private adapter: signed account REST calls (`GET /v1/accounts`, `GET /v1/orders/open`),
 * their error mapping (authentication failures → {@link AuthenticationError}) and the private
 * WebSocket (`myOrder`, `myAsset`).
 *
 * @see https://docs.upbit.com/kr/reference/auth
 * @see https://docs.upbit.com/kr/reference/rate-limits (Exchange groups `default` 30/s, `order` 8/s)
 */
import { AuthenticationError, ExchangeError, type MarketDataError } from '../../errors/index.js';
import type { RestReply, RestRequest } from '../../core/exchange-adapter.js';
import {
  type PrivateExchangeAdapter,
  type PrivateRestAdapter,
  type PrivateWsAdapter,
} from '../../core/private-adapter.js';
import { upbitAuthHeaders } from './auth.js';
import { parseUpbitAccounts, parseUpbitOrders } from './private-mapper.js';
import { buildUpbitPrivateRequest, decodeUpbitPrivateFrame, UPBIT_PRIVATE_WS_URL } from './private-ws.js';
import { readUpbitFeedback, toUpbitError } from './reply.js';
import { UPBIT_REST_URL } from './rest.js';
import { formatUpbitMarket, UPBIT_ID } from './symbols.js';
import { UPBIT_WS_CONNECT_LIMITS, UPBIT_WS_HEARTBEAT, UPBIT_WS_KEEPALIVE, UPBIT_WS_SEND_LIMITS } from './ws.js';
import type { UpbitWsFormat } from './ws-request.js';

/**
 * Error names of Upbit's exchange API that mean the request's authentication was refused. The
 * reference lists `invalid_query_payload`, `jwt_verification`, `expired_access_key`, `nonce_used`,
 * `no_authorization_ip` and `invalid_access_key`; Upbit's own pages also spell `no_authorization_i_p`
 * and list `out_of_scope` (a key without the needed permission), so those are recognised too.
 */
export const UPBIT_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_query_payload',
  'jwt_verification',
  'expired_access_key',
  'nonce_used',
  'no_authorization_ip',
  'no_authorization_i_p',
  'invalid_access_key',
  'out_of_scope',
]);

/** Orders per page of `GET /v1/orders/open`: Upbit's maximum `limit`. */
export const UPBIT_OPEN_ORDERS_PAGE = 100;

/** Exchange (authenticated) rate limits, per account. */
export const UPBIT_PRIVATE_RATE_LIMITS = [
  { group: 'default', limit: 30, windowMs: 1000 },
  { group: 'order', limit: 8, windowMs: 1000 },
] as const;

/**
 * Maps a private reply to a typed error: Upbit's auth error names (and any 401) become
 * {@link AuthenticationError}s carrying the name as `code`; the rest is {@link toUpbitError}.
 *
 * @example
 * ```ts
 * const error = toUpbitPrivateError(reply, request);
 * if (error instanceof AuthenticationError) console.warn(error.code); // 'nonce_used'
 * ```
 */
export function toUpbitPrivateError(reply: RestReply, request: RestRequest): MarketDataError | undefined {
  const error = toUpbitError(reply, request);
  if (!(error instanceof ExchangeError)) return error;
  const isAuth = (typeof error.code === 'string' && UPBIT_AUTH_ERRORS.has(error.code)) || error.status === 401;
  if (!isAuth) return error;
  return new AuthenticationError(error.message, { exchange: UPBIT_ID, code: error.code, status: error.status, raw: error.raw });
}

/** Options of {@link createUpbitPrivate}. */
export interface UpbitPrivateOptions {
  /** REST base URL (a simulator). @default 'https://api.upbit.com' */
  readonly restUrl?: string | undefined;
  /** Private WebSocket URL. @default 'wss://api.upbit.com/websocket/v1/private' */
  readonly wsUrl?: string | undefined;
  /** Frame format requested. @default 'DEFAULT' */
  readonly format?: UpbitWsFormat | undefined;
  /** Request ticket. @default `market-data-backbone-<random UUID>` */
  readonly ticket?: string | undefined;
}

/**
 * Builds Upbit's private adapter.
 *
 * @example
 * ```ts
 * import { createUpbitPrivate, PrivateClient } from 'market-data-backbone';
 * const client = new PrivateClient(createUpbitPrivate(), { accessKey, secretKey });
 * ```
 */
export function createUpbitPrivate(options: UpbitPrivateOptions = {}): PrivateExchangeAdapter {
  const { format = 'DEFAULT', ticket = `market-data-backbone-${globalThis.crypto.randomUUID()}` } = options;
  const rest: PrivateRestAdapter = {
    baseUrl: options.restUrl ?? UPBIT_REST_URL,
    rateLimits: UPBIT_PRIVATE_RATE_LIMITS,
    readFeedback: readUpbitFeedback,
    toError: toUpbitPrivateError,
    sign: (request, credentials) => upbitAuthHeaders(credentials, request.query),
    accounts: () => ({ path: '/v1/accounts', query: {}, group: 'default' }),
    parseAccounts: parseUpbitAccounts,
    // Newest first (Upbit's default order), 100 a page (its maximum).
    openOrders: (market, page = 1): RestRequest => {
      const paging = { page: String(page), limit: String(UPBIT_OPEN_ORDERS_PAGE) };
      const query: Record<string, string> = market === undefined ? paging : { market, ...paging };
      return { path: '/v1/orders/open', query, group: 'default' };
    },
    openOrdersPageSize: UPBIT_OPEN_ORDERS_PAGE,
    parseOrders: parseUpbitOrders,
  };
  const ws: PrivateWsAdapter = {
    url: options.wsUrl ?? UPBIT_PRIVATE_WS_URL,
    signConnection: (credentials) => upbitAuthHeaders(credentials),
    subscriptionFrames: (next) => buildUpbitPrivateRequest(next, { ticket, format }),
    decode: decodeUpbitPrivateFrame,
    keepalive: UPBIT_WS_KEEPALIVE,
    heartbeat: UPBIT_WS_HEARTBEAT,
    sendLimits: UPBIT_WS_SEND_LIMITS,
    connectLimits: UPBIT_WS_CONNECT_LIMITS,
  };
  return { id: UPBIT_ID, formatMarket: formatUpbitMarket, env: { accessKey: 'UPBIT_ACCESS_KEY', secretKey: 'UPBIT_SECRET_KEY' }, rest, ws };
}

/**
 * Upbit's private adapter with the real endpoints.
 *
 * @example
 * ```ts
 * import { upbitPrivate, PrivateClient } from 'market-data-backbone';
 * const client = new PrivateClient(upbitPrivate); // keys from UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY
 * ```
 */
export const upbitPrivate: PrivateExchangeAdapter = createUpbitPrivate();
