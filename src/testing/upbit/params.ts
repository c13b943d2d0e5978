/**
 * Query-parameter validation with Upbit's quotation error replies.
 *
 * Quotation errors carry a NUMERIC `name` (`{"error":{"name":400,"message":"..."}}`); an unknown path
 * answers `{"error":{"name":"not_found",...}}` without a `Remaining-Req` header. Which message a bad
 * value gets: not a number or boolean where one is expected → "Type mismatch"; a well-typed value out
 * of range or badly formatted → "Invalid parameter"; a required parameter absent or empty → "Missing
 * request parameter"; an unknown market code → 404 "Code not found".
 */
import type { WireValue } from '../server/wire-json.js';

/**
 * An error reply the route handlers throw; the server turns it into the HTTP reply.
 *
 * @example
 * ```ts
 * throw UpbitReplyError.codeNotFound();
 * ```
 */
export class UpbitReplyError extends Error {
  override name = 'UpbitReplyError';

  constructor(
    readonly status: number,
    readonly body: WireValue,
    /** `false` for replies that carry no `Remaining-Req` header (unknown paths). */
    readonly countsAsRequest = true,
  ) {
    super(`Upbit simulator reply ${status}`);
  }

  /** 400: a required parameter is absent or empty. */
  static missing(): UpbitReplyError {
    return new UpbitReplyError(400, quotationError(400, 'Missing request parameter error. Check the required parameters!'));
  }

  /** 400: a value is well typed but not acceptable. */
  static invalid(): UpbitReplyError {
    return new UpbitReplyError(400, quotationError(400, 'Invalid parameter. Check the given value!'));
  }

  /** 400: a value has the wrong type (text where a number or boolean is expected). */
  static typeMismatch(): UpbitReplyError {
    return new UpbitReplyError(400, quotationError(400, 'Type mismatch error. Check the parameters type!'));
  }

  /** 404: an unknown market code. */
  static codeNotFound(): UpbitReplyError {
    return new UpbitReplyError(404, quotationError(404, 'Code not found'));
  }

  /** 404 for a path the API does not have. */
  static notFound(): UpbitReplyError {
    return new UpbitReplyError(404, { error: { name: 'not_found', message: 'Not Found' } }, false);
  }
}

/**
 * `{"error":{"name":<status>,"message":...}}` with the numeric name of quotation errors.
 *
 * @example
 * ```ts
 * quotationError(404, 'Code not found');
 * ```
 */
export function quotationError(status: number, message: string): WireValue {
  return { error: { name: status, message } };
}

/**
 * A required parameter's value.
 *
 * @example
 * ```ts
 * const market = requireParam(query, 'market');
 * ```
 */
export function requireParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value.trim() === '') throw UpbitReplyError.missing();
  return value;
}

/** Bounds and default of an integer parameter. */
export interface IntParamRule {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

/**
 * An optional integer parameter within `[min, max]`. Quotation endpoints answer a wrong type or value
 * with their numeric-name errors; exchange endpoints pass `reject` for their own (`validation_error`).
 *
 * @example
 * ```ts
 * const count = intParam(query, 'count', { min: 1, max: 200, fallback: 1 });
 * ```
 */
export function intParam(query: URLSearchParams, name: string, rule: IntParamRule, reject?: () => UpbitReplyError): number {
  const value = query.get(name);
  if (value === null || value === '') return rule.fallback;
  if (!/^[+-]?\d+$/.test(value)) throw (reject ?? UpbitReplyError.typeMismatch)();
  const n = Number(value);
  if (n < rule.min || n > rule.max) throw (reject ?? UpbitReplyError.invalid)();
  return n;
}

/**
 * An optional boolean parameter, read from the first of `names` present (`isDetails`/`is_details`).
 *
 * @example
 * ```ts
 * const details = boolParam(query, ['isDetails', 'is_details']) ?? false;
 * ```
 */
export function boolParam(query: URLSearchParams, names: readonly string[]): boolean | undefined {
  for (const name of names) {
    const value = query.get(name);
    if (value === null || value === '') continue;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw UpbitReplyError.typeMismatch();
  }
  return undefined;
}

/**
 * A comma-separated list parameter, trimmed, without empty items or duplicates.
 *
 * @example
 * ```ts
 * listParam(query, 'markets'); // ['KRW-BTC', 'KRW-ETH']
 * ```
 */
export function listParam(query: URLSearchParams, name: string): string[] {
  const items = requireParam(query, name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw UpbitReplyError.missing();
  return [...new Set(items)];
}
