/**
 * Binance diff depth: combined-stream `depthUpdate` frames (text, as the socket delivers them) applied to a
 * book of 5,000 levels a side, through the library path `decodeBinanceFrame` → `syncOrderBook({ depth: 20 })`,
 * against `JSON.parse` of the same frames (the floor of any client) measured in the same run. Also times
 * the steps on their own (exact parse, decode, book work) so the ratio can be read as a breakdown.
 *
 * The workload is generated from a seed: a REST snapshot body and frames with consecutive `U`/`u`, about
 * ten level changes each (one in ten a deletion, `"0.00000000"`), prices and amounts as 8-decimal strings,
 * and a mid price that drifts (its move deletes the level it crosses, so the book never crosses). The
 * generator keeps its own book in Maps keyed by integer ticks; at the end the library's book must equal it.
 *
 * The heap is collected after each case is set up and before it is timed, so the book under test sits in
 * the old generation, as a live book does after its first few collections. That state matters: measured
 * on a 5,000-level side, `OrderBookState`'s array shifts cost about twice as much on an old-generation
 * array as on a freshly allocated one, so a book built and timed without a collection reads too fast.
 */
import { Subject } from 'rxjs';
import { syncOrderBook } from '../operators/syncOrderBook.js';
import type { DepthSnapshot, OrderBookSnapshotEvent } from '../operators/syncOrderBook.js';
import { parseDepthSnapshot } from '../src/exchanges/binance/mapper.js';
import { decodeBinanceFrame } from '../src/exchanges/binance/ws-decode.js';
import type { DepthDiffEvent } from '../src/model/market-event.js';
import type { OrderBookLevel } from '../src/model/order-book.js';
import { OrderBookState } from '../src/model/order-book-state.js';
import { parseJsonExact } from '../src/transport/json/json.js';
import { seededRandom } from '../test/helpers/random.js';
import { collectGarbage, fmt, quantile, report } from './stats.js';

const LEVELS = 5000;
/** Timed frames; one more frame, sent first and untimed, makes `syncOrderBook` install the snapshot. */
const FRAMES = 20_000;
const PER_DIFF = 10;
const TOP = 20;
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 7));
const STREAM = 'btcusdt@depth@100ms';
const MARKET = 'BTCUSDT';
const FIRST_UPDATE_ID = 71_234_567_890;
/** Ticks of 0.01: 97,123.45. */
const START_MID = 9_712_345;
const ZERO = '0.00000000';

/** The generator's own book: integer tick → amount text, per side. */
export interface ReferenceBook {
  readonly bids: Map<number, string>;
  readonly asks: Map<number, string>;
}

export interface Workload {
  /** A `GET /api/v3/depth?limit=5000` body. */
  readonly snapshotText: string;
  /** The untimed first frame (it triggers the snapshot install), then the timed ones. */
  readonly syncFrame: string;
  readonly frames: readonly string[];
  /** Level changes in `frames`. */
  readonly levelUpdates: number;
  readonly finalUpdateId: string;
  /** The book after every frame, kept by the generator. */
  readonly reference: ReferenceBook;
}

const priceText = (tick: number): string => `${Math.floor(tick / 100)}.${String(tick % 100).padStart(2, '0')}000000`;

