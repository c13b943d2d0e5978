/**
 * `mdb serve`: the gateway as a process. Serves a backbone over HTTP and the `/v1/stream` WebSocket
 * (see `docs/gateway.md`), over the real exchanges or, with `--simulate`, over the built-in simulators
 * (offline). SIGTERM (and SIGINT) drain it: not ready, sockets closed with 1001, HTTP in flight
 * finished, exit within `--grace-ms`.
 *
 *   mdb serve --simulate --port 8080
 *   mdb serve --exchanges upbit,binance --redis redis://127.0.0.1:6379 --port 8080 --host 0.0.0.0
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { MarketDataBackbone } from '../backbone/backbone.js';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { RedisRateBudget, RedisReplyCache, type ReplyCache } from '../index.js';
import { collectMetrics, createGatewayMetrics } from '../metrics/index.js';
import { DEFAULT_EXCHANGE, type ExchangeId } from '../exchanges/registry.js';
import type { MarketDataBackboneOptions } from '../backbone/backbone-options.js';
import { createGateway, type Gateway, type GatewayOptions } from '../gateway/index.js';
import { startBinanceSimulator, startCoinoneSimulator, startUpbitSimulator } from '../testing/index.js';
import { EXCHANGE_IDS, toExchangeId } from './data-source.js';

export const SERVE_USAGE = `usage: mdb serve [--port 8080] [--host 127.0.0.1] [--exchanges ${EXCHANGE_IDS.join(',')}] [--redis URL] [--simulate]
  --port N             port to listen on (default 8080; 0 picks a free one)
  --host ADDRESS       address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --exchanges A,B      exchanges served (default all: ${EXCHANGE_IDS.join(',')}); the first is the default one
  --redis URL          share REST replies and one rate budget per exchange between replicas through Redis (redis://host:6379)
  --simulate           serve the built-in exchange simulators (offline) instead of the real exchanges
  --grace-ms MS        how long SIGTERM waits for HTTP requests in flight (default 10000)
  MDB_GATEWAY_TOKENS   comma-separated tokens that open myOrder/myAsset (environment, never a flag)
Routes: GET /v1/ticker /v1/tickers /v1/orderbook /v1/trades /v1/candles /v1/markets /v1/arbitrage,
/healthz, /readyz, and the WebSocket /v1/stream (docs/gateway.md).`;

/** The flags of `mdb serve`, checked. */
export interface ServeFlags {
  readonly port: number;
  readonly host: string;
  readonly exchanges: readonly ExchangeId[];
  readonly redis?: string | undefined;
  readonly simulate: boolean;
  readonly graceMs: number;
  readonly tokens: readonly string[];
}

/**
 * Reads the arguments after `serve`; a `RangeError` (or parseArgs' `TypeError`) for anything wrong.
 *
 * @example
 * ```ts
 * const flags = parseServeFlags(['--simulate', '--port', '0'], process.env);
 * ```
 */
export function parseServeFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServeFlags {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      exchanges: { type: 'string', default: EXCHANGE_IDS.join(',') },
      redis: { type: 'string' },
      simulate: { type: 'boolean', default: false },
      'grace-ms': { type: 'string', default: '10000' },
    },
  });
  if (positionals.length > 0) throw new RangeError(`mdb serve takes no arguments, only flags (got ${positionals.join(' ')})`);
  const port = Number(values.port);
  if (!/^\d{1,5}$/.test(values.port) || port > 65_535) throw new RangeError(`--port takes a port from 0 to 65535, not ${values.port}`);
  const graceMs = Number(values['grace-ms']);
  if (!/^\d{1,7}$/.test(values['grace-ms'])) throw new RangeError(`--grace-ms takes a whole number of ms, not ${values['grace-ms']}`);
  const exchanges = [...new Set(values.exchanges.split(',').map((id) => toExchangeId(id.trim())))];
  if (values.redis !== undefined && !/^rediss?:\/\/\S+$/.test(values.redis)) throw new RangeError(`--redis takes a redis:// URL, not ${values.redis}`);
  if (values.redis !== undefined && values.simulate) throw new RangeError('--redis and --simulate exclude each other (the simulators are per process)');
  const tokens = (env['MDB_GATEWAY_TOKENS'] ?? '').split(',').map((token) => token.trim()).filter((token) => token.length > 0);
  return { port, host: values.host, exchanges, redis: values.redis, simulate: values.simulate, graceMs, tokens };
}

/** A running `mdb serve`. */
export interface RunningGateway {
  /** `http://host:port`. */
  readonly url: string;
  readonly gateway: Gateway;
  readonly backbone: MarketDataBackbone;
  /** Drains within the grace period, then closes the backbone, the simulators and Redis. */
  stop(): Promise<void>;
}

type Closer = () => Promise<void>;

