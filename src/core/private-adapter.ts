/**
 * The exchange-neutral interface of private (authenticated) data: API credentials that never show
 * their secret, request signing, account REST calls and the private WebSocket streams.
 *
 * Like {@link ExchangeAdapter}, a private adapter is data plus pure (or, for signing, async but
 * stateless) functions. `PrivateClient` (src/private-client.ts) sends and streams; it names no exchange.
 */
import { MarketDataError, type ExchangeError } from '../errors/index.js';
import type { Balance, Order, PrivateEvent } from '../model/account.js';
import type { SymbolParts } from '../model/symbol.js';
import type { WebSocketLike } from 'rxjs-websockets';
import type { ExchangeRestAdapter, ExchangeWsAdapter, MapContext, RestRequest } from './exchange-adapter.js';

const REDACTED = '[redacted]';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const secrets = new WeakMap<ApiCredentials, string>();

/**
 * An API key pair. The secret lives outside the object (a module-private `WeakMap`), so
 * `JSON.stringify`, `util.inspect`, `String()` and structured logging only ever see the access key
 * and `[redacted]`.
 *
 * @example
 * ```ts
 * import { ApiCredentials } from 'market-data-backbone';
 * const credentials = new ApiCredentials('my-access-key', 'my-secret-key');
 * JSON.stringify(credentials); // '{"accessKey":"my-access-key","secretKey":"[redacted]"}'
 * ```
 */
export class ApiCredentials {
  readonly accessKey: string;

  constructor(accessKey: string, secretKey: string) {
    if (accessKey === '' || secretKey === '') throw new MarketDataError('API credentials are incomplete: an access key and a secret key are required');
    this.accessKey = accessKey;
    secrets.set(this, secretKey);
  }

  /** `{ accessKey, secretKey: '[redacted]' }`. */
  toJSON(): { readonly accessKey: string; readonly secretKey: string } {
    return { accessKey: this.accessKey, secretKey: REDACTED };
  }

  toString(): string {
    return `ApiCredentials(${this.accessKey}, ${REDACTED})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * The secret of `credentials`, for request signers only (never log or return it).
 *
 * @example
 * ```ts
 * const key = new TextEncoder().encode(readSecret(credentials));
 * ```
 */
export function readSecret(credentials: ApiCredentials): string {
  const secret = secrets.get(credentials);
  if (secret === undefined) throw new MarketDataError('API credentials are not usable: build them with new ApiCredentials()');
  return secret;
}

/** Where keys may come from, first match wins: `credentials`, then `accessKey` + `secretKey`, then `env`. */
export interface CredentialSources {
  readonly credentials?: ApiCredentials | undefined;
  readonly accessKey?: string | undefined;
  readonly secretKey?: string | undefined;
  /** @default process.env where there is one */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

const runtimeEnv = (): Readonly<Record<string, string | undefined>> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * The credentials to use for `adapter`, from `sources` or from the adapter's environment variables
 * (`UPBIT_ACCESS_KEY` / `UPBIT_SECRET_KEY` for Upbit). The error for missing keys names the
 * variables, never a value.
 *
 * @example
 * ```ts
 * const credentials = resolveApiCredentials(upbitPrivate, { env: process.env });
 * ```
 */
export function resolveApiCredentials(adapter: Pick<PrivateExchangeAdapter, 'id' | 'env'>, sources: CredentialSources = {}): ApiCredentials {
  if (sources.credentials !== undefined) return sources.credentials;
  const env = sources.env ?? runtimeEnv();
  const accessKey = sources.accessKey ?? env[adapter.env.accessKey];
  const secretKey = sources.secretKey ?? env[adapter.env.secretKey];
  if (accessKey === undefined || accessKey === '' || secretKey === undefined || secretKey === '') {
    throw new MarketDataError(
      `API credentials are missing: ${adapter.id} needs accessKey and secretKey options or ${adapter.env.accessKey} and ${adapter.env.secretKey}`,
      { exchange: adapter.id },
    );
  }
  return new ApiCredentials(accessKey, secretKey);
}

/** A private stream subscription. `market` narrows `myOrders` to one native market code. */
export type PrivateSubscription =
  | { readonly channel: 'myOrders'; readonly market?: string | undefined }
  | { readonly channel: 'myAssets' };

/** A decoded private frame. */
export type PrivateWsMessage =
  | { readonly kind: 'events'; readonly events: readonly PrivateEvent[] }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'error'; readonly error: ExchangeError }
  | { readonly kind: 'ignore' };

/** The REST half of a private adapter. */
export interface PrivateRestAdapter extends Pick<ExchangeRestAdapter, 'baseUrl' | 'rateLimits' | 'readFeedback' | 'toError'> {
  /** Headers that authenticate `request` (a fresh nonce per call, so call it once per attempt). */
  sign(request: RestRequest, credentials: ApiCredentials): Promise<Record<string, string>>;
  accounts(): RestRequest;
  parseAccounts(body: unknown, context: MapContext): Balance[];
  /**
   * One page of open orders (pages count from 1), of one native market or all. An exchange that pages
   * sets {@link openOrdersPageSize}; the client then reads pages until one comes back short.
   */
  openOrders(market?: string, page?: number): RestRequest;
  /** Orders per page of {@link openOrders} (Upbit: 100, its maximum). @default undefined (one reply has all) */
  readonly openOrdersPageSize?: number | undefined;
  parseOrders(body: unknown, context: MapContext): Order[];
}

/**
 * A socket factory that may use the upgrade headers (the third argument); a plain two-argument
 * `WebSocketFactory` ignores them (e.g. a browser socket to a gateway that adds the token).
 */
export type PrivateWebSocketFactory = (
  url: string,
  protocols: string | string[] | undefined,
  headers: Readonly<Record<string, string>>,
) => WebSocketLike;

/** The WebSocket half of a private adapter. */
export interface PrivateWsAdapter {
  readonly url: string;
  /** Upgrade-request headers; called at every (re)connect, since each needs a fresh token. */
  signConnection(credentials: ApiCredentials): Promise<Record<string, string>>;
  /** The frames making `next` the connection's subscription set (`[]` for none). */
  subscriptionFrames(next: readonly PrivateSubscription[]): string[];
  /** Decodes one frame's text; throws `ParseError` on garbage. */
  decode(text: string, receivedAt: number): PrivateWsMessage;
  readonly keepalive: { readonly intervalMs: number; readonly frame: string };
  /** How a silent socket is probed, as on the public socket. @default keepalive.frame, not counted */
  readonly heartbeat?: ExchangeWsAdapter['heartbeat'];
  readonly sendLimits: readonly { readonly limit: number; readonly windowMs: number }[];
  /** Connection attempts per window, as on the public socket. @default none (attempts are not paced) */
  readonly connectLimits?: ExchangeWsAdapter['connectLimits'];
}

/** An exchange's private side. */
export interface PrivateExchangeAdapter {
  readonly id: string;
  /** Builds the native market code from a unified symbol's parts. */
  formatMarket(parts: SymbolParts): string;
  /** Environment variables holding the keys when none are passed. */
  readonly env: { readonly accessKey: string; readonly secretKey: string };
  readonly rest: PrivateRestAdapter;
  readonly ws?: PrivateWsAdapter | undefined;
}
