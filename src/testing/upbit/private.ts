/**
 * The private side of the Upbit simulator: simulated accounts per access key, the signed REST routes
 * `GET /v1/accounts` and `GET /v1/orders/open`, and the private WebSocket `/websocket/v1/private`
 * (`myOrder`, `myAsset`). Every request and every upgrade is JWT-verified (see `upbit-private-auth.ts`);
 * a refused upgrade is completed, answered with an `INVALID_AUTH` error frame and closed, as Upbit
 * reports WebSocket errors in data frames.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { MarketModel } from '../market/market-model.js';
import { rejectUpgrade, SimWsHub, SimWsLog, SimWsPeer, wsText, type SimWsClient } from '../server/sim-ws.js';
import { UpbitSimAccount, type UpbitAccountSpec, type UpbitOrderInput, type UpbitPrivateRecord } from './account.js';
import { UpbitJwtVerifier } from './private-auth.js';
import { intParam, UpbitReplyError } from './params.js';
import type { UpbitExchangeGroup } from './rate-limits.js';
import { stringifyWire, type WireValue } from '../server/wire-json.js';

/** Options of {@link attachUpbitPrivate}. */
export interface UpbitPrivateSimulatorOptions {
  /** Accounts to create at start. @default [] */
  readonly accounts?: readonly UpbitAccountSpec[] | undefined;
  /** Path of the private WebSocket. @default '/websocket/v1/private' */
  readonly path?: string | undefined;
  /** Path of the public WebSocket on the same server (left to its own handler). @default '/websocket/v1' */
  readonly publicPath?: string | undefined;
  /** Real time between two fill checks of resting orders; `0` disables the timer (call `match()`). @default 100 */
  readonly matchIntervalMs?: number | undefined;
}

/** A private request frame as received. */
export interface UpbitPrivateRequestLogEntry {
  readonly accessKey: string;
  readonly text: string;
  /** The error name answered, or `undefined` when accepted. */
  readonly error: string | undefined;
}

/** A REST reply of a private route. */
export interface UpbitPrivateReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: WireValue;
}

/** What {@link UpbitPrivateSimulator.resolve} makes of a private REST request. */
export type UpbitPrivateResolution =
  | { readonly kind: 'reply'; readonly reply: UpbitPrivateReply }
  | {
      readonly kind: 'call';
      readonly accessKey: string;
      readonly group: UpbitExchangeGroup;
      /** The route's reply body; throws an `UpbitReplyError` for a refused query. */
      handle(): WireValue;
    };

/** The private simulator and its controls. */
export interface UpbitPrivateSimulator {
  /** Adds an account (replacing one with the same access key). */
  addAccount(spec: UpbitAccountSpec): UpbitSimAccount;
  /** The account of `accessKey`; throws for an unknown key. */
  account(accessKey: string): UpbitSimAccount;
  /** Places an order on the account of `accessKey` (test control); returns its uuid. */
  placeOrder(accessKey: string, input: UpbitOrderInput): string;
  /** Fills resting orders of every account up to the model's now. */
  match(): void;
  /** Terminates every private connection without a close frame (clients see 1006 and reconnect). */
  dropAll(): void;
  /** Private request frames received, oldest first. */
  readonly requests: readonly UpbitPrivateRequestLogEntry[];
  /** Open private connections that passed authentication. */
  readonly connections: number;
  /**
   * Resolves a private REST request: `undefined` when the path is not a private route; a `reply` when
   * it fails before it is counted (wrong method, authentication); else the verified access key, the
   * rate-limit group to count it in, and the handler to run once the limits let it through.
   */
  resolve(method: string, url: URL, request: IncomingMessage): UpbitPrivateResolution | undefined;
  /** Closes every private connection and stops the timer. */
  close(): Promise<void>;
}

const FORMATS = new Set(['DEFAULT', 'SIMPLE', 'JSON_LIST', 'SIMPLE_LIST']);

