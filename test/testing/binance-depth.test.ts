import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/market/manual-clock.js';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/testing/binance/simulator.js';
import { get, T0 } from './helpers.js';
import { BinanceTestClient, obj } from './binance-helpers.js';

interface Diff {
  readonly U: number;
  readonly u: number;
  readonly b: string[][];
  readonly a: string[][];
}

/** A local book kept by the documented procedure (A6 of the protocol reference). */
class LocalBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();
  updateId: number;

  constructor(snapshot: Record<string, unknown>) {
    this.updateId = Number(snapshot['lastUpdateId']);
    for (const [p, q] of snapshot['bids'] as string[][]) this.bids.set(p ?? '', q ?? '');
    for (const [p, q] of snapshot['asks'] as string[][]) this.asks.set(p ?? '', q ?? '');
  }

  /** Applies one diff; returns 'stale', 'gap' or 'applied'. */
  apply(diff: Diff): 'stale' | 'gap' | 'applied' {
    if (diff.u <= this.updateId) return 'stale';
    if (diff.U > this.updateId + 1) return 'gap';
    for (const [side, levels] of [[this.bids, diff.b], [this.asks, diff.a]] as const) {
      for (const [p, q] of levels) {
        if (Number(q) === 0) side.delete(p ?? '');
        else side.set(p ?? '', q ?? '');
      }
    }
    this.updateId = diff.u;
    return 'applied';
  }

  bestBid(): number {
    return Math.max(...[...this.bids.keys()].map(Number));
  }

  bestAsk(): number {
    return Math.min(...[...this.asks.keys()].map(Number));
  }

  /** Sides sorted best first, as REST depth lists them. */
  levels(): { bids: string[][]; asks: string[][] } {
    const sorted = (side: Map<string, string>, sign: number): string[][] => [...side.entries()].sort((x, y) => sign * (Number(x[0]) - Number(y[0])));
    return { bids: sorted(this.bids, -1), asks: sorted(this.asks, 1) };
  }
}

function diffs(frames: readonly unknown[]): Diff[] {
  return frames.map(obj).filter((f) => f['e'] === 'depthUpdate') as unknown as Diff[];
}

