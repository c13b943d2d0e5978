/**
 * A protocol-faithful Upbit REST quotation server on 127.0.0.1, fed by a deterministic
 * {@link MarketModel}: same paths, parameters, reply shapes, number spelling, headers, errors and rate
 * limits as api.upbit.com, plus controls to inject latency, failures, 429s, 418 blocks and stalls.
 *
 * Quotation requests that carry an `Origin` header (as browsers send) share one `origin` budget, 1 per
 * 10 s by default (`rateLimits.originLimit`/`originWindowMs`): their replies say
 * `Remaining-Req: group=origin; min=600; sec=<left>`, and over it they get the usual 429, then 418.
 * Requests without `Origin`, and authenticated requests with or without it, are counted as usual.
 *
 * Like Upbit, whose quotation API is meant to be called from web pages (CORS), every REST reply says
 * `Access-Control-Allow-Origin: *` (errors and 429s too, so a page can read them), and an `OPTIONS`
 * preflight gets 204 allowing `GET` with any header, at once (no latency, pause or failure applies).
 * Preflights are logged but never counted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MarketModel, type MarketModelOptions } from '../market/market-model.js';
import type { SimClock } from '../market/model-types.js';
import { ReplyGate } from '../server/reply-gate.js';
import { requestTarget, SimHttpServer, writeReply } from '../server/sim-server.js';
import {
  isUpbitExchangeGroup,
  upbitBudgetGroup,
  UpbitRateLimits,
  type UpbitExchangeGroup,
  type UpbitOriginGroup,
  type UpbitRateLimitOptions,
} from './rate-limits.js';
import { UpbitReplyError } from './params.js';
import type { UpbitGroup } from './route-kit.js';
import { findRoute } from './routes.js';
import { stringifyWire, type WireValue } from '../server/wire-json.js';
import { attachUpbitWebSocket, type UpbitWsSimulator, type UpbitWsSimulatorOptions } from './ws-simulator.js';
// private-data: begin (authenticated routes and /websocket/v1/private)
import { attachUpbitPrivate, type UpbitPrivateSimulator, type UpbitPrivateSimulatorOptions } from './private.js';
// private-data: end

/** A raw reply to inject with {@link UpbitSimulator.failNext}. */
export interface ForcedReply {
  readonly status: number;
  /** Sent verbatim when a string (e.g. malformed JSON), serialised otherwise. */
  readonly body: string | WireValue;
  /** @default 'application/json;charset=UTF-8' */
  readonly contentType?: string | undefined;
}

/** Options of {@link UpbitSimulator.rateLimitNext}. */
export interface RateLimitNextOptions {
  /** Send the plain-text body `Too many API requests.` instead of the JSON error. @default false */
  readonly plainText?: boolean | undefined;
}

/** One served request, as the simulator saw it. */
export interface RequestLogEntry {
  /** Simulator clock time of arrival (ms). */
  readonly at: number;
  /** Wall-clock time of arrival (`Date.now()`), for tests that run the model on a manual clock. */
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /**
   * Rate-limit group of the endpoint (also for `Origin` requests, which are counted in `origin`),
   * `undefined` for unknown paths and private requests refused before counting.
   */
  readonly group: UpbitGroup | UpbitExchangeGroup | undefined;
  readonly status: number;
}

/** Options of {@link startUpbitSimulator}. Model options apply when no `model` is given. */
export interface UpbitSimulatorOptions extends MarketModelOptions {
  /** Serve this model instead of creating one (share it with a WebSocket simulator). */
  readonly model?: MarketModel | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number | undefined;
  /**
   * Rate limits. @default Upbit's: 10 per second per quotation group (per IP); quotation requests with
   * an `Origin` header 1 per 10 s, all groups together; exchange groups per account: `default` 30/s,
   * `order` 8/s, `order-cancel-all` 1 per 2 s
   */
  readonly rateLimits?: UpbitRateLimitOptions | undefined;
  /** Delay before every reply (ms). @default 0 */
  readonly latencyMs?: number | undefined;
  /**
   * Clock of rate-limit windows and blocks. Pass a real clock when the model runs on a manual one, so
   * the per-second windows still roll while the market stands still. @default the model's clock
   */
  readonly limitClock?: SimClock | undefined;
  /** WebSocket options (public streams on `/websocket/v1` of the same port). @default Upbit's behaviour */
  readonly ws?: UpbitWsSimulatorOptions | undefined;
  /** Private side: accounts, signed REST routes, `/websocket/v1/private`. @default no accounts */
  readonly private?: UpbitPrivateSimulatorOptions | undefined;
}