/** The snapshot body, the frames and the book they should produce, all from `seed`. */
export function makeWorkload(seed: number): Workload {
  const next = seededRandom(seed);
  const amountText = (): string => (0.00001 + next() * 3).toFixed(8);
  const reference: ReferenceBook = { bids: new Map(), asks: new Map() };
  let mid = START_MID; // bids rest below `mid`, asks at `mid` and above
  for (let depth = 0; depth < LEVELS; depth++) {
    reference.bids.set(mid - 1 - depth, amountText());
    reference.asks.set(mid + depth, amountText());
  }
  const restSide = (side: Map<number, string>): [string, string][] => [...side].map(([tick, amount]) => [priceText(tick), amount]);
  // The snapshot falls inside the first frame's range (`U <= lastUpdateId < u`), as the sync procedure needs.
  const lastUpdateId = FIRST_UPDATE_ID;
  const snapshotText = JSON.stringify({ lastUpdateId, bids: restSide(reference.bids), asks: restSide(reference.asks) });

  let updateId = FIRST_UPDATE_ID - 1;
  let eventTime = 1_767_225_600_000;
  let levelUpdates = 0;
  const frames: string[] = [];
  for (let i = 0; i <= FRAMES; i++) {
    const b: [string, string][] = [];
    const a: [string, string][] = [];
    const set = (bid: boolean, tick: number, amount: string): void => {
      const side = bid ? reference.bids : reference.asks;
      if (amount === ZERO) side.delete(tick);
      else side.set(tick, amount);
      (bid ? b : a).push([priceText(tick), amount]);
    };
    const move = next();
    if (move < 0.05) {
      // The best ask is taken out and the mid moves up a tick (or down, symmetrically).
      if (reference.asks.has(mid)) set(false, mid, ZERO);
      mid += 1;
    } else if (move < 0.1) {
      if (reference.bids.has(mid - 1)) set(true, mid - 1, ZERO);
      mid -= 1;
    }
    while (b.length + a.length < PER_DIFF) {
      const bid = next() < 0.5;
      // Changes cluster near the top, as on a live book; a few land beyond the snapshot's depth.
      const depth = Math.floor(next() ** 2 * LEVELS * 1.05);
      set(bid, bid ? mid - 1 - depth : mid + depth, next() < 0.1 ? ZERO : amountText());
    }
    const first = updateId + 1;
    updateId = first + (i === 0 ? 1 : 0) + Math.floor(next() * 4);
    eventTime += 100;
    const data = { e: 'depthUpdate', E: eventTime, s: MARKET, U: first, u: updateId, b, a };
    frames.push(JSON.stringify({ stream: STREAM, data }));
    if (i > 0) levelUpdates += b.length + a.length;
  }
  const [syncFrame, ...timed] = frames;
  return { snapshotText, syncFrame: syncFrame!, frames: timed, levelUpdates, finalUpdateId: String(updateId), reference };
}

/** Decodes frames and hands their depth diffs to `sink`, as the stream does with a socket's messages. */
function feed(frames: readonly string[], sink: (diff: DepthDiffEvent) => void): void {
  for (const text of frames) {
    const message = decodeBinanceFrame(text, Date.now());
    if (message.kind !== 'events') throw new Error(`Benchmark frame decoded to ${message.kind}`);
    for (const event of message.events) if (event.type === 'depthDiff') sink(event);
  }
}

/** The library path, synced on the first frame (untimed); `run` feeds the timed frames. */
function startLibraryPath(work: Workload, snapshot: DepthSnapshot, onBook: (book: OrderBookSnapshotEvent) => void): { run(): void; stop(): void } {
  const source = new Subject<DepthDiffEvent>();
  let failure: unknown;
  const subscription = source.pipe(syncOrderBook({ snapshot: () => [snapshot], depth: TOP })).subscribe({
    next: onBook,
    error: (error: unknown) => {
      failure ??= error;
    },
  });
  const push = (diff: DepthDiffEvent): void => source.next(diff);
  const check = (): void => {
    if (failure !== undefined) throw failure;
  };
  feed([work.syncFrame], push);
  check();
  return {
    run: () => {
      feed(work.frames, push);
      check();
    },
    stop: () => subscription.unsubscribe(),
  };
}

/**
 * Wall time in seconds of each case in each of `ROUNDS` rounds after a warm-up round. Every round runs
 * every case once, back to back, so a ratio of two cases in one round compares them under the same load
 * from other processes. `prepare` builds a fresh run, untimed; a full collection follows it (see the file comment).
 */
function measureAll<K extends string>(cases: Record<K, () => () => void>): Record<K, number[]> {
  // BENCH_CASES=library,jsonParse runs only those cases (e.g. under `node --cpu-prof`); the others read NaN.
  const only = process.env['BENCH_CASES']?.split(',');
  const names = (Object.keys(cases) as K[]).filter((name) => only === undefined || only.includes(name));
  const times = Object.fromEntries((Object.keys(cases) as K[]).map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= ROUNDS; round++) {
    for (const name of names) {
      const run = cases[name]();
      collectGarbage();
      const started = performance.now();
      run();
      const elapsed = performance.now() - started;
      if (round > 0) times[name].push(elapsed / 1000);
    }
  }
  return times;
}

