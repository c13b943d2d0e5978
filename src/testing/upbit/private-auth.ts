/**
 * JWT verification of the Upbit simulator's private endpoints, written independently of the client's
 * signer (node:crypto HMAC and SHA-512, no JWT library), so tests of the client prove something.
 *
 * Checks, in order, with the reference's error names: a `Bearer` JWT is present and well formed
 * (`jwt_verification`); its `access_key` is known (`invalid_access_key`); the key has not expired
 * (`expired_access_key`); the caller's IP is allow-listed (`no_authorization_ip`); the HS512/HS256
 * signature matches the account's secret (`jwt_verification`); the `nonce` is new (`nonce_used`); and
 * `query_hash` is the hex SHA-512 of the unencoded query string (`invalid_query_payload`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UpbitReplyError } from './params.js';

/** What the verifier needs to know of an account. */
export interface UpbitKeyRecord {
  readonly accessKey: string;
  readonly secretKey: string;
  /** IPs allowed to use the key; `undefined` allows any. */
  readonly allowedIps?: readonly string[] | undefined;
  /** Wall-clock ms after which the key is expired; `undefined` for never. */
  readonly expiresAt?: number | undefined;
}

/** Messages of the simulator's auth errors (HTTP status per the reference's error table). */
const FAILURES = {
  jwt_verification: { status: 401, message: 'Failed to verify the JWT token.' },
  invalid_access_key: { status: 401, message: 'Invalid access key.' },
  expired_access_key: { status: 401, message: 'The access key has expired.' },
  no_authorization_ip: { status: 401, message: 'This is not a verified IP.' },
  nonce_used: { status: 401, message: 'The nonce was already used.' },
  invalid_query_payload: { status: 400, message: 'Failed to verify the query.' },
} as const;

/** The name of an auth failure. */
export type UpbitAuthFailure = keyof typeof FAILURES;

/**
 * The reply error of an auth failure: `{"error":{"name":"<failure>","message":"..."}}` (exchange
 * errors carry a string name).
 *
 * @example
 * ```ts
 * throw upbitAuthError('nonce_used');
 * ```
 */
export function upbitAuthError(failure: UpbitAuthFailure): UpbitReplyError {
  const { status, message } = FAILURES[failure];
  return new UpbitReplyError(status, { error: { name: failure, message } });
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The unencoded query string of decoded `pairs` (`states[]=wait&states[]=watch`), which the hash covers.
 *
 * @example
 * ```ts
 * unencodedQuery([...new URL('http://x/?states%5B%5D=wait').searchParams]); // 'states[]=wait'
 * ```
 */
export function unencodedQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * Verifies Upbit JWTs against the accounts it knows, remembering every nonce it accepted.
 *
 * @example
 * ```ts
 * const verifier = new UpbitJwtVerifier((key) => accounts.get(key));
 * const account = verifier.verify(request.headers.authorization, [...url.searchParams], ip, Date.now());
 * ```
 */
export class UpbitJwtVerifier {
  readonly #lookup: (accessKey: string) => UpbitKeyRecord | undefined;
  readonly #nonces = new Map<string, Set<string>>();

  constructor(lookup: (accessKey: string) => UpbitKeyRecord | undefined) {
    this.#lookup = lookup;
  }

  /**
   * The access key of a valid request, or throws the {@link UpbitReplyError} Upbit would answer with.
   * `pairs` is the decoded query (`undefined` for none: a WebSocket upgrade).
   */
  verify(authorization: string | undefined, pairs: readonly (readonly [string, string])[] | undefined, ip: string | undefined, nowMs: number): string {
    const match = /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(authorization ?? '');
    if (match === null) throw upbitAuthError('jwt_verification');
    const [, headerPart = '', payloadPart = '', signaturePart = ''] = match;
    const header = decodePart(headerPart);
    const payload = decodePart(payloadPart);
    if (header === undefined || payload === undefined) throw upbitAuthError('jwt_verification');
    const accessKey = payload['access_key'];
    if (typeof accessKey !== 'string') throw upbitAuthError('jwt_verification');
    const account = this.#lookup(accessKey);
    if (account === undefined) throw upbitAuthError('invalid_access_key');
    if (account.expiresAt !== undefined && nowMs > account.expiresAt) throw upbitAuthError('expired_access_key');
    if (account.allowedIps !== undefined && (ip === undefined || !account.allowedIps.includes(normalizeIp(ip)))) {
      throw upbitAuthError('no_authorization_ip');
    }
    const algorithm = header['alg'] === 'HS512' ? 'sha512' : header['alg'] === 'HS256' ? 'sha256' : undefined;
    if (algorithm === undefined) throw upbitAuthError('jwt_verification');
    const expected = createHmac(algorithm, account.secretKey).update(`${headerPart}.${payloadPart}`).digest();
    const given = Buffer.from(signaturePart, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw upbitAuthError('jwt_verification');
    const nonce = payload['nonce'];
    if (typeof nonce !== 'string' || nonce === '') throw upbitAuthError('jwt_verification');
    const used = this.#nonces.get(accessKey) ?? new Set<string>();
    if (used.has(nonce)) throw upbitAuthError('nonce_used');
    if (pairs !== undefined && pairs.length > 0) {
      const hash = createHash('sha512').update(unencodedQuery(pairs), 'utf8').digest('hex');
      if (payload['query_hash'] !== hash || (payload['query_hash_alg'] ?? 'SHA512') !== 'SHA512') throw upbitAuthError('invalid_query_payload');
    }
    used.add(nonce);
    this.#nonces.set(accessKey, used);
    return accessKey;
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
