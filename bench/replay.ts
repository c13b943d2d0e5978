/**
 * Record and replay (`npm run bench -- replay`), per stream kind (Upbit tickers, Upbit trades, Binance
 * diff books):
 *
 * - replay at speed `'max'` (gzip files read, lines parsed, virtual clock, the library's whole pipeline)
 *   in events per second, as a ratio to the live pipeline on the same frames: a backbone whose socket
 *   hands over the same frames in memory, one after another, as fast as the library takes them;
 * - the recorder's overhead on that live stream: process CPU (zlib's threads included, and the files
 *   flushed) with the recorder as the backbone's tap, over the same run without it;
 * - bytes per recorded frame after gzip.
 *
 * The live baseline above is an in-memory socket: no network, no `ws` framing, no per-frame buffers, so
 * it is stricter than a live stream. For the Upbit cases the same frames also come from a `ws` server in
 * another process over loopback (as in `bench -- ws`); replay and the recorder are also printed against
 * that live stream.
 *
 * Rounds alternate live, recorded live and replay; ratios are per round, medians printed with their range.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { MarketDataBackbone, type MarketDataBackboneOptions } from '../src/index.js';
import { createRecorder, openRecording, recordingFiles } from '../src/replay/index.js';
import type { FetchLike } from '../src/transport/http/rest-client.js';
import { nodeWebSocketFactory, type WebSocketFactory, type WebSocketLike } from '../src/transport/ws/websocket-factory.js';
import { makeWorkload } from './binance-depth.js';
import { makeFrames } from './frames.js';
import { startPushProcess } from './push-server.js';
import { collectGarbage, fmt, quantile, ratioRange, report } from './stats.js';

const FRAMES = Math.max(100, Number(process.env['BENCH_FRAMES'] ?? 20_000));
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));

/** One workload: the frames a socket sends after the subscription, the REST body it needs, the stream. */
interface Case {
  readonly name: string;
  /** The same frames from a `ws` server in another process over loopback (`push-server.ts`), when it has them. */
  readonly wire?: 'ticker' | 'trade';
  readonly exchange: 'upbit' | 'binance';
  readonly frames: readonly string[];
  /** Body of every REST reply (Binance's depth snapshot). */
  readonly restBody: string;
  readonly open: (backbone: MarketDataBackbone) => Observable<unknown>;
}

function cases(): Case[] {
  const depth = makeWorkload(7);
  return [
    { name: 'upbit tickers', wire: 'ticker', exchange: 'upbit', frames: makeFrames('ticker', FRAMES).map(String), restBody: '[]', open: (b) => b.streamTicker('KRW-BTC') },
    { name: 'upbit trades', wire: 'trade', exchange: 'upbit', frames: makeFrames('trade', FRAMES).map(String), restBody: '[]', open: (b) => b.streamTrades('KRW-BTC') },
    {
      name: 'binance diff books',
      exchange: 'binance',
      frames: [depth.syncFrame, ...depth.frames.slice(0, FRAMES)],
      restBody: depth.snapshotText,
      open: (b) => b.streamOrderBook('BTCUSDT', { exchange: 'binance', depth: 20 }),
    },
  ];
}

/**
 * A socket that opens on the next turn and answers the first frame the library sends with every frame,
 * in one go; `pushed` is called after the last.
 */
function pushingFactory(frames: readonly string[], pushed: () => void): WebSocketFactory {
  return () => {
    let answered = false;
    const socket: WebSocketLike & { readyState: number } = {
      readyState: 0,
      onopen: null,
      onclose: null,
      onmessage: null,
      onerror: null,
      send: () => {
        if (answered) return;
        answered = true;
        // The first frame alone, then a few turns (a diff book fetches and installs its snapshot), then the rest.
        void (async () => {
          const [first, ...rest] = frames;
          socket.onmessage?.({ data: first });
          for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
          for (const data of rest) socket.onmessage?.({ data });
          pushed();
        })();
      },
      close: () => {
        socket.readyState = 3;
      },
    };
    setImmediate(() => {
      socket.readyState = 1;
      socket.onopen?.({ type: 'open' });
    });
    return socket;
  };
}

const answering = (body: string): FetchLike => () => Promise.resolve({ status: 200, headers: { get: () => null }, text: () => Promise.resolve(body) });

/** No symbol checks (no market list to fetch), no grace period: only the stream's own work is measured. */
const QUIET: MarketDataBackboneOptions = { validateSymbols: false, gracePeriodMs: 0, staleAfterMs: 600_000, socketStaleAfterMs: 600_000, socketProbeAfterMs: 600_000 };

