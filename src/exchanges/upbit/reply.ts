/**
 * Reading Upbit REST replies before their data: the `Remaining-Req` rate-limit feedback and the
 * mapping of error replies (JSON error bodies, plain-text 429s, 418 blocks, 5xx) to the error tree.
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
import type { RestReply, RestRequest } from '../../core/exchange-adapter.js';
import { isReplyRecord, quoteBody, readHeader, readRetryAfterMs } from '../kit/reply-kit.js';
import type { RateLimitFeedback } from '../../core/rate-limit/rate-limiter.js';
import { UPBIT_ID } from './symbols.js';

/** Wait after a 429 without `Retry-After`: Upbit's windows are one second long. */
export const UPBIT_RATE_LIMIT_WAIT_MS = 1000;

/** Wait after a 418 whose duration cannot be read. Blocks last longer than a window and grow. */
export const UPBIT_BLOCK_WAIT_MS = 60_000;

const DIGITS = /^\d+$/;
const SECONDS = /^\d+(?:\.\d+)?$/;
/** A duration in a 418 message: `30s`, `60 seconds`, `5 minutes`, `60초`, `10분`, `1시간`. */
const DURATION =
  /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|초|m|mins?|minutes?|분|h|hrs?|hours?|시간)(?![a-z])/i;

/** The `error` of an Upbit error body, with `name` as sent (number or string). */
interface UpbitErrorInfo {
  readonly name: string | number;
  readonly message: string | undefined;
}

/**
 * Parses a `Remaining-Req` value: `group=ticker; min=600; sec=9` → `{ group: 'ticker', remaining: 9 }`.
 * Keys are case-insensitive and spacing is free; `min` is deprecated (a fixed value) and ignored.
 *
 * @example
 * ```ts
 * parseRemainingReq('group=candles; min=600; sec=9'); // { group: 'candles', remaining: 9 }
 * ```
 */
export function parseRemainingReq(header: string): RateLimitFeedback | undefined {
  let group: string | undefined;
  let remaining: number | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'group' && value !== '') group = value;
    else if (key === 'sec' && DIGITS.test(value)) remaining = Number(value);
  }
  return group === undefined || remaining === undefined ? undefined : { group, remaining };
}

/**
 * The server's view of a group's budget, from the `Remaining-Req` header, or `undefined` when the
 * reply has none (unknown paths answer without it).
 *
 * @example
 * ```ts
 * readUpbitFeedback(reply); // { group: 'ticker', remaining: 9 }
 * ```
 */
export function readUpbitFeedback(reply: RestReply): RateLimitFeedback | undefined {
  const header = readHeader(reply, 'Remaining-Req');
  return header === undefined ? undefined : parseRemainingReq(header);
}

/**
 * Maps an Upbit reply to a typed error, or `undefined` for a good reply.
 *
 * - 429 (JSON `too_many_requests` or plain text) → {@link RateLimitError}, wait from `Retry-After`,
 *   else one second;
 * - 418 → {@link RateLimitError} (`blocked`), wait from `Retry-After`, else from the message, else
 *   {@link UPBIT_BLOCK_WAIT_MS};
 * - 404 `Code not found` → {@link UnknownSymbolError} for the request's market(s);
 * - other 4xx (and 2xx) with an Upbit error body → {@link ExchangeError} with `name` as `code`;
 * - 5xx → {@link ConnectionError} (`reason: 'server'`, retryable);
 * - 2xx that is not JSON → {@link ParseError}.
 *
 * @example
 * ```ts
 * const error = toUpbitError(reply, request);
 * if (error !== undefined) throw error;
 * ```
 */
export function toUpbitError(reply: RestReply, request: RestRequest): MarketDataError | undefined {
  const { status } = reply;
  const info = readErrorInfo(reply.body);
  const what = `Upbit GET ${request.path} failed`;
  if (status >= 200 && status < 300) {
    if (info !== undefined) {
      return new ExchangeError(`${what}: ${status} ${describeInfo(info)}`, { exchange: UPBIT_ID, code: info.name, status, raw: reply.body });
    }
    if (reply.body !== undefined) return undefined;
    return new ParseError(`${what}: ${status} reply is not JSON`, { exchange: UPBIT_ID, channel: request.path, raw: reply.text });
  }

  const detail = info !== undefined ? describeInfo(info) : quoteBody(reply.text);
  const message = `${what}: ${status} ${detail}`;
  if (status === 429 || status === 418) {
    const retryAfterMs =
      readRetryAfterMs(reply) ??
      (status === 418 ? (readDurationMs(info?.message ?? reply.text) ?? UPBIT_BLOCK_WAIT_MS) : UPBIT_RATE_LIMIT_WAIT_MS);
    // The budget the server counted (`Remaining-Req: group=origin` for browsers), else the request's.
    const group = readUpbitFeedback(reply)?.group ?? request.group;
    return new RateLimitError(message, { exchange: UPBIT_ID, status, retryAfterMs, group });
  }
  if (status >= 500) return new ConnectionError(message, { exchange: UPBIT_ID, reason: 'server', status });
  if (info === undefined) return new ExchangeError(message, { exchange: UPBIT_ID, code: status, status, raw: reply.text });
  if (status === 404 && (info.name === 404 || info.message === 'Code not found')) {
    const symbol = request.query['markets'] ?? request.query['market'];
    if (symbol !== undefined) {
      return new UnknownSymbolError(message, { exchange: UPBIT_ID, code: info.name, status, raw: reply.body, symbol });
    }
  }
  return new ExchangeError(message, { exchange: UPBIT_ID, code: info.name, status, raw: reply.body });
}

/** The `error` of an Upbit error body, or `undefined` when the body is not one. */
function readErrorInfo(body: unknown): UpbitErrorInfo | undefined {
  if (!isReplyRecord(body)) return undefined;
  const error = body['error'];
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, message } = error as { readonly name?: unknown; readonly message?: unknown };
  const text = typeof message === 'string' ? message : undefined;
  if (typeof name === 'string' || typeof name === 'number') return { name, message: text };
  if (isLosslessNumber(name)) return { name: Number(name.value), message: text };
  return undefined;
}

/** `Code not found`, or the name when there is no message. */
function describeInfo(info: UpbitErrorInfo): string {
  return info.message ?? String(info.name);
}

/** The first duration with a unit in a 418 message (`blocked for 30 seconds`), or a bare number as seconds. */
function readDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (SECONDS.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const match = DURATION.exec(trimmed);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  const scale =
    unit === 'ms' || unit.startsWith('milli') ? 1
    : unit === 'm' || unit.startsWith('min') || unit === '분' ? 60_000
    : unit.startsWith('h') || unit === '시간' ? 3_600_000
    : 1000;
  return Math.ceil(amount * scale);
}
