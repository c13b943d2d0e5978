/**
 * `npm run bench -- gateway`: the gateway against baselines measured in the same run.
 *
 * - HTTP: `GET /v1/ticker` answered from the live stream vs a bare `node:http` server answering a
 *   constant JSON of the same size, both loaded by autocannon (target: >= 0.8x the bare req/s).
 * - WebSocket fan-out: 1,000 clients on 10 markets, 1,000 upstream trades a second: frame-to-client
 *   latency p50/p99 (target p99 < 10 ms), lost frames (target 0), heap per client (target < 20 KB),
 *   beside a bare `ws` server sending the same frames to the same subscribers.
 *
 * Servers run in their own process (`gateway-process.ts`); the load generator and clients in this one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import type { FanoutReport } from './gateway-process.js';

const SERVER = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));
const CLIENTS = 1_000;
const MARKETS = 10;
const SECONDS = 6;

function startProcess(args: readonly string[]): ChildProcess {
  return fork(SERVER, [...args], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 50, duration: 5 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function benchHttp(): Promise<void> {
  const child = startProcess(['http']);
  try {
    const [urls] = (await once(child, 'message')) as [{ gateway: string; bare: string; bytes: number }];
    // A warm-up run each (JIT, connection pools), then alternate, twice each, so drift on a shared
    // machine falls on both sides.
    await requestsPerSecond(urls.bare);
    await requestsPerSecond(urls.gateway);
    const bare: number[] = [];
    const gateway: number[] = [];
    for (let round = 0; round < 2; round += 1) {
      bare.push(await requestsPerSecond(urls.bare));
      gateway.push(await requestsPerSecond(urls.gateway));
    }
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    console.log(`HTTP GET /v1/ticker (${urls.bytes} bytes, 50 connections, autocannon 2 x 5 s each)`);
    console.log(`  bare node:http, constant body   ${bare.map((v) => v.toFixed(0)).join(' / ')} req/s`);
    console.log(`  gateway, from the live stream   ${gateway.map((v) => v.toFixed(0)).join(' / ')} req/s`);
    console.log(`  ratio ${(mean(gateway) / mean(bare)).toFixed(2)}x the bare server (target >= 0.8x)`);
  } finally {
    await stop(child);
  }
}

/** What the clients saw: latencies (ms), frames received, lost (gaps in each market's ids). */
interface FanoutResult {
  readonly latencies: Float64Array;
  readonly count: number;
  readonly lost: number;
  readonly received: number;
  readonly heapPerClient: number;
  readonly emitted: number;
  readonly seconds: number;
  /** CPU time of the server process per frame it sent (µs): what the machine's load does not change much. */
  readonly cpuPerFrame: number;
}

const ID = '"id":"';
const TIMESTAMP = '"timestamp":';

async function runFanout(kind: 'gateway' | 'bare'): Promise<FanoutResult> {
  const child = startProcess(['fanout', kind]);
  const messages: FanoutReport[] = [];
  child.on('message', (message: FanoutReport) => messages.push(message));
  const next = async <T extends FanoutReport['type']>(type: T): Promise<Extract<FanoutReport, { type: T }>> => {
    while (!messages.some((m) => m.type === type)) await new Promise((resolve) => setTimeout(resolve, 20));
    return messages.find((m) => m.type === type) as Extract<FanoutReport, { type: T }>;
  };
  const latencies = new Float64Array(CLIENTS * (SECONDS + 2) * (1_000 / MARKETS));
  let count = 0;
  let received = 0;
  let lost = 0;
  const lastIds = new Array<number>(CLIENTS).fill(0);
  const sockets: WebSocket[] = [];
  try {
    const { url } = await next('listening');
    let acked = 0;
    for (let i = 0; i < CLIENTS; i += 1) {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(ws);
      const market = i % MARKETS;
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        const at = text.indexOf(TIMESTAMP);
        if (at < 0) {
          if (text.includes('"ack"')) acked += 1;
          return;
        }
        const sent = Number(text.slice(at + TIMESTAMP.length, text.indexOf(',', at)));
        const idAt = text.indexOf(ID) + ID.length;
        const id = Number(text.slice(idAt, text.indexOf('"', idAt)));
        if (lastIds[i]! > 0 && id !== lastIds[i]! + 1) lost += id - lastIds[i]! - 1;
        lastIds[i] = id;
        received += 1;
        if (count < latencies.length) latencies[count++] = performance.timeOrigin + performance.now() - sent;
      });
      ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', channel: 'trades', exchange: 'upbit', symbol: `KRW-M${market}` })));
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    while (acked < CLIENTS) await new Promise((resolve) => setTimeout(resolve, 20));
    child.send({ type: 'subscribed' });
    const { bytes } = await next('heap');
    child.send({ type: 'start', seconds: SECONDS });
    const done = await next('done');
    // Frames still on their way: wait for each client's last id, then count what never came.
    const deadline = performance.now() + 5_000;
    while (lastIds.some((id, i) => id < done.lastIds[i % MARKETS]!) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    lastIds.forEach((id, i) => (lost += done.lastIds[i % MARKETS]! - id));
    return { latencies: latencies.subarray(0, count), count, lost, received, heapPerClient: bytes / CLIENTS, emitted: done.emitted, seconds: done.seconds, cpuPerFrame: done.cpuMicros / received };
  } finally {
    for (const ws of sockets) ws.terminate();
    await stop(child);
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function benchFanout(): Promise<void> {
  const describe = (name: string, r: FanoutResult): string => {
    const sorted = r.latencies.slice().sort();
    return `  ${name.padEnd(10)} p50 ${percentile(sorted, 0.5).toFixed(2)} ms  p99 ${percentile(sorted, 0.99).toFixed(2)} ms  max ${percentile(sorted, 1).toFixed(1)} ms  frames ${r.received}  lost ${r.lost}  heap/client ${(r.heapPerClient / 1024).toFixed(1)} KB  server CPU ${r.cpuPerFrame.toFixed(2)} µs/frame  (upstream ${(r.emitted / r.seconds).toFixed(0)}/s reached)`;
  };
  const bare = await runFanout('bare');
  const gateway = await runFanout('gateway');
  const p99 = (r: FanoutResult): number => percentile(r.latencies.slice().sort(), 0.99);
  console.log(`WebSocket fan-out: ${CLIENTS} clients on ${MARKETS} markets, 1,000 upstream trades/s for ${SECONDS} s (${(CLIENTS / MARKETS) * 1_000}/s frames out)`);
  console.log(describe('bare ws', bare));
  console.log(describe('gateway', gateway));
  console.log(`  gateway p99 ${(p99(gateway) / p99(bare)).toFixed(2)}x, CPU per frame ${(gateway.cpuPerFrame / bare.cpuPerFrame).toFixed(2)}x the bare ws server's (targets: p99 < 10 ms, 0 lost, < 20 KB a client)`);
  console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores: below 1,000 upstream/s reached, the server process was starved of CPU`);
}

/** Both parts of `npm run bench -- gateway`. */
export async function benchGateway(): Promise<void> {
  await benchHttp();
  await benchFanout();
}
