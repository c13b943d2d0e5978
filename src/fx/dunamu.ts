/**
 * The Dunamu forex quotation (`GET /v1/forex/recent?codes=FRX.KRWUSD`), the official USD/KRW rate Upbit's
 * site shows: the request, the error mapping of its replies and the checked reader of its body. Reads
 * only `code`, `currencyUnit`, `basePrice` and `timestamp`, the fields the protocol note says a client
 * may depend on, each exactly (`1169.00` is the decimal 1169.00, never a float).
 *
 * @see ../shared/protocols/fx.md
 */
import type { RestReply, RestRequest } from '../core/exchange-adapter.js';
import { ConnectionError, ExchangeError, InvalidArgumentError, MarketDataError, RateLimitError } from '../errors/index.js';
import { fieldReaders } from '../exchanges/kit/field-kit.js';
import { quoteBody, readRetryAfterMs } from '../exchanges/kit/reply-kit.js';
import type { Big } from '../model/decimal.js';
import { parseUnifiedSymbol } from '../model/symbol.js';

/** Where the quotation lives. */
export const DUNAMU_FX_URL = 'https://quotation-api-cdn.dunamu.com';
/** The path of the recent quotes. */
export const DUNAMU_FX_PATH = '/v1/forex/recent';
/** The source's name in errors. */
export const FX_SOURCE_ID = 'dunamu';

const { readArray, readRecord, readString, readDecimal, readMillis, toParseError } = fieldReaders(FX_SOURCE_ID);

/** One quote of the reply, as much of it as a client may rely on. */
export interface DunamuFxQuote {
  /** `FRX.KRWUSD`. */
  readonly code: string;
  readonly basePrice: Big;
  readonly unit: Big;
  /** ms since epoch. */
  readonly timestamp: number;
}

/**
 * The source's code of a unified pair: `USD/KRW` → `FRX.KRWUSD`. The source quotes foreign currencies
 * in KRW only, so anything else is an {@link InvalidArgumentError}.
 *
 * @example
 * ```ts
 * toFxCode('usd/krw'); // 'FRX.KRWUSD'
 * ```
 */
export function toFxCode(pair: string): string {
  const parts = typeof pair === 'string' ? parseUnifiedSymbol(pair) : undefined;
  if (parts === undefined || !/^[A-Z]{3}$/.test(parts.base) || parts.quote !== 'KRW' || parts.base === 'KRW') {
    throw new InvalidArgumentError(`FX pair must be a currency against KRW such as 'USD/KRW', got ${JSON.stringify(pair)}`, {
      argument: 'pair',
      value: pair,
      exchange: FX_SOURCE_ID,
    });
  }
  return `FRX.KRW${parts.base}`;
}

/**
 * The request of the recent quotes of `codes` (several are asked at once, comma-separated). Each code
 * has a rate-limit group of its own, so polling one pair never holds back another.
 *
 * @example
 * ```ts
 * toFxRequest(['FRX.KRWUSD']); // { path: '/v1/forex/recent', query: { codes: 'FRX.KRWUSD' }, group: 'FRX.KRWUSD' }
 * ```
 */
export function toFxRequest(codes: readonly string[]): RestRequest {
  return { path: DUNAMU_FX_PATH, query: { codes: codes.join(',') }, group: codes.join(',') };
}

/**
 * The typed error of a reply that is not a good one: 429 a {@link RateLimitError}, 5xx a retryable
 * {@link ConnectionError}, any other non-2xx an {@link ExchangeError}; `undefined` for a 2xx reply (its
 * body is checked by {@link parseFxReply}).
 *
 * @example
 * ```ts
 * toFxError({ status: 503, headers, text: 'busy', body: undefined }); // ConnectionError (retryable)
 * ```
 */
export function toFxError(reply: RestReply): MarketDataError | undefined {
  const { status } = reply;
  if (status >= 200 && status < 300) return undefined;
  const what = `${FX_SOURCE_ID} GET ${DUNAMU_FX_PATH} answered HTTP ${status}: ${quoteBody(reply.text)}`;
  if (status === 429) return new RateLimitError(what, { exchange: FX_SOURCE_ID, status, retryAfterMs: readRetryAfterMs(reply) ?? 60_000 });
  if (status >= 500) return new ConnectionError(what, { exchange: FX_SOURCE_ID, reason: 'server', status });
  return new ExchangeError(what, { exchange: FX_SOURCE_ID, code: status, status, raw: reply.text });
}

/**
 * Reads the reply body (a JSON array, one object per code) exactly. Anything that is not that shape is
 * a `ParseError` naming the field: a body that is not an array, an item without a `code`, a `basePrice`
 * that is not a positive decimal, a `currencyUnit` that is not a positive integer, a `timestamp` that is
 * not a millisecond integer.
 *
 * @example
 * ```ts
 * const [usd] = parseFxReply(parseJsonExact(text));
 * usd?.basePrice.toFixed(2); // '1169.00'
 * ```
 */
export function parseFxReply(body: unknown): DunamuFxQuote[] {
  return readArray(body, DUNAMU_FX_PATH).map((item) => {
    const record = readRecord(item, DUNAMU_FX_PATH);
    const code = readString(record, 'code', DUNAMU_FX_PATH);
    const basePrice = readDecimal(record, 'basePrice', DUNAMU_FX_PATH);
    const unit = readDecimal(record, 'currencyUnit', DUNAMU_FX_PATH);
    if (!basePrice.gt(0)) throw toParseError(DUNAMU_FX_PATH, '"basePrice" is not a positive rate', record);
    if (!unit.gt(0) || !unit.round(0).eq(unit)) throw toParseError(DUNAMU_FX_PATH, '"currencyUnit" is not a positive whole number', record);
    return { code, basePrice, unit, timestamp: readMillis(record, 'timestamp', DUNAMU_FX_PATH) };
  });
}

/** The adapter the REST client needs: base URL, error mapping, no rate-limit feedback (none is published). */
export const dunamuFxRest = {
  baseUrl: DUNAMU_FX_URL,
  readFeedback: () => undefined,
  toError: toFxError,
} as const;
