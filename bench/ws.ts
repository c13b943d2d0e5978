/**
 * Stream throughput, latency and memory: a local `ws` server pushes the same pre-serialized Upbit ticker
 * and trade frames (binary and compact, exactly as Upbit sends them: `frames.ts`) to a bare `ws` client
 * that only runs JSON.parse, and to the library's streamTicker/streamTrades. For throughput the server
 * runs in its own process (`push-server.ts`), so its sending is not counted to either client; rounds
 * alternate, and the ratio is printed by wall time and by the client process's CPU time (steadier on a
 * shared machine, and not capped by how fast the server process gets to send). Also prints p50/p99
 * latency from frame arrival to subscriber, and heap per subscribed market with 200 markets subscribed,
 * beside the same ticker streams built as a plain RxJS chain of the exported operators
 * (`plain-chains.ts`), so the cost of the library's composition is measured, not remembered. Runs under
 * tsx, whose `keepNames` gives every named closure created at run time a property dictionary (~256
 * bytes) that the tsup build does not have: closure-heavy code (the plain chain) reads somewhat higher
 * here than as shipped.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import { MarketDataBackbone } from '../src/index.js';
import { upbitWs } from '../src/exchanges/upbit/index.js';
import { DecimalPacker } from '../src/model/packed-value.js';
import { TICKER_DECIMALS, type Ticker } from '../src/model/ticker.js';
import { nodeWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../src/transport/ws/websocket-factory.js';
import { plainTicker } from './plain-chains.js';
import { TICKER_FRAME, TRADE_FRAME } from './frames.js';
import { startPushProcess } from './push-server.js';
import { collectGarbage, fmt, meterValues, quantile, RateMeter, ratioRange, report } from './stats.js';

const FIXTURES = new URL('../../shared/fixtures/upbit/', import.meta.url);
const tickerTemplate = readFileSync(new URL('ws_ticker_default.json', FIXTURES), 'utf8');

/**
 * A server that answers a client's first request (or, with `everyRequest`, each request) with all
 * `frames` in one burst, and `PING` with the status frame.
 */
