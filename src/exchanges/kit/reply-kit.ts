/**
 * Exchange-neutral pieces of reading a REST reply before its data: headers from either kind of header
 * bag, `Retry-After`, the reply's own `Date`, and a non-JSON body quoted for an error message. Each
 * exchange's `reply.ts` builds its error mapping from these; nothing here names an exchange.
 */
import type { RestReply } from '../../core/exchange-adapter.js';

/** A JSON object as it came off the wire (not an array, not `null`). */
export type ReplyRecord = Readonly<Record<string, unknown>>;

/** Longest text of a non-JSON body quoted in an error message. */
const MAX_QUOTED = 200;

/** Delta-seconds, with an optional fraction (`3`, `1.5`). */
const SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * A header by name, trying the canonical and the lower-case spelling (plain-map header bags).
 *
 * @example
 * ```ts
 * readHeader(reply, 'Retry-After'); // '3', or undefined when absent
 * ```
 */
export function readHeader(reply: RestReply, name: string): string | undefined {
  return reply.headers.get(name) ?? reply.headers.get(name.toLowerCase()) ?? undefined;
}

/**
 * Whether a parsed body is a JSON object (the shape every exchange's error body has).
 *
 * @example
 * ```ts
 * isReplyRecord({ code: -1121 }); // true
 * isReplyRecord([1, 2]); // false
 * ```
 */
export function isReplyRecord(body: unknown): body is ReplyRecord {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/**
 * A non-JSON body for an error message: trimmed, cut at 200 characters, `(empty body)` when blank.
 *
 * @example
 * ```ts
 * quoteBody('  Too Many Requests\n'); // 'Too Many Requests'
 * ```
 */
export function quoteBody(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(empty body)';
  return trimmed.length > MAX_QUOTED ? `${trimmed.slice(0, MAX_QUOTED)}…` : trimmed;
}

/**
 * The reply's own clock (its `Date` header, in ms), so error mappings stay pure: no clock is read.
 *
 * @example
 * ```ts
 * readReplyDate(reply); // 1702275818212 for `Date: Mon, 11 Dec 2023 06:23:38 GMT`
 * ```
 */
export function readReplyDate(reply: RestReply): number | undefined {
  const date = readHeader(reply, 'Date');
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `Retry-After` in ms: delta-seconds (rounded up), or an HTTP date measured against the reply's `Date`;
 * `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * readRetryAfterMs(reply); // 3000 for `Retry-After: 3`
 * ```
 */
export function readRetryAfterMs(reply: RestReply): number | undefined {
  const header = readHeader(reply, 'Retry-After')?.trim();
  if (header === undefined || header === '') return undefined;
  if (SECONDS.test(header)) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  const now = readReplyDate(reply);
  return Number.isNaN(at) || now === undefined ? undefined : Math.max(0, at - now);
}
