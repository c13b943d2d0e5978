/**
 * Reading Binance REST replies before their data: the `X-MBX-USED-WEIGHT-1M` rate-limit feedback and
 * the mapping of error replies (`{"code":-1121,"msg":"Invalid symbol."}`, 429, 418 bans, WAF pages,
 * 5xx) to the error tree.
 *
 * @see https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 * @see https://developers.binance.com/docs/binance-spot-api-docs/errors
 */
import {
  ConnectionError,
  ExchangeError,
  type MarketDataError,
  ParseError,
  RateLimitError,
  UnknownSymbolError,
} from '../../errors/index.js';
import { isLosslessNumber } from 'lossless-json';
import { parseJsonExact } from '../../transport/json/json.js';
import type { RateLimitFeedback } from '../../core/rate-limit/rate-limiter.js';
import type { RestReply, RestRequest } from '../../core/exchange-adapter.js';
import { isReplyRecord, quoteBody, readHeader, readReplyDate, readRetryAfterMs } from '../kit/reply-kit.js';
import { BINANCE_RATE_LIMITS, BINANCE_WEIGHT_GROUP } from './rest.js';
import { BINANCE_ID } from './symbols.js';

/** Wait after a 429 without `Retry-After`: the weight window is one minute long. */
export const BINANCE_RATE_LIMIT_WAIT_MS = 60_000;

/** Wait after a 418 whose end cannot be read: the shortest ban Binance hands out (2 minutes). */
export const BINANCE_BAN_WAIT_MS = 120_000;

/** HTTP status of a WAF block (a rate or security rule fired); the body may be HTML or empty. */
export const BINANCE_WAF_STATUS = 403;

/** Error code of an unknown symbol (HTTP 400). */
export const BINANCE_INVALID_SYMBOL = -1121;

/** The weight budget per minute the feedback is measured against. */
const WEIGHT_LIMIT = BINANCE_RATE_LIMITS[0]?.limit ?? 6000;

const DIGITS = /^\d+$/;
/** `IP banned until 1702275878212.` in a 418 message: the ban's end in ms. */
const BANNED_UNTIL = /banned until (\d{10,16})/i;

/** A Binance error body: `code` (a negative integer) and `msg`. */
interface BinanceErrorInfo {
  readonly code: number;
  readonly msg: string;
}

/**
 * The server's view of the weight budget: `X-MBX-USED-WEIGHT-1M` (or the legacy `X-MBX-USED-WEIGHT`)
 * subtracted from the 6000 per minute, or `undefined` when the reply carries neither.
 *
 * @example
 * ```ts
 * readBinanceFeedback(reply); // { group: 'REQUEST_WEIGHT', remaining: 5955 } for `X-MBX-USED-WEIGHT-1M: 45`
 * ```
 */
export function readBinanceFeedback(reply: RestReply): RateLimitFeedback | undefined {
  const header = (readHeader(reply, 'X-MBX-USED-WEIGHT-1M') ?? readHeader(reply, 'X-MBX-USED-WEIGHT'))?.trim();
  if (header === undefined || !DIGITS.test(header)) return undefined;
  return { group: BINANCE_WEIGHT_GROUP, remaining: Math.max(0, WEIGHT_LIMIT - Number(header)) };
}

/**
 * Maps a Binance reply to a typed error, or `undefined` for a good reply.
 *
 * - 429 → {@link RateLimitError}, wait from `Retry-After` (seconds), else one minute;
 * - 403 (a WAF rule fired: a rate or security block, JSON or not) → {@link RateLimitError}
 *   (retryable, not `blocked`), wait as for 429;
 * - 418 (IP ban) → {@link RateLimitError} with `blocked`, wait from `Retry-After`, else from the
 *   `banned until <ms>` message against the reply's `Date`, else {@link BINANCE_BAN_WAIT_MS};
 * - `-1121` (invalid symbol) → {@link UnknownSymbolError} for the request's `symbol`, or its
 *   `symbols` as a comma list (`BTCUSDT,NOPEUSDT`);
 * - 5xx → {@link ConnectionError} (`reason: 'server'`, retryable: "for market data, just retry");
 * - other 4xx → {@link ExchangeError} with the Binance `code`, else the HTTP status, as `code`;
 * - 2xx that is not JSON → {@link ParseError}.
 *
 * @example
 * ```ts
 * const error = toBinanceError(reply, request);
 * if (error !== undefined) throw error;
 * ```
 */