export async function startPushServer(frames: readonly Buffer[], everyRequest = false): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) => {
    let answered = false;
    socket.on('message', (data) => {
      if (String(data) === 'PING') {
        socket.send(Buffer.from('{"status":"UP"}'), { binary: true });
        return;
      }
      if (answered && !everyRequest) return;
      answered = true;
      for (const frame of frames) socket.send(frame, { binary: true });
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/websocket/v1`,
    close: () => new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
  };
}

/** Bare client: connect, send one request, JSON.parse every frame; resolves with messages/s (wall and CPU). */
async function runBare(url: string, count: number): Promise<RateMeter> {
  const socket = new WebSocket(url);
  socket.binaryType = 'nodebuffer';
  await new Promise((resolve) => socket.once('open', resolve));
  let received = 0;
  const meter = new RateMeter();
  const done = new Promise<void>((resolve) => {
    socket.on('message', (data: Buffer) => {
      if (received === 0) meter.start();
      JSON.parse(data.toString('utf8'));
      if (++received === count) resolve();
    });
  });
  socket.send('[{"ticket":"bench"},{"type":"ticker","codes":["KRW-BTC"]}]');
  await done;
  meter.stop(count - 1);
  socket.terminate();
  return meter;
}

/** Wraps a factory so every frame's arrival time is recorded before the library sees it. */
function timedFactory(base: WebSocketFactory, arrivals: number[]): WebSocketFactory {
  return (url, protocols) => {
    const socket = base(url, protocols);
    let handler: WebSocketLike['onmessage'] = null;
    const timed: WebSocketLike = {
      send: (data) => socket.send(data),
      close: () => socket.close(),
      get onopen() { return socket.onopen; },
      set onopen(h) { socket.onopen = h; },
      get onclose() { return socket.onclose; },
      set onclose(h) { socket.onclose = h; },
      get onerror() { return socket.onerror; },
      set onerror(h) { socket.onerror = h; },
      get onmessage() { return handler; },
      set onmessage(h) {
        handler = h;
        socket.onmessage = h === null ? null : (event: unknown) => {
          arrivals.push(performance.now());
          h(event);
        };
      },
    };
    return timed;
  };
}

/** Library client: streamTicker or streamTrades; resolves with messages/s and per-value latencies. */
async function runLibrary(url: string, kind: 'ticker' | 'trade', count: number): Promise<{ meter: RateMeter; latencies: number[] }> {
  const arrivals: number[] = [];
  const factory = timedFactory(await nodeWebSocketFactory(), arrivals);
  const backbone = new MarketDataBackbone({
    validateSymbols: false,
    restUrl: 'http://127.0.0.1:9',
    exchanges: { upbit: { wsUrl: url, webSocketFactory: factory, staleAfterMs: 60_000 } },
  });
  const latencies: number[] = [];
  const stream$: Observable<unknown> = kind === 'ticker' ? backbone.streamTicker('KRW-BTC') : backbone.streamTrades('KRW-BTC');
  const meter = await meterValues(stream$, count, (index) => {
    const arrived = arrivals[index];
    if (arrived !== undefined) latencies.push(performance.now() - arrived);
  });
  await backbone.close();
  return { meter, latencies };
}

/** The packer of the hub's ticker streams. */
const TICKER_PACKER = new DecimalPacker<Ticker>(TICKER_DECIMALS);

/** Opens the ticker stream of one market: the library's, or the plain-chain baseline. */
type OpenTicker = (backbone: MarketDataBackbone, code: string) => Observable<unknown>;

const libraryTicker: OpenTicker = (backbone, code) => backbone.streamTicker(code);
const HEAP_TIMINGS = { staleAfterMs: 60_000, pollIntervalMs: 1_000, gracePeriodMs: 0, replayTtlMs: 60_000 } as const;
const plainChainTicker: OpenTicker = (backbone, code) => plainTicker(backbone.exchange('upbit'), code, HEAP_TIMINGS);

/** Subscribes to the ticker of every code; resolves once each has delivered a value. */
function subscribeAll(backbone: MarketDataBackbone, codes: readonly string[], open: OpenTicker): Promise<{ unsubscribe(): void }[]> {
  let seen = 0;
  return new Promise((resolve) => {
    const subs = codes.map((code) => open(backbone, code).subscribe(() => {
      if (++seen === codes.length) resolve(subs);
    }));
  });
}

/** Heap per market with `markets` ticker streams (opened by `open`) subscribed, each holding one SNAPSHOT ticker. */
async function measureHeap(markets: number, open: OpenTicker): Promise<number> {
  const codes = Array.from({ length: markets }, (_, i) => `KRW-C${i}`);
  const warmCodes = Array.from({ length: markets }, (_, i) => `KRW-W${i}`);
  const frames = [...codes, ...warmCodes].map((code) => Buffer.from(tickerTemplate.replace('"code": "KRW-BTC"', `"code": "${code}"`)));
  const push = await startPushServer(frames, true);
  const backbone = new MarketDataBackbone({
    validateSymbols: false,
    restUrl: 'http://127.0.0.1:9',
    exchanges: { upbit: { wsUrl: push.url, ...HEAP_TIMINGS } },
  });
  // Fixed costs are not per market: open the socket with one market first, and run the same subscribe
  // path once on other markets (then unsubscribe them) so compiled code and grown tables are not counted.
  const first = open(backbone, 'KRW-BTC').subscribe();
  await subscribeAll(backbone, warmCodes, open).then((subs) => subs.forEach((s) => s.unsubscribe()));
  await new Promise((resolve) => setTimeout(resolve, 200));
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const subscriptions = await subscribeAll(backbone, codes, open);
  // The server answers every request with a burst of all frames: let the bursts still in flight drain,
  // so frames being decoded are not counted as per-market heap.
  await new Promise((resolve) => setTimeout(resolve, 300));
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  for (const s of subscriptions) s.unsubscribe();
  first.unsubscribe();
  await backbone.close();
  await push.close();
  return (after - before) / markets;
}

/**
 * Heap per market of the replayed values alone: the same ticker frames decoded by the adapter and kept,
 * with nothing else, so the report can tell the value from the stream machinery around it.
 */
function measureValueHeap(markets: number, keep: (ticker: Ticker) => unknown = (ticker) => ticker): number {
  const texts = Array.from({ length: markets }, (_, i) => tickerTemplate.replace('"code": "KRW-BTC"', `"code": "KRW-V${i}"`));
  const decode = (text: string): unknown => {
    const decoded = upbitWs.decode(text, Date.now());
    const event = decoded.kind === 'events' ? decoded.events[0] : undefined;
    if (event?.type !== 'ticker') throw new Error('the ticker frame did not decode to a ticker');
    return keep(event);
  };
  // Decoded once before measuring, so the decoder's compiled code and its market-symbol cache are not counted.
  for (const text of texts) decode(text);
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = texts.map(decode);
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== markets) throw new Error('decode lost a frame');
  return (after - before) / markets;
}

/** Throughput and latency of streamTicker and streamTrades against a bare client. */
export async function benchStreamThroughput(): Promise<void> {
  const count = Number(process.env['BENCH_FRAMES'] ?? 20_000);
  // BENCH_ONLY=library (or bare) runs one side alone, e.g. under `node --cpu-prof`, so the profile
  // holds nothing of the other side; the ratio row is then meaningless.
  const only = process.env['BENCH_ONLY'];
  // BENCH_KINDS=trade (or ticker) runs one stream kind.
  const kinds = (['ticker', 'trade'] as const).filter((kind) => (process.env['BENCH_KINDS'] ?? 'ticker,trade').split(',').includes(kind));
  for (const kind of kinds) {
    // The push process builds its own frames: only their size is wanted here.
    const frameBytes = Buffer.byteLength(kind === 'ticker' ? TICKER_FRAME : TRADE_FRAME);
    const push = await startPushProcess(kind, count);
    const idle = new RateMeter();
    const bareRun = (): Promise<RateMeter> => (only === 'library' ? Promise.resolve(idle) : runBare(push.url, count));
    const libraryRun = (): Promise<{ meter: RateMeter; latencies: number[] }> =>
      only === 'bare' ? Promise.resolve({ meter: idle, latencies: [] }) : runLibrary(push.url, kind, count);
    await bareRun(); // warm-up
    await libraryRun();
    // Alternating rounds, so both sides see the same machine state; the median ratio is reported (one
    // burst alone swings by +-0.1 on a shared box), by wall time and by CPU time (see RateMeter).
    const rounds = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 7));
    const bare: number[] = [];
    const lib: number[] = [];
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const b = await bareRun();
      const l = await libraryRun();
      bare.push(b.wallRate);
      lib.push(l.meter.wallRate);
      ratios.push(l.meter.wallRate / b.wallRate);
      cpuRatios.push(l.meter.cpuRate / b.cpuRate);
      latencies.push(...l.latencies);
    }
    await push.close();
    report(`stream ${kind}: ${count} compact binary frames (${frameBytes} B, as Upbit sends them) pushed in one burst, ${rounds} alternating rounds`, [
      ['bare ws + JSON.parse (msg/s, median)', fmt(quantile(bare, 0.5), 0)],
      [`library stream${kind === 'ticker' ? 'Ticker' : 'Trades'} (msg/s, median)`, fmt(quantile(lib, 0.5), 0)],
      ['ratio library / bare, wall time (target >= 0.60)', ratioRange(ratios)],
      ['ratio library / bare, CPU time of the process', ratioRange(cpuRatios)],
      ['latency frame -> subscriber p50 (ms)', fmt(quantile(latencies, 0.5), 3)],
      ['latency frame -> subscriber p99 (ms)', fmt(quantile(latencies, 0.99), 3)],
    ]);
  }
}

/**
 * Heap per subscribed market: the library's streams and, in the same run, the plain RxJS chain of the
 * same operators (`bench/plain-chains.ts`), each the median of `BENCH_ROUNDS` (default 3) alternating runs.
 */
export async function benchStreamMemory(): Promise<void> {
  const markets = 200;
  const rounds = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
  const library: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < rounds; round++) {
    library.push(await measureHeap(markets, libraryTicker));
    plain.push(await measureHeap(markets, plainChainTicker));
  }
  const perMarket = quantile(library, 0.5);
  const chain = quantile(plain, 0.5);
  // More values than markets: one allocation of compiled code would swing a 200-value figure.
  const value = measureValueHeap(markets * 10);
  const packed = measureValueHeap(markets * 10, (ticker) => TICKER_PACKER.pack(ticker));
  report(`memory: ${markets} ticker streams subscribed, median of ${rounds} alternating rounds`, [
    ['library streams: heap per subscribed market (bytes, target <= 3072)', fmt(perMarket, 0)],
    ['plain RxJS chain of the same operators (bytes)', fmt(chain, 0)],
    ['ratio library / plain chain', fmt(perMarket / chain, 2)],
    ['a decoded ticker alone', fmt(value, 0)],
    ['of which the library keeps: the ticker packed (DecimalPacker)', fmt(packed, 0)],
    ['library stream machinery per market (difference)', fmt(perMarket - packed, 0)],
    ['plain chain machinery per market (difference)', fmt(chain - value, 0)],
    ['gc exposed (exact numbers need --expose-gc)', String(typeof (globalThis as { gc?: unknown }).gc === 'function')],
  ]);
}