interface Run {
  readonly events: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Runs `work` and meters it: wall and process CPU from the start until it resolves (after a full GC). */
async function metered(work: () => Promise<number>): Promise<Run> {
  // Each run starts on a clean heap: garbage the previous run left is not collected on this one's time.
  collectGarbage();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const events = await work();
  const used = process.cpuUsage(cpu);
  return { events, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Opens the stream and resolves with how many values it gave once the socket's frames are all in and
 * the values stopped (a diff book waits for its snapshot reply, then applies the diffs it kept).
 */
async function live(c: Case, options: MarketDataBackboneOptions): Promise<number> {
  let pushed = false;
  const backbone = new MarketDataBackbone({
    ...QUIET,
    ...options,
    defaultExchange: c.exchange,
    webSocketFactory: pushingFactory(c.frames, () => (pushed = true)),
    fetch: answering(c.restBody),
  });
  let events = 0;
  const subscription = c.open(backbone).subscribe(() => events++);
  for (let before = -1; !pushed || events !== before; ) {
    before = events;
    await new Promise((resolve) => setImmediate(resolve));
  }
  subscription.unsubscribe();
  await backbone.close();
  return events;
}

/**
 * The live pipeline over a real socket: `ws` frames from the push server over loopback (its sending is
 * another process's CPU). Resolves once every frame gave its value.
 */
async function liveOverLoopback(url: string, c: Case, options: MarketDataBackboneOptions): Promise<number> {
  const backbone = new MarketDataBackbone({
    ...QUIET,
    ...options,
    defaultExchange: c.exchange,
    fetch: answering(c.restBody),
    exchanges: { [c.exchange]: { wsUrl: url, webSocketFactory: await nodeWebSocketFactory() } },
  });
  let events = 0;
  await new Promise<void>((resolve) => {
    const subscription = c.open(backbone).subscribe(() => {
      if (++events < c.frames.length) return;
      subscription.unsubscribe();
      resolve();
    });
  });
  await backbone.close();
  return events;
}

async function replay(dir: string, c: Case): Promise<number> {
  const recording = await openRecording(dir);
  const backbone = new MarketDataBackbone({ ...QUIET, defaultExchange: c.exchange, replay: { from: recording, speed: 'max' } });
  let events = 0;
  const subscription = c.open(backbone).subscribe(() => events++);
  await recording.done;
  subscription.unsubscribe();
  await backbone.close();
  return events;
}

/**
 * Prints, per case, replay events/s over live events/s, recorder CPU overhead, and bytes per frame.
 */
export async function benchReplay(): Promise<void> {
  for (const c of cases()) {
    const server = c.wire === undefined ? undefined : await startPushProcess(c.wire, c.frames.length);
    const wireReplayRatios: number[] = [];
    const wireOverheads: number[] = [];
    const replayRatios: number[] = [];
    const replayCpuRatios: number[] = [];
    const overheads: number[] = [];
    let bytesPerFrame = Number.NaN;
    let replayed = 0;
    let liveEvents = 0;
    // Round 0 warms the code paths up and is not counted.
    for (let round = -1; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
      try {
        const plain = await metered(() => live(c, {}));
        // The frames come in one synchronous burst, which a socket never delivers: a buffer that holds
        // all of them keeps the recorder from dropping lines (its default bound is 8 MiB).
        const recorder = await createRecorder({ dir, maxBufferBytes: 256 * 1024 * 1024 });
        const recorded = await metered(async () => {
          const events = await live(c, { tap: recorder });
          await recorder.close();
          return events;
        });
        const played = await metered(() => replay(dir, c));
        if (server !== undefined) {
          const wire = await metered(() => liveOverLoopback(server.url, c, {}));
          const wireDir = mkdtempSync(join(tmpdir(), 'bench-replay-wire-'));
          try {
            const wireRecorder = await createRecorder({ dir: wireDir, maxBufferBytes: 256 * 1024 * 1024 });
            const wireRecorded = await metered(async () => {
              const events = await liveOverLoopback(server.url, c, { tap: wireRecorder });
              await wireRecorder.close();
              return events;
            });
            if (round >= 0) {
              wireReplayRatios.push(played.events / played.cpuMs / (wire.events / wire.cpuMs));
              wireOverheads.push((wireRecorded.cpuMs - wire.cpuMs) / wire.cpuMs);
            }
          } finally {
            rmSync(wireDir, { recursive: true, force: true });
          }
        }
        liveEvents = plain.events;
        replayed = played.events;
        if (round < 0) continue;
        replayRatios.push(played.events / played.wallMs / (plain.events / plain.wallMs));
        replayCpuRatios.push(played.events / played.cpuMs / (plain.events / plain.cpuMs));
        overheads.push((recorded.cpuMs - plain.cpuMs) / plain.cpuMs);
        const bytes = recordingFiles(dir).reduce((sum, file) => sum + statSync(file).size, 0);
        bytesPerFrame = bytes / recorder.stats.frames;
        if (recorder.stats.dropped > 0) throw new Error(`the recorder dropped ${recorder.stats.dropped} lines`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    await server?.close();
    const percent = (values: readonly number[]): string =>
      values.length === 0 ? 'n/a (no loopback server for this case)' : `${fmt(quantile(values, 0.5) * 100, 1)} %   (rounds ${fmt(Math.min(...values) * 100, 1, 0)} - ${fmt(Math.max(...values) * 100, 1, 0)} %)`;
    report(`${c.name}: ${c.frames.length} frames, ${liveEvents} events live, ${replayed} replayed`, [
      ['replay at max / live, events per wall s (target >= 0.9)', ratioRange(replayRatios)],
      ['replay at max / live, events per CPU s', ratioRange(replayCpuRatios)],
      ['recorder CPU overhead on the live stream (target <= 10 %)', percent(overheads)],
      ['over loopback: replay at max / live over a ws socket, events per CPU s', wireReplayRatios.length === 0 ? 'n/a (no loopback server for this case)' : ratioRange(wireReplayRatios)],
      ['over loopback: recorder CPU overhead on the ws stream', percent(wireOverheads)],
      ['bytes per recorded frame after gzip', fmt(bytesPerFrame, 1)],
    ]);
  }
}