export function toBinanceError(reply: RestReply, request: RestRequest): MarketDataError | undefined {
  const { status } = reply;
  const info = readErrorInfo(reply.body);
  const what = `Binance GET ${request.path} failed`;
  if (status >= 200 && status < 300) {
    if (info !== undefined) return new ExchangeError(`${what}: ${status} ${describe(info)}`, { exchange: BINANCE_ID, code: info.code, status, raw: reply.body });
    if (reply.body !== undefined) return undefined;
    return new ParseError(`${what}: ${status} reply is not JSON`, { exchange: BINANCE_ID, channel: request.path, raw: reply.text });
  }

  const message = `${what}: ${status} ${info !== undefined ? describe(info) : quoteBody(reply.text)}`;
  if (status === 429 || status === 418 || status === BINANCE_WAF_STATUS) {
    const retryAfterMs =
      readRetryAfterMs(reply) ??
      (status === 418 ? (readBanEndMs(reply, info?.msg ?? reply.text) ?? BINANCE_BAN_WAIT_MS) : BINANCE_RATE_LIMIT_WAIT_MS);
    return new RateLimitError(message, { exchange: BINANCE_ID, status, retryAfterMs, group: request.group });
  }
  if (status >= 500) return new ConnectionError(message, { exchange: BINANCE_ID, reason: 'server', status });
  if (info === undefined) return new ExchangeError(message, { exchange: BINANCE_ID, code: status, status, raw: reply.text });
  if (info.code === BINANCE_INVALID_SYMBOL) {
    const symbol = request.query['symbol'] ?? readSymbolList(request.query['symbols']);
    if (symbol !== undefined) return new UnknownSymbolError(message, { exchange: BINANCE_ID, code: info.code, status, raw: reply.body, symbol });
  }
  return new ExchangeError(message, { exchange: BINANCE_ID, code: info.code, status, raw: reply.body });
}

/** `{code, msg}` of a Binance error body, or `undefined` when the body is not one. */
function readErrorInfo(body: unknown): BinanceErrorInfo | undefined {
  if (!isReplyRecord(body)) return undefined;
  const { code, msg } = body;
  const value = typeof code === 'number' ? code : isLosslessNumber(code) ? Number(code.value) : undefined;
  if (value === undefined || !Number.isInteger(value) || typeof msg !== 'string') return undefined;
  return { code: value, msg };
}

/** `BTCUSDT,NOPEUSDT` of a `symbols` parameter `["BTCUSDT","NOPEUSDT"]`; text that is no such list as is. */
function readSymbolList(symbols: string | undefined): string | undefined {
  if (symbols === undefined) return undefined;
  let list: unknown;
  try {
    list = parseJsonExact(symbols);
  } catch {
    return symbols;
  }
  return Array.isArray(list) && list.every((item) => typeof item === 'string') ? list.join(',') : symbols;
}

/** `-1121 Invalid symbol.` */
function describe(info: BinanceErrorInfo): string {
  return `${info.code} ${info.msg}`;
}

/** Time left of a ban named in the message (`IP banned until <ms>`), measured against `Date`. */
function readBanEndMs(reply: RestReply, text: string): number | undefined {
  const match = BANNED_UNTIL.exec(text);
  const now = readReplyDate(reply);
  if (match === null || now === undefined) return undefined;
  return Math.max(0, Number(match[1]) - now);
}
