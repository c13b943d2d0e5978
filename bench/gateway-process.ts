/**
 * The server side of `npm run bench -- gateway`, run as its own process (forked with IPC) so the load
 * generator and the 1,000 clients do not share its event loop.
 *
 *   http            an Upbit simulator (KRW-BTC busy, so its ticker stays fresh), a backbone and a
 *                   gateway; and a bare node:http server answering a constant JSON body of the size of
 *                   the gateway's ticker
 *   fanout gateway  a gateway over a synthetic source: 10 markets, 1,000 trades a second in all
 *   fanout bare     the baseline: a bare `ws` server sending the same frames to the same subscribers
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { MarketDataBackbone } from '../src/index.js';
import { createGateway, type GatewaySource } from '../src/gateway/index.js';
import { DEFAULT_MARKETS, startUpbitSimulator } from '../src/testing/index.js';

/** Messages of the fan-out process to the bench. */
export type FanoutReport =
  | { readonly type: 'listening'; readonly url: string }
  | { readonly type: 'heap'; readonly bytes: number }
  | { readonly type: 'done'; readonly lastIds: readonly number[]; readonly emitted: number; readonly seconds: number; readonly cpuMicros: number };

export const MARKETS = 10;
const send = (message: unknown): void => void process.send?.(message);

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function runHttp(): Promise<void> {
  const markets = DEFAULT_MARKETS.map((spec) => (spec.market === 'KRW-BTC' ? { ...spec, tradesPerMinute: 1_200 } : spec));
  const simulator = await startUpbitSimulator({ markets, limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({ exchanges: { upbit: { restUrl: simulator.url, wsUrl: simulator.wsUrl } } });
  const gateway = createGateway(backbone);
  const server = createServer({ keepAliveTimeout: 30_000 });
  gateway.attach(server);
  const gatewayAt = await listen(server);
  const path = '/v1/ticker?exchange=upbit&symbol=KRW-BTC';
  // The first request opens the ticker stream; wait until its values arrive.
  let body = '';
  for (let i = 0; i < 50 || gateway.upstreams === 0; i += 1) {
    body = await (await fetch(`http://${gatewayAt}${path}`)).text();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const constant = body;
  const bare = createServer({ keepAliveTimeout: 30_000 }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(constant), 'cache-control': 'no-store' });
    response.end(constant);
  });
  const bareAt = await listen(bare);
  send({ gateway: `http://${gatewayAt}${path}`, bare: `http://${bareAt}${path}`, bytes: Buffer.byteLength(constant) });
}

/** 1,000 trades a second over 10 markets, each stamped with the instant it was emitted. */
function tradeSource(): { source: GatewaySource; subjects: Subject<unknown>[]; start(onDone: (report: FanoutReport) => void, seconds: number): void } {
  const subjects = Array.from({ length: MARKETS }, () => new Subject<unknown>());
  const trades = (symbol: string): Observable<unknown> => subjects[Number(symbol.slice(5))]!.asObservable();
  const source = { streamTrades: trades } as unknown as GatewaySource;
  const start = (onDone: (report: FanoutReport) => void, seconds: number): void => {
    const ids = new Array<number>(MARKETS).fill(0);
    let emitted = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const timer = setInterval(() => {
      // Keep to 1,000 a second even when a tick comes late: emit what is due.
      const due = Math.floor((performance.now() - started) / 10) * MARKETS;
      while (emitted < due) {
        const m = emitted % MARKETS;
        ids[m]! += 1;
        const now = performance.timeOrigin + performance.now();
        subjects[m]!.next({ type: 'trade', exchange: 'upbit', symbol: `M${m}/KRW`, market: `KRW-M${m}`, timestamp: now, receivedAt: now, id: String(ids[m]), price: '143250000', amount: '0.00123', side: 'buy' });
        emitted += 1;
      }
      if (performance.now() - started >= seconds * 1_000) {
        clearInterval(timer);
        const used = process.cpuUsage(cpu);
        onDone({ type: 'done', lastIds: ids, emitted, seconds: (performance.now() - started) / 1_000, cpuMicros: used.user + used.system });
      }
    }, 10);
  };
  return { source, subjects, start };
}

async function runFanout(kind: string): Promise<void> {
  const { source, subjects, start } = tradeSource();
  const server = createServer();
  if (kind === 'gateway') {
    createGateway(source).attach(server);
  } else {
    // The baseline: parse the same request, send each event serialized once to its subscribers.
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    const subscribers = Array.from({ length: MARKETS }, () => new Set<WebSocket>());
    subjects.forEach((subject, m) =>
      subject.subscribe((value) => {
        const frame = Buffer.from(`{"type":"event","key":"trades:upbit:KRW-M${m}","data":${JSON.stringify(value)}}`);
        for (const ws of subscribers[m]!) ws.send(frame, { binary: false });
      }),
    );
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const { symbol } = JSON.parse(String(data)) as { symbol: string };
        subscribers[Number(symbol.slice(5))]!.add(ws);
        ws.send(JSON.stringify({ type: 'ack', op: 'subscribe', key: `trades:upbit:${symbol}` }));
      });
      ws.on('close', () => subscribers.forEach((set) => set.delete(ws)));
    });
  }
  const before = heapAfterGc();
  send({ type: 'listening', url: `ws://${await listen(server)}/v1/stream` } satisfies FanoutReport);
  process.on('message', (message: { type: string; seconds?: number }) => {
    if (message.type === 'subscribed') send({ type: 'heap', bytes: heapAfterGc() - before } satisfies FanoutReport);
    if (message.type === 'start') start((report) => send(report), message.seconds ?? 5);
  });
}

const [mode, kind = 'gateway'] = process.argv.slice(2);
if (mode === 'http') await runHttp();
else if (mode === 'fanout') await runFanout(kind);