/** Why `bids`/`asks` are not a consistent book (checked with big.js, not the book's own comparison), or `undefined`. */
function inconsistency(bids: readonly OrderBookLevel[], asks: readonly OrderBookLevel[]): string | undefined {
  for (let i = 1; i < bids.length; i++) if (!bids[i - 1]!.price.gt(bids[i]!.price)) return `bids not strictly descending at ${i}`;
  for (let i = 1; i < asks.length; i++) if (!asks[i - 1]!.price.lt(asks[i]!.price)) return `asks not strictly ascending at ${i}`;
  for (const level of [...bids, ...asks]) if (!level.amount.gt(0)) return `level ${level.price.toFixed()} has amount ${level.amount.toFixed()}`;
  const [bestBid] = bids;
  const [bestAsk] = asks;
  if (bestBid === undefined || bestAsk === undefined) return 'a side is empty';
  if (!bestBid.price.lt(bestAsk.price)) return `crossed: best bid ${bestBid.price.toFixed()} >= best ask ${bestAsk.price.toFixed()}`;
  return undefined;
}

/** Where `levels` (best-first) differ from the generator's side, over its best `depth` levels (all when omitted). */
function mismatch(levels: readonly OrderBookLevel[], side: Map<number, string>, bid: boolean, depth?: number): string | undefined {
  const ticks = [...side.keys()].sort((x, y) => (bid ? y - x : x - y)).slice(0, depth);
  if (levels.length !== ticks.length) return `${levels.length} levels, expected ${ticks.length}`;
  for (let i = 0; i < ticks.length; i++) {
    const tick = ticks[i]!;
    const level = levels[i]!;
    if (level.price.toFixed(8) !== priceText(tick) || level.amount.toFixed(8) !== side.get(tick)) {
      return `level ${i} is ${level.price.toFixed(8)} x ${level.amount.toFixed(8)}, expected ${priceText(tick)} x ${side.get(tick)}`;
    }
  }
  return undefined;
}