/** The built-in simulators of `exchanges`, on one market model, and the backbone settings that point at them. */
async function startSimulators(exchanges: readonly ExchangeId[]): Promise<{ settings: MarketDataBackboneOptions['exchanges']; close: Closer }> {
  const upbit = await startUpbitSimulator();
  const sims = {
    upbit,
    coinone: exchanges.includes('coinone') ? await startCoinoneSimulator({ model: upbit.model, premium: -0.001 }) : undefined,
    binance: exchanges.includes('binance') ? await startBinanceSimulator({ model: upbit.model, premium: 0.02 }) : undefined,
  };
  const settings: Partial<Record<ExchangeId, { restUrl: string; wsUrl: string }>> = {};
  for (const id of exchanges) {
    const sim = sims[id];
    if (sim !== undefined) settings[id] = { restUrl: sim.url, wsUrl: sim.wsUrl };
  }
  return { settings, close: async () => void (await Promise.all(Object.values(sims).map((sim) => sim?.close()))) };
}

/**
 * Redis over node-redis (loaded only when `--redis` is given): the reply cache and the rate budget every
 * replica on this egress IP shares.
 */
async function openRedis(url: string): Promise<{ cache: ReplyCache; budget: RedisRateBudget; close: Closer }> {
  // node-redis is not a dependency of the library: `mdb serve --redis` asks for it to be installed.
  const { createClient } = await import('redis').catch((error: unknown) => {
    throw new Error('--redis needs the redis package (npm install redis)', { cause: error });
  });
  const client = createClient({ url });
  await client.connect();
  const command = (args: string[]): Promise<unknown> => client.sendCommand(args);
  return { cache: new RedisReplyCache({ command }), budget: new RedisRateBudget({ command }), close: async () => void (await client.quit()) };
}

/**
 * Gateway options `mdb serve` adds to its own: where it plugs in its `observer` and `metrics`
 * (Prometheus), given the backbone when they need it (`collectMetrics(backbone, registry)`).
 */
export type ServeExtras = GatewayOptions | ((backbone: MarketDataBackbone) => GatewayOptions);

/**
 * Starts the gateway the flags describe, with `extra` merged into the gateway options.
 *
 * @example
 * ```ts
 * const running = await startServe(parseServeFlags(['--simulate', '--port', '0'], {}));
 * console.log(running.url);
 * await running.stop();
 * ```
 */
export async function startServe(flags: ServeFlags, extra: ServeExtras = {}): Promise<RunningGateway> {
  const closers: Closer[] = [];
  try {
    const simulators = flags.simulate ? await startSimulators(flags.exchanges) : undefined;
    if (simulators !== undefined) closers.push(simulators.close);
    const redis = flags.redis === undefined ? undefined : await openRedis(flags.redis);
    if (redis !== undefined) closers.push(redis.close);
    const defaultExchange = flags.exchanges[0] ?? DEFAULT_EXCHANGE;
    const backbone = new MarketDataBackbone({ defaultExchange, replyCache: redis?.cache, rateBudget: redis?.budget, exchanges: simulators?.settings });
    closers.push(() => backbone.close());
    // Prometheus at /metrics: the upstream (per exchange), the gateway and the process itself.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const collection = collectMetrics(backbone, registry, { exchanges: flags.exchanges });
    closers.push(async () => collection.stop());
    const extras = typeof extra === 'function' ? extra(backbone) : extra;
    const gateway = createGateway(backbone, {
      tokens: flags.tokens,
      defaultExchange,
      exchanges: flags.exchanges,
      observer: createGatewayMetrics(registry),
      metrics: registry,
      ...extras,
    });
    closers.push(() => gateway.close());
    const server: Server = createServer({ keepAliveTimeout: 5_000 });
    gateway.attach(server);
    server.listen(flags.port, flags.host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
    return {
      url: `http://${host}:${port}`,
      gateway,
      backbone,
      stop: async () => {
        await gateway.drain(flags.graceMs);
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** Where `mdb serve` writes. */
export interface ServeOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs `mdb serve` until SIGTERM or SIGINT; resolves with the exit code (0 after a drain, 1 on bad
 * arguments or a failure to start, reported on stderr).
 *
 * @example
 * ```ts
 * process.exitCode = await runServe(['--simulate'], process);
 * ```
 */
export async function runServe(argv: readonly string[], output: ServeOutput, extra: ServeExtras = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  let flags: ServeFlags;
  try {
    flags = parseServeFlags(argv, process.env);
  } catch (error) {
    output.stderr.write(`mdb serve: ${error instanceof Error ? error.message : String(error)}\n${SERVE_USAGE}\n`);
    return 1;
  }
  let running: RunningGateway;
  try {
    running = await startServe(flags, extra);
  } catch (error) {
    output.stderr.write(`mdb serve: could not start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return 1;
  }
  output.stdout.write(`mdb serve: listening on ${running.url} (${flags.simulate ? 'simulators' : 'live exchanges'}: ${flags.exchanges.join(', ')})\n`);
  const signal = await Promise.race([once(process, 'SIGTERM').then(() => 'SIGTERM'), once(process, 'SIGINT').then(() => 'SIGINT')]);
  output.stdout.write(`mdb serve: ${signal} received, draining (grace ${flags.graceMs} ms)\n`);
  await running.stop();
  output.stdout.write('mdb serve: stopped\n');
  return 0;
}