/** A running simulator. */
export interface UpbitSimulator {
  /** Base URL, e.g. `http://127.0.0.1:54321` (paths start with `/v1`). */
  readonly url: string;
  /** Public WebSocket URL on the same port, e.g. `ws://127.0.0.1:54321/websocket/v1`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly model: MarketModel;
  /** The WebSocket side and its fault controls (drop, stall, garbage, refuse). */
  readonly ws: UpbitWsSimulator;
  /** The private side: accounts (JWT-verified REST and WebSocket) and the order controls. */
  readonly private: UpbitPrivateSimulator;
  /** Private WebSocket URL, e.g. `ws://127.0.0.1:54321/websocket/v1/private`. */
  readonly privateWsUrl: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** Stops listening and closes every socket. */
  close(): Promise<void>;
  /** Delays every later reply by `ms`. */
  setLatency(ms: number): void;
  /** Answers the next `n` requests (any path) with `reply`, bypassing routes and limits. */
  failNext(n: number, reply: ForcedReply): void;
  /** Answers the next `n` requests with 429 (JSON body, or plain text). */
  rateLimitNext(n: number, options?: RateLimitNextOptions): void;
  /**
   * Blocks `group` (every group when omitted; an exchange group for every account; `origin` for the
   * `Origin` requests only) for `ms` of rate-limit-clock time: 418 meanwhile.
   */
  ban(ms: number, group?: UpbitGroup | UpbitExchangeGroup | UpbitOriginGroup): void;
  /** Holds replies until {@link UpbitSimulator.resume}. */
  pause(): void;
  /** Sends held replies and stops holding. */
  resume(): void;
  /** Empties {@link UpbitSimulator.requests}. */
  clearLog(): void;
  /** Forgets rate-limit windows, counts and blocks. */
  resetLimits(): void;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const TEXT_TYPE = 'text/plain;charset=UTF-8';
const TOO_MANY = 'Too many API requests.';
/** Upbit's quotation API serves pages of any origin; the simulator says so on every reply. */
const CORS_HEADERS = { 'access-control-allow-origin': '*' } as const;
/** The answer to a browser's preflight: plain `GET`s with whatever headers the page adds. */
const PREFLIGHT_HEADERS = { ...CORS_HEADERS, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': '*' } as const;

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

type LimitGroup = UpbitGroup | UpbitExchangeGroup | UpbitOriginGroup;

/**
 * `min=` is deprecated and fixed (600 quotation, `origin` included, 1800 exchange); exchange groups
 * count per account, not IP.
 */
function remainingReq(group: LimitGroup, sec: number): Record<string, string> {
  if (isUpbitExchangeGroup(group)) return { 'remaining-req': `group=${group}; min=1800; sec=${sec}` };
  return { 'remaining-req': `group=${group}; min=600; sec=${sec}`, 'limit-by-ip': 'Yes' };
}

function jsonReply(status: number, body: WireValue, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: stringifyWire(body) };
}

class RestSimulator implements UpbitSimulator {
  readonly model: MarketModel;
  readonly ws: UpbitWsSimulator;
  readonly private: UpbitPrivateSimulator;
  readonly #privatePath: string;
  readonly #http: SimHttpServer;
  readonly #limits: UpbitRateLimits;
  readonly #limitClock: SimClock;
  readonly #gate: ReplyGate;
  readonly #log: RequestLogEntry[] = [];
  #forced: ForcedReply[] = [];
  #rateLimited: RateLimitNextOptions[] = [];