describe('Binance simulator depth', () => {
  const clock = new ManualClock(T0);
  let sim: BinanceSimulator;
  let fast: BinanceTestClient;
  let slow: BinanceTestClient;
  let top: BinanceTestClient;

  async function run(steps: number, ms = 100): Promise<void> {
    for (let i = 0; i < steps; i++) {
      clock.advance(ms);
      sim.tick();
    }
    await Promise.all([fast.barrier(), slow.barrier(), top.barrier()]);
  }

  async function snapshot(): Promise<Record<string, unknown>> {
    return obj((await get(sim.url, '/api/v3/depth?symbol=BTCUSDT&limit=5000')).json);
  }

  beforeAll(async () => {
    sim = await startBinanceSimulator({ clock, seed: 5, ws: { pushIntervalMs: 0, maxMessagesPerSecond: 10_000 } });
    const base = sim.url.replace('http', 'ws');
    fast = await BinanceTestClient.open(`${base}/ws/btcusdt@depth@100ms`);
    slow = await BinanceTestClient.open(`${base}/ws/btcusdt@depth`);
    top = await BinanceTestClient.open(`${base}/ws`);
    await top.request('{"method":"SUBSCRIBE","params":["btcusdt@bookTicker","btcusdt@depth5@100ms"],"id":1}');
    top.frames.length = 0;
  });
  afterAll(async () => {
    for (const client of [fast, slow, top]) client.close();
    await sim.close();
  });

  it('should continue the REST snapshot with U == previous u + 1 and replay to the same book', async () => {
    await run(10);
    const first = await snapshot();
    await run(30);
    const books = [fast, slow].map((client) => {
      const events = diffs(client.frames);
      expect(events.length).toBeGreaterThan(client === fast ? 20 : 2);
      events.slice(1).forEach((event, i) => expect(event.U).toBe((events[i]?.u ?? 0) + 1));
      const book = new LocalBook(first);
      const applied = events.map((event) => book.apply(event)).filter((result) => result === 'applied');
      expect(applied.length).toBeGreaterThan(0);
      expect(events.find((event) => event.u > Number(first['lastUpdateId']))?.U).toBeLessThanOrEqual(Number(first['lastUpdateId']) + 1);
      expect(book.bestBid()).toBeLessThan(book.bestAsk());
      return book;
    });
    const [fastBook, slowBook] = books;
    const now = await snapshot();
    expect(fastBook?.updateId).toBe(now['lastUpdateId']);
    expect(fastBook?.levels()).toEqual({ bids: now['bids'], asks: now['asks'] });
    // The 1 s stream merges whole seconds: replaying the 100 ms diffs up to its last u gives its book.
    const replay = new LocalBook(first);
    for (const event of diffs(fast.frames)) if (event.u <= (slowBook?.updateId ?? 0)) replay.apply(event);
    expect(replay.updateId).toBe(slowBook?.updateId);
    expect(slowBook?.levels()).toEqual(replay.levels());
  });

  it('should keep bids below asks after every diff', async () => {
    const book = new LocalBook(await snapshot());
    fast.frames.length = 0;
    await run(20);
    for (const event of diffs(fast.frames)) {
      expect(book.apply(event)).toBe('applied');
      expect(book.bestBid()).toBeLessThan(book.bestAsk());
    }
  });

  it('should agree with bookTicker and partial depth at the same update id', async () => {
    const frames = top.frames.map(obj);
    const lastTop = frames.filter((f) => 'u' in f).at(-1);
    const lastPartial = frames.filter((f) => 'lastUpdateId' in f).at(-1);
    const now = await snapshot();
    const [bestBid, bestAsk] = [(now['bids'] as string[][])[0], (now['asks'] as string[][])[0]];
    expect(lastTop?.['u']).toBeLessThanOrEqual(Number(now['lastUpdateId']));
    expect([lastTop?.['b'], lastTop?.['B'], lastTop?.['a'], lastTop?.['A']]).toEqual([bestBid?.[0], bestBid?.[1], bestAsk?.[0], bestAsk?.[1]]);
    expect(lastPartial).toEqual({ lastUpdateId: now['lastUpdateId'], bids: (now['bids'] as unknown[]).slice(0, 5), asks: (now['asks'] as unknown[]).slice(0, 5) });
  });

  it('should leave a gap after dropNextDepthDiff, and resync from a new snapshot', async () => {
    const book = new LocalBook(await snapshot());
    fast.frames.length = 0;
    sim.dropNextDepthDiff('BTCUSDT');
    await run(5);
    const results = diffs(fast.frames).map((event) => book.apply(event));
    expect(results).toContain('gap');
    const events = diffs(fast.frames);
    const gaps = events.slice(1).filter((event, i) => event.U !== (events[i]?.u ?? 0) + 1);
    expect(gaps.length + (results[0] === 'gap' ? 1 : 0)).toBe(1);
    const fresh = new LocalBook(await snapshot());
    fast.frames.length = 0;
    await run(5);
    for (const event of diffs(fast.frames)) expect(fresh.apply(event)).toBe('applied');
    expect(fresh.levels()).toEqual((({ bids, asks }) => ({ bids, asks }))(await snapshot()));
  });

  it('should produce a legal overlap after overlapNextDepthDiff', async () => {
    const book = new LocalBook(await snapshot());
    fast.frames.length = 0;
    await run(2);
    sim.overlapNextDepthDiff('BTCUSDT');
    await run(3);
    const events = diffs(fast.frames);
    const overlaps = events.slice(1).filter((event, i) => event.U <= (events[i]?.u ?? 0));
    expect(overlaps.length).toBe(1);
    for (const event of events) expect(book.apply(event)).toBe('applied');
    expect(book.levels()).toEqual((({ bids, asks }) => ({ bids, asks }))(await snapshot()));
  });

  it('should stay consistent across a one-hour clock jump', async () => {
    const book = new LocalBook(await snapshot());
    fast.frames.length = 0;
    await run(1, 3_600_000);
    await run(3);
    for (const event of diffs(fast.frames)) expect(book.apply(event)).toBe('applied');
    expect(book.levels()).toEqual((({ bids, asks }) => ({ bids, asks }))(await snapshot()));
  });
});