/** DEFAULT → SIMPLE keys of the private types (Upbit's tables; `assets` items nest). */
const SIMPLE_KEYS: Readonly<Record<string, string>> = {
  type: 'ty', code: 'cd', uuid: 'uid', ask_bid: 'ab', order_type: 'ot', state: 's', trade_uuid: 'tuid', price: 'p',
  avg_price: 'ap', volume: 'v', remaining_volume: 'rv', executed_volume: 'ev', trades_count: 'tc', reserved_fee: 'rsf',
  remaining_fee: 'rmf', paid_fee: 'pf', locked: 'l', executed_funds: 'ef', time_in_force: 'tif', trade_fee: 'tf',
  is_maker: 'im', identifier: 'id', smp_type: 'smpt', prevented_volume: 'pv', prevented_locked: 'pl',
  trade_timestamp: 'ttms', order_timestamp: 'otms', timestamp: 'tms', stream_type: 'st', asset_uuid: 'astuid',
  assets: 'ast', currency: 'cu', balance: 'b', asset_timestamp: 'asttms',
};

function toSimple(value: WireValue | undefined): WireValue | undefined {
  if (Array.isArray(value)) return value.map((item: WireValue) => toSimple(item) ?? null);
  if (typeof value !== 'object' || value === null || !(value.constructor === Object)) return value;
  const out: Record<string, WireValue | undefined> = {};
  for (const [key, item] of Object.entries(value as Record<string, WireValue | undefined>)) out[SIMPLE_KEYS[key] ?? key] = toSimple(item);
  return out;
}

const NOT_FOUND = { contentType: 'application/json;charset=UTF-8', text: '{"error":{"name":"not_found","message":"Not found"}}' };

/** An authenticated private socket and the types it asked for (the last accepted request frame). */
class PrivateConnection implements SimWsClient {
  readonly accessKey: string;
  readonly peer: SimWsPeer;
  orders: { readonly codes: readonly string[] } | undefined = undefined;
  assets = false;
  format = 'DEFAULT';

  constructor(accessKey: string, peer: SimWsPeer) {
    this.accessKey = accessKey;
    this.peer = peer;
  }

  get open(): boolean {
    return this.peer.open;
  }

  terminate(): void {
    this.peer.terminate();
  }

  /** Sends `text` as a binary frame (Upbit's frames are binary) while open. */
  send(text: string): void {
    this.peer.send(Buffer.from(text, 'utf8'), true);
  }
}

class PrivateSimulator implements UpbitPrivateSimulator {
  readonly #model: MarketModel;
  readonly #path: string;
  readonly #publicPath: string;
  readonly #accounts = new Map<string, UpbitSimAccount>();
  readonly #verifier = new UpbitJwtVerifier((key) => this.#accounts.get(key));
  readonly #log = new SimWsLog<UpbitPrivateRequestLogEntry>();
  readonly #hub: SimWsHub<PrivateConnection>;

