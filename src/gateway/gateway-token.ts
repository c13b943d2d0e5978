/**
 * The gateway tokens an operator configured, compared in constant time: both sides are hashed to
 * SHA-256 first (so their lengths match) and every configured token is compared, whichever matches.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks presented tokens against the configured ones without leaking, through timing, which
 * characters or which token matched.
 *
 * @example
 * ```ts
 * const tokens = new GatewayTokens([process.env['MDB_GATEWAY_TOKEN'] ?? '']);
 * tokens.accepts(presented); // true or false
 * ```
 */
export class GatewayTokens {
  readonly #digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = tokens.filter((token) => token.length > 0).map(digest);
  }

  /** `true` when at least one token is configured (private channels can be opened at all). */
  get configured(): boolean {
    return this.#digests.length > 0;
  }

  /** `true` when `token` is one of the configured tokens. */
  accepts(token: string): boolean {
    const presented = digest(token);
    let match = false;
    for (const known of this.#digests) match = timingSafeEqual(presented, known) || match;
    return match;
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header, or `undefined`.
 *
 * @example
 * ```ts
 * bearerToken(request.headers.authorization); // 'secret' for 'Bearer secret'
 * ```
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