/** Prints diffs/s and level updates/s of the library path, its steps, and JSON.parse of the same frames. */
export async function benchBinanceDepth(): Promise<void> {
  const work = makeWorkload(7);
  const diffs = work.frames.length;
  const bytes = work.frames.reduce((sum, text) => sum + text.length, 0);
  let sink = 0;

  const snapshot = parseDepthSnapshot(parseJsonExact(work.snapshotText));
  // Decoded per round and dropped after it, so the other cases run on a heap that holds only the frames.
  const decodeAll = (): DepthDiffEvent[] => {
    const decoded: DepthDiffEvent[] = [];
    feed([work.syncFrame, ...work.frames], (diff) => decoded.push(diff));
    return decoded;
  };

  const seconds = measureAll({
    snapshot: () => () => {
      sink += parseDepthSnapshot(parseJsonExact(work.snapshotText)).bids.length;
    },
    jsonParse: () => () => {
      for (const text of work.frames) sink += (JSON.parse(text) as { data: { u: number } }).data.u;
    },
    exactParse: () => () => {
      for (const text of work.frames) sink += parseJsonExact(text) === null ? 0 : 1;
    },
    decodeOnly: () => () => {
      const now = Date.now();
      for (const text of work.frames) sink += decodeBinanceFrame(text, now).kind.length;
    },
    bookOnly: () => {
      const [syncDiff, ...timedDiffs] = decodeAll();
      const book = new OrderBookState(snapshot);
      book.applyLevels(syncDiff!.bids, syncDiff!.asks);
      return () => {
        for (const diff of timedDiffs) {
          book.applyLevels(diff.bids, diff.asks);
          sink += book.bids(TOP).length + book.asks(TOP).length;
        }
      };
    },
    library: () => {
      const path = startLibraryPath(work, snapshot, (book) => {
        sink += book.bids.length;
      });
      return () => {
        path.run();
        path.stop();
      };
    },
  });
  const median = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : quantile(values, 0.5));
  const { jsonParse, exactParse, decodeOnly, bookOnly, library } = seconds;
  // Per-round throughput ratios: each compares two runs of the same round.
  const ratios = (baseline: readonly number[]): number[] => library.map((time, round) => baseline[round]! / time);
  const range = (values: readonly number[]): string => `${fmt(quantile(values, 0.5), 3)} x   (rounds ${fmt(Math.min(...values), 3, 0)} - ${fmt(Math.max(...values), 3, 0)})`;

  const row = (times: readonly number[]): string => {
    const time = median(times);
    return `${fmt(diffs / time / 1e3, 1, 8)} k diffs/s ${fmt(work.levelUpdates / time / 1e6, 2, 7)} M level updates/s ${fmt((time / diffs) * 1e6, 2, 7)} µs/diff`;
  };
  report(`Binance diff depth: ${diffs} combined frames (${fmt(bytes / diffs, 0, 0)} B avg, ${fmt(work.levelUpdates / diffs, 1, 0)} levels each) on ${LEVELS} levels a side, median of ${ROUNDS} alternating rounds`, [
    ['JSON.parse only (baseline)', row(jsonParse)],
    ['parseJsonExact only', row(exactParse)],
    ['decodeBinanceFrame → DepthDiffEvent only', row(decodeOnly)],
    [`OrderBookState apply + top ${TOP} read (pre-decoded)`, row(bookOnly)],
    [`library: decodeBinanceFrame → syncOrderBook(depth ${TOP})`, row(library)],
    ['  ratio library / JSON.parse, throughput (target >= 0.25)', range(ratios(jsonParse))],
    ['  ratio library / decode only', range(ratios(decodeOnly))],
    [`REST snapshot parse (${LEVELS} levels a side)`, `${fmt(median(seconds.snapshot) * 1e3, 2)} ms`],
  ]);

  // Untimed verification pass: every emitted book, and the last one against the generator's book.
  let emitted = 0;
  let firstProblem: string | undefined;
  let last: OrderBookSnapshotEvent | undefined;
  const path = startLibraryPath(work, snapshot, (book) => {
    emitted++;
    last = book;
    firstProblem ??= inconsistency(book.bids, book.asks);
  });
  emitted = 0;
  path.run();
  path.stop();
  const full = new OrderBookState(snapshot);
  for (const diff of decodeAll()) full.applyLevels(diff.bids, diff.asks);
  const final = last === undefined ? 'no book emitted' : inconsistency(last.bids, last.asks);
  const checks: [string, string | undefined][] = [
    [`one book emitted per diff (${diffs})`, emitted === diffs ? undefined : `${emitted} books`],
    ['every emitted book consistent', firstProblem],
    ['final book: bids strictly descending, asks ascending, best bid < best ask', final],
    [`final book updateId = last u (${work.finalUpdateId})`, last?.updateId === work.finalUpdateId ? undefined : `updateId ${last?.updateId}`],
    [`final top ${TOP} bids = generator's book`, last === undefined ? 'no book emitted' : mismatch(last.bids, work.reference.bids, true, TOP)],
    [`final top ${TOP} asks = generator's book`, last === undefined ? 'no book emitted' : mismatch(last.asks, work.reference.asks, false, TOP)],
    ['OrderBookState full book = generator\'s book (bids)', mismatch(full.bids(), work.reference.bids, true)],
    ['OrderBookState full book = generator\'s book (asks)', mismatch(full.asks(), work.reference.asks, false)],
  ];
  const bestBid = last?.bids[0]?.price.toFixed(2) ?? '-';
  const bestAsk = last?.asks[0]?.price.toFixed(2) ?? '-';
  report(`Consistency (final book ${full.bidCount} bids / ${full.askCount} asks, best ${bestBid} / ${bestAsk})`, checks.map(([label, problem]) => [label, problem === undefined ? 'ok' : `FAILED: ${problem}`]));
  if (checks.some(([, problem]) => problem !== undefined)) process.exitCode = 1;
  if (sink === -1) console.log(sink);
}