  constructor(server: Server, model: MarketModel, options: UpbitPrivateSimulatorOptions) {
    this.#model = model;
    this.#path = options.path ?? '/websocket/v1/private';
    this.#publicPath = options.publicPath ?? '/websocket/v1';
    for (const spec of options.accounts ?? []) this.addAccount(spec);
    this.#hub = new SimWsHub(server, {
      pushIntervalMs: options.matchIntervalMs,
      tick: () => this.match(),
      upgrade: (request, socket, head, url) => this.#upgrade(request, socket, head, url),
    });
  }

  get requests(): readonly UpbitPrivateRequestLogEntry[] {
    return this.#log.entries;
  }

  /** Tracked until their socket's `close` event, like the connection set this replaced. */
  get connections(): number {
    return this.#hub.size;
  }

  addAccount(spec: UpbitAccountSpec): UpbitSimAccount {
    const account = new UpbitSimAccount(spec, this.#model);
    account.onRecord((record) => this.#publish(spec.accessKey, record));
    this.#accounts.set(spec.accessKey, account);
    return account;
  }

  account(accessKey: string): UpbitSimAccount {
    const account = this.#accounts.get(accessKey);
    if (account === undefined) throw new Error(`Upbit simulator: no account for access key ${accessKey}`);
    return account;
  }

  placeOrder(accessKey: string, input: UpbitOrderInput): string {
    return this.account(accessKey).placeOrder(input, this.#model.now());
  }

  match(): void {
    const now = this.#model.now();
    for (const account of this.#accounts.values()) account.match(now);
  }

  dropAll(): void {
    this.#hub.dropAll();
  }

  resolve(method: string, url: URL, request: IncomingMessage): UpbitPrivateResolution | undefined {
    const path = url.pathname;
    if (path !== '/v1/accounts' && path !== '/v1/orders/open') return undefined;
    let accessKey: string;
    try {
      if (method !== 'GET') throw new UpbitReplyError(405, { error: { name: 'method_not_allowed', message: 'Method not allowed.' } });
      accessKey = this.#verifier.verify(request.headers.authorization, [...url.searchParams], request.socket.remoteAddress, Date.now());
    } catch (error) {
      if (error instanceof UpbitReplyError) return { kind: 'reply', reply: { status: error.status, headers: {}, body: error.body } };
      throw error;
    }
    const handle = path === '/v1/accounts' ? () => this.#accountsWire(accessKey) : () => this.#openOrdersWire(accessKey, url.searchParams);
    return { kind: 'call', accessKey, group: 'default', handle };
  }

  #accountsWire(accessKey: string): WireValue {
    const account = this.account(accessKey);
    account.match(this.#model.now());
    return account.accountsWire();
  }

  #openOrdersWire(accessKey: string, query: URLSearchParams): WireValue {
    const account = this.account(accessKey);
    account.match(this.#model.now());
    const market = query.get('market') ?? undefined;
    const listed = query.getAll('states[]');
    const states = listed.length > 0 ? listed : [query.get('state') ?? 'wait'];
    if (states.some((state) => state !== 'wait' && state !== 'watch')) {
      throw new UpbitReplyError(400, { error: { name: 'validation_error', message: 'state must be wait or watch.' } });
    }
    // Paging as Upbit documents it: `page` from 1, `limit` up to 100 (both default to it), `order_by`
    // desc (newest first, the default) or asc. The error for values out of range is our guess.
    const invalid = (name: string, max: number) => (): UpbitReplyError =>
      new UpbitReplyError(400, { error: { name: 'validation_error', message: `${name} must be between 1 and ${max}.` } });
    const page = intParam(query, 'page', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 1 }, invalid('page', Number.MAX_SAFE_INTEGER));
    const limit = intParam(query, 'limit', { min: 1, max: 100, fallback: 100 }, invalid('limit', 100));
    const orderBy = query.get('order_by') ?? 'desc';
    if (orderBy !== 'asc' && orderBy !== 'desc') {
      throw new UpbitReplyError(400, { error: { name: 'validation_error', message: 'order_by must be asc or desc.' } });
    }
    return account.openOrdersWire(market, states, { page, limit, orderBy });
  }

  close(): Promise<void> {
    return this.#hub.close();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (url.pathname === this.#publicPath) return;
    if (url.pathname !== this.#path) return rejectUpgrade(socket, 404, NOT_FOUND);
    let accessKey: string | undefined;
    try {
      accessKey = this.#verifier.verify(request.headers.authorization, undefined, request.socket.remoteAddress, Date.now());
    } catch {
      accessKey = undefined;
    }
    this.#hub.accept(request, socket, head, (ws, id) => (accessKey === undefined ? refuseAuth(ws) : this.#connect(accessKey, ws, id)));
  }

  #connect(accessKey: string, ws: WebSocket, id: number): PrivateConnection {
    const connection = new PrivateConnection(accessKey, new SimWsPeer(id, ws, (error) => this.#log.reportFailure(error)));
    ws.on('message', (data) => connection.peer.guard(() => this.#onMessage(connection, wsText(data))));
    return connection;
  }

  #onMessage(connection: PrivateConnection, text: string): void {
    if (text === 'PING') {
      this.#log.countPing();
      connection.send(stringifyWire({ status: 'UP' }));
      return;
    }
    const error = this.#applyRequest(connection, text);
    this.#log.record({ accessKey: connection.accessKey, text, error });
    if (error !== undefined) connection.send(stringifyWire({ error: { name: error, message: `Request refused: ${error}` } }));
  }

  /** Applies a request frame; returns the error name when it is refused (the previous set stays). */
  #applyRequest(connection: PrivateConnection, text: string): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'WRONG_FORMAT';
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'object' || item === null)) return 'WRONG_FORMAT';
    const items = parsed as Record<string, unknown>[];
    if (!items.some((item) => typeof item['ticket'] === 'string')) return 'NO_TICKET';
    let orders: { readonly codes: readonly string[] } | undefined;
    let assets = false;
    let format = 'DEFAULT';
    for (const item of items) {
      if (item['format'] !== undefined) {
        if (typeof item['format'] !== 'string' || !FORMATS.has(item['format'])) return 'INVALID_PARAM';
        format = item['format'];
      }
      if (item['type'] === undefined) continue;
      const codes = item['codes'];
      if (item['type'] === 'myOrder') {
        if (codes !== undefined && (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string'))) return 'WRONG_FORMAT';
        orders = { codes: (codes as string[] | undefined) ?? [] };
      } else if (item['type'] === 'myAsset') {
        if (codes !== undefined) return 'WRONG_FORMAT';
        assets = true;
      } else {
        return 'INVALID_PARAM';
      }
    }
    if (orders === undefined && !assets) return 'NO_TYPE';
    connection.orders = orders;
    connection.assets = assets;
    connection.format = format;
    return undefined;
  }

  #publish(accessKey: string, record: UpbitPrivateRecord): void {
    for (const connection of this.#hub.clients) {
      if (connection.accessKey !== accessKey) continue;
      const wanted =
        record.type === 'myAsset'
          ? connection.assets
          : connection.orders !== undefined && (connection.orders.codes.length === 0 || connection.orders.codes.includes(String(record['code'])));
      if (!wanted) continue;
      const simple = connection.format === 'SIMPLE' || connection.format === 'SIMPLE_LIST';
      const body = (simple ? toSimple(record) : record) ?? null;
      const list = connection.format.endsWith('_LIST');
      connection.send(stringifyWire(list ? [body] : body));
    }
  }
}

/** Answers a refused upgrade the way Upbit does: an `INVALID_AUTH` error frame, then close 1008 (never tracked). */
function refuseAuth(ws: WebSocket): undefined {
  ws.on('error', () => undefined);
  const frame = stringifyWire({ error: { name: 'INVALID_AUTH', message: '인증 정보가 올바르지 않습니다.' } });
  ws.send(Buffer.from(frame, 'utf8'), { binary: true }, () => ws.close(1008, 'INVALID_AUTH'));
  return undefined;
}

/**
 * Serves Upbit's private REST routes and WebSocket on `server` (the REST simulator calls `resolve` for
 * `/v1/accounts` and `/v1/orders/open` and counts the request against the account's group limit
 * before running its handler; upgrades to `/websocket/v1/private` are handled here).
 *
 * @example
 * ```ts
 * const priv = attachUpbitPrivate(server, model, { accounts: [{ accessKey: 'ak', secretKey: 'sk' }] });
 * priv.placeOrder('ak', { market: 'KRW-BTC', side: 'bid', ordType: 'price', price: '10000' });
 * await priv.close();
 * ```
 */
export function attachUpbitPrivate(server: Server, model: MarketModel, options: UpbitPrivateSimulatorOptions = {}): UpbitPrivateSimulator {
  return new PrivateSimulator(server, model, options);
}
