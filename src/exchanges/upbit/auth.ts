/**
 * Upbit request authentication: a JWT signed HS512 with the secret key, carrying `access_key`, a fresh
 * UUID `nonce` and, for requests with parameters, `query_hash` (hex SHA-512 of the unencoded query
 * string) with `query_hash_alg: 'SHA512'`. Sent as `Authorization: Bearer <token>`.
 *
 * Uses `jose` (Web Crypto), so the same code signs in Node and in browsers.
 *
 * @see https://docs.upbit.com/kr/reference/auth
 */
import { SignJWT } from 'jose';
import { readSecret, type ApiCredentials } from '../../core/private-adapter.js';

/** Query parameters in send order; an array value is sent as repeated `key[]=value` pairs. */
export type UpbitQueryParams = Readonly<Record<string, string | readonly string[]>>;

/** The claims of an Upbit token. */
export interface UpbitJwtPayload {
  readonly access_key: string;
  readonly nonce: string;
  readonly query_hash?: string | undefined;
  readonly query_hash_alg?: 'SHA512' | undefined;
}

const encoder = new TextEncoder();

/**
 * The `[key, value]` pairs of `params` as they go on the wire: arrays become `key[]` pairs, in order.
 *
 * @example
 * ```ts
 * upbitQueryPairs({ market: 'KRW-BTC', states: ['wait', 'watch'] });
 * // [['market', 'KRW-BTC'], ['states[]', 'wait'], ['states[]', 'watch']]
 * ```
 */
export function upbitQueryPairs(params: UpbitQueryParams): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string') pairs.push([key, value]);
    else for (const item of value) pairs.push([`${key}[]`, item]);
  }
  return pairs;
}

/**
 * The unencoded query string that `query_hash` covers: `key=value` joined by `&`, nothing
 * percent-encoded (`states[]=wait`, `to=2025-07-30T00:00:00+09:00`). The request line carries the
 * encoded form; Upbit decodes it before hashing, and so does the simulator.
 *
 * @example
 * ```ts
 * upbitQueryString({ market: 'KRW-BTC', states: ['wait', 'watch'] }); // 'market=KRW-BTC&states[]=wait&states[]=watch'
 * ```
 */
export function upbitQueryString(params: UpbitQueryParams | readonly (readonly [string, string])[]): string {
  const pairs = Array.isArray(params) ? (params as readonly (readonly [string, string])[]) : upbitQueryPairs(params as UpbitQueryParams);
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * Hex SHA-512 of a string's UTF-8 bytes (Web Crypto).
 *
 * @example
 * ```ts
 * await sha512Hex('market=KRW-BTC'); // 128 hex digits
 * ```
 */
export async function sha512Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-512', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The claims of a token for a request with `query` (the unencoded query string; empty for none).
 *
 * @example
 * ```ts
 * const payload = await buildUpbitPayload('my-access-key', 'market=KRW-BTC');
 * payload.query_hash_alg; // 'SHA512'
 * ```
 */
export async function buildUpbitPayload(accessKey: string, query: string, nonce: string = globalThis.crypto.randomUUID()): Promise<UpbitJwtPayload> {
  if (query === '') return { access_key: accessKey, nonce };
  return { access_key: accessKey, nonce, query_hash: await sha512Hex(query), query_hash_alg: 'SHA512' };
}

/**
 * A signed Upbit token (HS512) for a request with `query` (unencoded; empty for none). Every call
 * draws a new nonce.
 *
 * @example
 * ```ts
 * const token = await signUpbitToken(credentials, upbitQueryString({ market: 'KRW-BTC' }));
 * fetch(url, { headers: { Authorization: `Bearer ${token}` } });
 * ```
 */
export async function signUpbitToken(credentials: ApiCredentials, query = ''): Promise<string> {
  const payload = await buildUpbitPayload(credentials.accessKey, query);
  return new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
    .sign(encoder.encode(readSecret(credentials)));
}

/**
 * The `Authorization` header of an Upbit request with `params`.
 *
 * @example
 * ```ts
 * const headers = await upbitAuthHeaders(credentials, { market: 'KRW-BTC', state: 'wait' });
 * headers.Authorization; // 'Bearer eyJ…'
 * ```
 */
export async function upbitAuthHeaders(credentials: ApiCredentials, params: UpbitQueryParams = {}): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await signUpbitToken(credentials, upbitQueryString(params))}` };
}
