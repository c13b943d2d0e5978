/**
 * `createGateway`: the backbone as a service, embeddable in any `node:http` server. HTTP routes
 * (`http-api.ts`), the `/v1/stream` WebSocket (one upstream subscription per key for every client,
 * `stream-fanout.ts`; per-client caps and backpressure, `client-session.ts`), `/healthz`, `/readyz`,
 * `/metrics`, and the drain a SIGTERM starts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WebSocketServer } from 'ws';
import { GatewayError } from '../errors/index.js';
import { DEFAULT_EXCHANGE, type ExchangeId } from '../exchanges/registry.js';
import { CLOSE_GOING_AWAY } from '../remote/gateway-protocol.js';
import { ClientSession, DEFAULT_LIMITS, type GatewayLimits, type SessionContext } from './client-session.js';
import type { GatewayObserver, MetricsEndpoint } from './gateway-observer.js';
import type { GatewaySource } from './gateway-source.js';
import { bearerToken, GatewayTokens } from './gateway-token.js';
import { answerApi, errorReply, HTTP_ROUTES, liveTicker, type HttpContext, type HttpReply } from './http-api.js';
import { StreamFanout } from './stream-fanout.js';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** Tokens that open `myOrder`/`myAsset` (compared in constant time). @default none: private channels refused */
  readonly tokens?: readonly string[] | undefined;
  /** The exchanges served; a request naming another is a 404 (`not-found`). @default every exchange */
  readonly exchanges?: readonly ExchangeId[] | undefined;
  /** Exchange of requests that name none. @default 'upbit' */
  readonly defaultExchange?: ExchangeId | undefined;
  /** Told about clients, subscriptions, frames sent, conflations, slow-client closes and HTTP requests. @default none */
  readonly observer?: GatewayObserver | undefined;
  /** Served at `GET /metrics` when given. @default none (404) */
  readonly metrics?: MetricsEndpoint | undefined;
  /** Caps per client of `/v1/stream`. @default {@link DEFAULT_LIMITS} */
  readonly limits?: Partial<GatewayLimits> | undefined;
  /** A live value older than this is not answered from over HTTP (ms). @default 2000 */
  readonly freshMs?: number | undefined;
  /** How long a `/v1/ticker` request keeps the ticker stream open after the last one (ms). @default 60000 */
  readonly tickerLeaseMs?: number | undefined;
  /** Ping period; a client that missed the previous ping is dropped (ms). @default 15000 */
  readonly heartbeatMs?: number | undefined;
  /** `/readyz` fails while a ticker, book or arbitrage feed open longer than this has been silent as long (ms). @default 30000 */
  readonly readyStaleMs?: number | undefined;
  /** How long `/v1/arbitrage` waits for its first snapshot (ms). @default 5000 */
  readonly arbitrageTimeoutMs?: number | undefined;
  /**
   * `Access-Control-Allow-Origin` of every HTTP reply, so web pages of other origins can read them
   * (market data is public; private channels need a token over the socket). `undefined` sends none.
   * @default '*'
   */
  readonly allowOrigin?: string | undefined;
  /** Clock of freshness, leases and request allowances. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** A running gateway; see {@link createGateway}. */
export interface Gateway {
  /** Answers a gateway route (`/v1/...`, `/healthz`, `/readyz`, `/metrics`); `false` for any other path. */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /** Takes an upgrade to `/v1/stream`; `false` for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Serves every request and upgrade of `server` (404 for other paths); {@link Gateway.drain} then closes it. */
  attach(server: Server): void;
  /** `true` while not draining and every ticker, book and arbitrage feed delivers. */
  readonly ready: boolean;
  /** `true` once {@link Gateway.drain} started. */
  readonly draining: boolean;
  /** Connected `/v1/stream` clients. */
  readonly clients: number;
  /** Open upstream subscriptions (one per key). */
  readonly upstreams: number;
  /**
   * Graceful shutdown: not ready, every socket closed with 1001 (clients move to another replica), the
   * attached server stops accepting, HTTP requests in flight finish; resolves when they have or when
   * `graceMs` passed (then the remaining connections are cut).
   */
  drain(graceMs?: number): Promise<void>;
  /** Ends every upstream subscription and client (after {@link Gateway.drain}, or instead of it). */
  close(): Promise<void>;
}

