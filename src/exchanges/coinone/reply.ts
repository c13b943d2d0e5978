/**
 * Reading Coinone REST replies before their data: the `Public-Ratelimit-Remaining` feedback and the
 * mapping of error replies to the error tree. Coinone answers errors with HTTP 200 and
 * `{"result":"error","error_code":"<n>","error_msg":"…"}`, so the body decides, not the status.
 *
 * @see https://docs.coinone.co.kr/reference/ (Public API v2 error codes and the rate-limit page)
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
import type { RateLimitFeedback } from '../../core/rate-limit/rate-limiter.js';
import type { RestReply, RestRequest } from '../../core/exchange-adapter.js';
import { isReplyRecord, quoteBody, readHeader, readRetryAfterMs } from '../kit/reply-kit.js';
import { COINONE_PUBLIC_GROUP } from './rest.js';
import { COINONE_ID, toCoinoneMarket } from './symbols.js';

/**
 * Wait after a rate-limit refusal (error `4`, or an HTTP 429) without `Retry-After`. Coinone documents
 * neither the status nor a wait and was never seen sending `Retry-After`; its budget is per minute, so
 * after one full minute of silence every unit spent has come back, whatever the window's alignment (and,
 * under the token-bucket reading, the bucket is full again).
 */
export const COINONE_RATE_LIMIT_WAIT_MS = 60_000;

/** Coinone's error codes that get a class of their own. */
export const COINONE_ERROR_CODES = {
  /** "Blocked user access": the rate-limit refusal. */
  rateLimit: '4',
  /** "Parameter error" / "Parameter value is wrong". */
  parameter: '107',
  /** "Unknown CryptoCurrency": an unknown target currency. */
  unknownCurrency: '108',
  /** Maintenance or a server error. */
  maintenance: '405',
} as const;

const DIGITS = /^\d+$/;
/** The market path segments of a market-scoped public v2 path (`/public/v2/orderbook/KRW/BTC`). */
const MARKET_PATH = /^\/public\/v2\/[a-z_]+\/([A-Za-z0-9]+)\/([A-Za-z0-9]+)$/;

/** The error of a Coinone body: v2 `error_code`/`error_msg` or v1 `errorCode`/`errorMsg`. */
interface CoinoneErrorInfo {
  readonly code: string;
  readonly message: string | undefined;
}

/**
 * The server's view of the public budget, from `Public-Ratelimit-Remaining` (sent while quota remains),
 * or `undefined` when the reply has none.
 *
 * @example
 * ```ts
 * readCoinoneFeedback(reply); // { group: 'public', remaining: 1187 }
 * ```
 */
export function readCoinoneFeedback(reply: RestReply): RateLimitFeedback | undefined {
  const header = readHeader(reply, 'Public-Ratelimit-Remaining')?.trim();
  if (header === undefined || !DIGITS.test(header)) return undefined;
  return { group: COINONE_PUBLIC_GROUP, remaining: Number(header) };
}

/**
 * Maps a Coinone reply to a typed error, or `undefined` for a good reply.
 *
 * - error `4` (any status) or HTTP 429 → {@link RateLimitError}, wait from `Retry-After`, else
 *   {@link COINONE_RATE_LIMIT_WAIT_MS};
 * - error `108` on a market path → {@link UnknownSymbolError} for that market (`KRW-NOPE`);
 * - error `405` (maintenance) or HTTP 5xx → {@link ConnectionError} (`reason: 'server'`, retryable);
 * - any other error code (`107` parameter errors, …) → {@link ExchangeError} with the code as sent
 *   (a string) and the body as `raw`; other 4xx without one → `ExchangeError` with the status as code;
 * - a 2xx body that is not a JSON object (Coinone answers unknown paths with an HTML page) →
 *   {@link ParseError}.
 *
 * @example
 * ```ts
 * const error = toCoinoneError(reply, request);
 * if (error !== undefined) throw error;
 * ```
 */
export function toCoinoneError(reply: RestReply, request: RestRequest): MarketDataError | undefined {
  const { status } = reply;
  const info = readErrorInfo(reply.body);
  const what = `Coinone GET ${request.path} failed`;
  const detail = info !== undefined ? describeInfo(info) : quoteBody(reply.text);
  const message = `${what}: ${status} ${detail}`;
  if (status === 429 || info?.code === COINONE_ERROR_CODES.rateLimit) {
    const retryAfterMs = readRetryAfterMs(reply) ?? COINONE_RATE_LIMIT_WAIT_MS;
    return new RateLimitError(message, { exchange: COINONE_ID, status, retryAfterMs, group: request.group });
  }
  if (status >= 500 || info?.code === COINONE_ERROR_CODES.maintenance) {
    return new ConnectionError(message, { exchange: COINONE_ID, reason: 'server', status });
  }
  if (info !== undefined) {
    const symbol = info.code === COINONE_ERROR_CODES.unknownCurrency ? readRequestMarket(request) : undefined;
    if (symbol !== undefined) return new UnknownSymbolError(message, { exchange: COINONE_ID, code: info.code, status, raw: reply.body, symbol });
    return new ExchangeError(message, { exchange: COINONE_ID, code: info.code, status, raw: reply.body });
  }
  if (status < 200 || status >= 300) return new ExchangeError(message, { exchange: COINONE_ID, code: status, status, raw: reply.text });
  if (!isReplyRecord(reply.body)) {
    return new ParseError(`${what}: ${status} reply is not a JSON object: ${quoteBody(reply.text)}`, {
      exchange: COINONE_ID,
      channel: request.path,
      raw: reply.text,
    });
  }
  return undefined;
}

/** A code as text: Coinone sends strings, but a number is read the same way. */
function toCodeText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (isLosslessNumber(value)) return value.value;
  return undefined;
}

/**
 * The error of a body, or `undefined` when the body is not an error: `result: "error"`, or an
 * `error_code` other than `"0"`.
 */
function readErrorInfo(body: unknown): CoinoneErrorInfo | undefined {
  if (!isReplyRecord(body)) return undefined;
  const record = body;
  const code = toCodeText(record['error_code'] ?? record['errorCode']);
  const text = record['error_msg'] ?? record['errorMsg'];
  const message = typeof text === 'string' ? text : undefined;
  if (record['result'] === 'error') return { code: code ?? 'unknown', message };
  if (code !== undefined && code !== '0') return { code, message };
  return undefined;
}

/** `108 Unknown CryptoCurrency`. */
function describeInfo(info: CoinoneErrorInfo): string {
  return info.message === undefined ? info.code : `${info.code} ${info.message}`;
}

/** The market code a market-scoped request addressed, or `undefined` for list paths (`markets/KRW`). */
function readRequestMarket(request: RestRequest): string | undefined {
  const match = MARKET_PATH.exec(request.path);
  return match === null ? undefined : toCoinoneMarket(match[1]!, match[2]!);
}