  constructor(options: UpbitSimulatorOptions) {
    this.model = options.model ?? new MarketModel(options);
    this.#limits = new UpbitRateLimits(options.rateLimits);
    this.#limitClock = options.limitClock ?? this.model.clock;
    this.#gate = new ReplyGate(options.latencyMs);
    this.#http = new SimHttpServer((request, response) => this.#serve(request, response));
    this.ws = attachUpbitWebSocket(this.#http.server, this.model, { limitClock: options.limitClock, ...options.ws });
    this.#privatePath = options.private?.path ?? '/websocket/v1/private';
    this.private = attachUpbitPrivate(this.#http.server, this.model, { publicPath: options.ws?.path, ...options.private });
  }

  get privateWsUrl(): string {
    return this.#http.wsUrl(this.#privatePath);
  }

  get wsUrl(): string {
    return this.#http.wsUrl('/websocket/v1');
  }

  get url(): string {
    return this.#http.url;
  }

  get port(): number {
    return this.#http.port;
  }

  get requests(): readonly RequestLogEntry[] {
    return this.#log;
  }

  listen(port: number): Promise<void> {
    return this.#http.listen(port);
  }

  async close(): Promise<void> {
    await this.ws.close();
    await this.private.close();
    this.#gate.close();
    return this.#http.close();
  }

  setLatency(ms: number): void {
    this.#gate.setLatency(ms);
  }

  failNext(n: number, reply: ForcedReply): void {
    for (let i = 0; i < n; i++) this.#forced.push(reply);
  }

  rateLimitNext(n: number, options: RateLimitNextOptions = {}): void {
    for (let i = 0; i < n; i++) this.#rateLimited.push(options);
  }

  ban(ms: number, group?: LimitGroup): void {
    this.#limits.block(group, this.#limitClock.now() + ms);
  }

  pause(): void {
    this.#gate.pause();
  }

  resume(): void {
    this.#gate.resume();
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  resetLimits(): void {
    this.#limits.reset();
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    const at = this.model.now();
    const { method, url } = requestTarget(request);
    if (method === 'OPTIONS') {
      // A preflight is the browser asking, not a request: no forced reply, limit or route applies.
      const query = Object.fromEntries(url.searchParams);
      this.#log.push({ at, receivedAt: Date.now(), method, path: url.pathname, query, group: undefined, status: 204 });
      // 204 carries no body and so no content-length (which writeReply would add).
      response.writeHead(204, PREFLIGHT_HEADERS).end();
      return;
    }
    const match = method === 'GET' ? findRoute(url.pathname) : undefined;
    const hasOrigin = request.headers.origin !== undefined;
    let group: LimitGroup | undefined = match?.route.group;
    let reply: Reply;
    const forced = this.#forced.shift();
    const limited = forced === undefined ? this.#rateLimited.shift() : undefined;
    const resolved = forced === undefined && limited === undefined ? this.private.resolve(method, url, request) : undefined;
    if (resolved?.kind === 'reply') {
      reply = jsonReply(resolved.reply.status, resolved.reply.body, { ...resolved.reply.headers });
    } else if (resolved?.kind === 'call') {
      group = resolved.group;
      reply = this.#routed(resolved.group, this.#limitClock.now(), false, resolved.accessKey, resolved.handle);
    } else if (forced !== undefined) {
      const body = typeof forced.body === 'string' ? forced.body : stringifyWire(forced.body);
      reply = { status: forced.status, headers: { 'content-type': forced.contentType ?? JSON_TYPE }, body };
    } else if (limited !== undefined) {
      reply = this.#tooMany(group === undefined ? undefined : upbitBudgetGroup(group, hasOrigin), limited.plainText === true);
    } else if (match === undefined || group === undefined) {
      const error = UpbitReplyError.notFound();
      reply = jsonReply(error.status, error.body);
    } else {
      reply = this.#routed(group, this.#limitClock.now(), hasOrigin, undefined, () =>
        match.route.handle({ model: this.model, now: at, query: url.searchParams, params: match.params }),
      );
    }
    const query = Object.fromEntries(url.searchParams);
    this.#log.push({ at, receivedAt: Date.now(), method, path: url.pathname, query, group, status: reply.status });
    this.#deliver(response, reply);
  }

  /**
   * Counts a request in `group` (per `account` when given; in `origin` for a quotation request with
   * `hasOrigin`) and runs `handle` if the limits allow. `Remaining-Req` names the budget counted.
   */
  #routed(group: LimitGroup, limitAt: number, hasOrigin: boolean, account: string | undefined, handle: () => WireValue): Reply {
    const decision = this.#limits.check(group, limitAt, hasOrigin, account);
    const budget = upbitBudgetGroup(group, hasOrigin);
    if (decision.kind === 'limited') return this.#tooMany(budget, false);
    if (decision.kind === 'blocked') {
      const seconds = Math.max(1, Math.ceil((decision.untilMs - limitAt) / 1000));
      const body = { error: { name: 'too_many_requests', message: `${TOO_MANY} Access blocked for ${seconds} seconds.` } };
      return jsonReply(418, body, { ...remainingReq(budget, 0), 'retry-after': String(seconds) });
    }
    const headers = remainingReq(budget, decision.remaining);
    try {
      return jsonReply(200, handle(), headers);
    } catch (error) {
      if (error instanceof UpbitReplyError) return jsonReply(error.status, error.body, headers);
      const message = error instanceof Error ? error.message : String(error);
      return jsonReply(500, { error: { name: 500, message: `Simulator failure: ${message}` } }, headers);
    }
  }

  #tooMany(group: LimitGroup | undefined, plainText: boolean): Reply {
    const headers = group === undefined ? {} : remainingReq(group, 0);
    if (plainText) return { status: 429, headers: { 'content-type': TEXT_TYPE, ...headers }, body: TOO_MANY };
    return jsonReply(429, { error: { name: 'too_many_requests', message: TOO_MANY } }, headers);
  }

  #deliver(response: ServerResponse, reply: Reply): void {
    const write = (): void => writeReply(response, reply.status, { ...reply.headers, ...CORS_HEADERS }, reply.body);
    this.#gate.deliver(write);
  }
}

/**
 * Starts an Upbit REST simulator on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { startUpbitSimulator } from 'market-data-backbone/testing';
 * const sim = await startUpbitSimulator({ seed: 7 });
 * const reply = await fetch(`${sim.url}/v1/ticker?markets=KRW-BTC`);
 * reply.headers.get('remaining-req'); // 'group=ticker; min=600; sec=9'
 * const browser = await fetch(`${sim.url}/v1/ticker?markets=KRW-BTC`, { headers: { Origin: 'https://app.example' } });
 * browser.headers.get('remaining-req'); // 'group=origin; min=600; sec=0' (the next one within 10 s gets 429)
 * await sim.close();
 * ```
 */
export async function startUpbitSimulator(options: UpbitSimulatorOptions = {}): Promise<UpbitSimulator> {
  const simulator = new RestSimulator(options);
  await simulator.listen(options.port ?? 0);
  return simulator;
}