const STREAM_PATH = '/v1/stream';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Creates a gateway over a backbone: HTTP routes answered from the live streams when fresh (else the
 * library's REST path), and `/v1/stream` fanning out one upstream subscription per key to every client.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { MarketDataBackbone } from 'market-data-backbone';
 * import { createGateway } from 'market-data-backbone/gateway';
 *
 * const gateway = createGateway(new MarketDataBackbone(), { tokens: [process.env['MDB_GATEWAY_TOKEN'] ?? ''] });
 * const server = createServer();
 * gateway.attach(server);
 * server.listen(8080);
 * process.on('SIGTERM', () => void gateway.drain(10_000).then(() => process.exit(0)));
 * ```
 */
export function createGateway(source: GatewaySource, options: GatewayOptions = {}): Gateway {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { observer } = options;
  const fanout = new StreamFanout(source, scheduler, (frames, bytes) => observer?.sent(frames, bytes));
  const defaultExchange = options.defaultExchange ?? DEFAULT_EXCHANGE;
  const tokens = new GatewayTokens(options.tokens ?? []);
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { exchanges } = options;
  const sessionContext: SessionContext = { fanout, limits, observer, tokens, defaultExchange, scheduler, closeTimeoutMs: 5_000, exchanges };
  const httpContext: HttpContext = {
    source,
    fanout,
    scheduler,
    defaultExchange,
    freshMs: options.freshMs ?? 2_000,
    leaseMs: options.tickerLeaseMs ?? 60_000,
    arbitrageTimeoutMs: options.arbitrageTimeoutMs ?? 5_000,
    exchanges,
  };
  const readyStaleMs = options.readyStaleMs ?? 30_000;
  const cors: Readonly<Record<string, string>> = 'allowOrigin' in options && options.allowOrigin === undefined ? {} : { 'access-control-allow-origin': options.allowOrigin ?? '*' };
  // The hard cap closes (1009) only frames far beyond `maxFrameBytes`, which are answered with an error.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(64 * 1024, limits.maxFrameBytes * 4), perMessageDeflate: false });
  const sessions = new Set<ClientSession>();
  const servers = new Set<Server>();
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const heartbeat = setInterval(() => {
    for (const session of sessions) session.heartbeat();
    fanout.sweep();
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const staleFeeds = (): string[] => {
    const now = scheduler.now();
    const stale: string[] = [];
    for (const feed of fanout.feeds) {
      const { channel } = feed.spec;
      if (channel !== 'ticker' && channel !== 'orderbook' && channel !== 'arbitrage') continue;
      if (now - feed.openedAt > readyStaleMs && (feed.lastAt === undefined || now - feed.lastAt > readyStaleMs)) stale.push(feed.key);
    }
    return stale;
  };

  const jsonHeaders: readonly string[] = ['content-type', JSON_TYPE, 'cache-control', 'no-store', ...Object.entries(cors).flat()];
  const send = (response: ServerResponse, reply: HttpReply, contentType = JSON_TYPE): void => {
    const length = Buffer.byteLength(reply.body);
    // The common answer (JSON, not draining, no extra header) takes a flat header list built once.
    if (contentType === JSON_TYPE && !draining && reply.headers === undefined) response.writeHead(reply.status, [...jsonHeaders, 'content-length', String(length)]);
    else {
      response.writeHead(reply.status, {
        'content-type': contentType,
        'content-length': length,
        'cache-control': 'no-store',
        ...cors,
        ...(draining ? { connection: 'close' } : {}),
        ...reply.headers,
      });
    }
    response.end(reply.body);
  };

  const serve = async (path: string, query: URLSearchParams, response: ServerResponse): Promise<number> => {
    if (path === '/healthz') {
      send(response, { status: 200, body: '{"status":"ok"}' });
      return 200;
    }
    if (path === '/readyz') {
      const stale = staleFeeds();
      const ok = !draining && stale.length === 0;
      send(response, { status: ok ? 200 : 503, body: JSON.stringify({ ready: ok, draining, stale }) });
      return ok ? 200 : 503;
    }
    if (path === '/metrics' && options.metrics !== undefined) {
      const text = await options.metrics.metrics();
      send(response, { status: 200, body: text }, options.metrics.contentType);
      return 200;
    }
    const reply = (await answerApi(httpContext, path, query)) ?? errorReply(new GatewayError(`Not found: ${path}`, { code: 'not-found' }));
    send(response, reply);
    return reply.status;
  };

  const handleRequest = (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const known = path === '/healthz' || path === '/readyz' || (path === '/metrics' && options.metrics !== undefined) || HTTP_ROUTES.includes(path);
    if (!known) return false;
    const started = observer === undefined ? 0 : performance.now();
    inFlight += 1;
    const finish = (status: number): void => {
      observer?.httpRequest(path, status, (performance.now() - started) / 1_000);
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, { status: 405, body: JSON.stringify({ error: { name: 'GatewayError', message: `Method ${String(request.method)} not allowed: GET only`, code: 'bad-request' } }), headers: { allow: 'GET' } });
      finish(405);
      return true;
    }
    const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
    const live = path === '/v1/ticker' ? liveTicker(httpContext, query) : undefined;
    if (live !== undefined) {
      send(response, { status: 200, body: live });
      finish(200);
      return true;
    }
    serve(path, query, response).then(finish, (error: unknown) => {
      const reply = errorReply(error);
      if (!response.headersSent) send(response, reply);
      finish(reply.status);
    });
    return true;
  };

  const refuseUpgrade = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== STREAM_PATH) return false;
    if (draining) {
      refuseUpgrade(socket, '503 Service Unavailable');
      return true;
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented !== undefined && !tokens.accepts(presented)) {
      refuseUpgrade(socket, '401 Unauthorized');
      return true;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const session = new ClientSession(ws, socket, sessionContext, presented !== undefined, (closed, code) => {
        sessions.delete(closed);
        observer?.clientClosed(code);
      });
      sessions.add(session);
      observer?.clientOpened();
    });
    return true;
  };

  const closeSessions = (): void => {
    for (const session of sessions) session.close(CLOSE_GOING_AWAY, 'gateway shutting down: reconnect to another replica');
  };

  return {
    handleRequest,
    handleUpgrade,
    attach(server) {
      servers.add(server);
      server.on('request', (request: IncomingMessage, response: ServerResponse) => {
        if (!handleRequest(request, response)) send(response, errorReply(new GatewayError(`Not found: ${String(request.url)}`, { code: 'not-found' })));
      });
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(request, socket, head)) refuseUpgrade(socket, '404 Not Found');
      });
    },
    get ready() {
      return !draining && staleFeeds().length === 0;
    },
    get draining() {
      return draining;
    },
    get clients() {
      return sessions.size;
    },
    get upstreams() {
      return [...fanout.feeds].length;
    },
    async drain(graceMs = 10_000) {
      draining = true;
      closeSessions();
      for (const server of servers) {
        server.close();
        server.closeIdleConnections();
      }
      const finished = new Promise<void>((resolve) => {
        if (inFlight === 0) resolve();
        else idle = resolve;
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([finished, graceOver]);
      clearTimeout(timer);
      for (const server of servers) server.closeAllConnections();
    },
    async close() {
      draining = true;
      clearInterval(heartbeat);
      closeSessions();
      fanout.close();
      wss.close();
    },
  };
}
