/**
 * syncOrderBook and OrderBookState against real data and a naive reference book: the Binance GNTBTC
 * capture (with its overlapping diff), a simulated exchange whose stream drops a diff, and a 5,000-level
 * book driven by 100k random level updates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { syncOrderBook } from '../../operators/syncOrderBook.js';
import type { DepthDiff, DepthSnapshot, OrderBookSnapshotEvent, UpdateId } from '../../operators/syncOrderBook.js';
import type { SequenceGapError } from '../../src/errors/index.js';
import { Big, toBig, toIdString, type WireNumber } from '../../src/model/decimal.js';
import type { OrderBookLevel } from '../../src/model/order-book.js';
import { compareDecimals, OrderBookState, type BookSide } from '../../src/model/order-book-state.js';
import { parseJsonExact } from '../../src/transport/json/json.js';
import { fixtureDir } from '../helpers/shared.js';
import { seededRandom as random } from '../helpers/random.js';

type Pair = readonly [string, string];


/** The naive reference: a Map keyed by the canonical price text, sorted with big.js on every read. */
class ReferenceBook {
  readonly bids = new Map<string, Big>();
  readonly asks = new Map<string, Big>();

  set(side: BookSide, price: Big, amount: Big): void {
    if (amount.eq(0)) this[side].delete(price.toString());
    else this[side].set(price.toString(), amount);
  }

  sorted(side: BookSide, depth?: number): string {
    const order = side === 'bids' ? -1 : 1;
    return [...this[side]]
      .map(([price, amount]) => [new Big(price), amount] as const)
      .sort((a, b) => order * a[0].cmp(b[0]))
      .slice(0, depth)
      .map(([price, amount]) => `${price.toString()}:${amount.toString()}`)
      .join(',');
  }
}

const show = (levels: readonly OrderBookLevel[]): string =>
  levels.map((level) => `${level.price.toString()}:${level.amount.toString()}`).join(',');
/** A price on a 0.01 grid from an integer tick, built from digits (`12345` → `"123.45"`). */
const tickPrice = (tick: number): string => `${Math.floor(tick / 100)}.${String(tick % 100).padStart(2, '0')}`;
const level = ([price, amount]: Pair): OrderBookLevel => ({ price: toBig(price), amount: toBig(amount) });

/** A diff/snapshot frame of the GNTBTC capture, as `parseJsonExact` returns it. */
interface CaptureFrame {
  readonly stream: string;
  readonly data: {
    readonly E?: number;
    readonly U?: WireNumber;
    readonly u?: WireNumber;
    readonly b?: readonly Pair[];
    readonly a?: readonly Pair[];
    readonly lastUpdateId?: WireNumber;
    readonly bids?: readonly Pair[];
    readonly asks?: readonly Pair[];
  };
}

describe('syncOrderBook on the Binance GNTBTC capture', () => {
  const frames = parseJsonExact(
    readFileSync(join(fixtureDir('binance'), 'ws_depth_sync_sequence_capture.json'), 'utf8'),
  ) as readonly CaptureFrame[];
  const toDiff = ({ data }: CaptureFrame): DepthDiff => ({
    exchange: 'binance',
    symbol: 'GNT/BTC',
    market: 'GNTBTC',
    timestamp: data.E ?? 0,
    receivedAt: data.E ?? 0,
    firstUpdateId: toIdString(data.U!),
    finalUpdateId: toIdString(data.u!),
    bids: data.b!.map(level),
    asks: data.a!.map(level),
  });
  const diffs = frames.filter((frame) => frame.stream.endsWith('@depth')).map(toDiff);
  const raw = frames.find((frame) => frame.stream.endsWith('@depthSnapshot'))!.data;
  const snapshot: DepthSnapshot = {
    lastUpdateId: toIdString(raw.lastUpdateId!),
    bids: raw.bids!.map(level),
    asks: raw.asks!.map(level),
  };

  it('should drop the stale diff, apply the bridging one and accept the overlapping one', () => {
    expect(diffs.map((diff) => `${diff.firstUpdateId}..${diff.finalUpdateId}`)).toEqual([
      '41603407..41603413',
      '41603414..41603418',
      '41603417..41603419',
    ]);
    const source = new Subject<DepthDiff>();
    const snapshot$ = new Subject<DepthSnapshot>();
    const books: OrderBookSnapshotEvent[] = [];
    const gaps: SequenceGapError[] = [];
    let fetches = 0;
    source
      .pipe(syncOrderBook({ snapshot: () => (fetches++, snapshot$), onGap: (error) => gaps.push(error) }))
      .subscribe((book) => books.push(book));

    source.next(diffs[0]!);
    source.next(diffs[1]!);
    expect(books).toEqual([]);
    snapshot$.next(snapshot);
    source.next(diffs[2]!);

    expect(fetches).toBe(1);
    expect(gaps).toEqual([]);
    expect(books.map((book) => book.updateId)).toEqual(['41603418', '41603419']);
    const last = books[1]!;
    expect(show(last.bids)).toBe(
      '0.00002248:114,0.00002246:375,0.00002245:2673,0.00002244:390,0.00002243:3425',
    );
    // 0.00002257 was never in the book: deleting it is a no-op.
    expect(show(last.asks)).toBe('0.00002253:3945,0.00002256:50641,0.00002258:1777,0.00002262:6080');
    expect(last).toMatchObject({ type: 'orderBook', exchange: 'binance', market: 'GNTBTC', timestamp: 1554076809699 });
    // The first diff (U 41603407, before the snapshot) must not have been applied: 0.00002239 stays out.
    expect(show(books[0]!.bids)).not.toContain('0.00002239');
  });
});

/**
 * A simulated exchange: `count` diffs of 1–3 update ids each (ids start beyond 2^53), with the true
 * book recorded after every diff, so any emitted book can be checked against the truth at its id.
 */
function simulateExchange(count: number, seed: number) {
  const next = random(seed);
  const truth = new ReferenceBook();
  const diffs: DepthDiff[] = [];
  const books = new Map<string, string>();
  let id = 9_007_199_254_740_990n;
  const record = (): void => {
    books.set(String(id), `${truth.sorted('bids')}|${truth.sorted('asks')}`);
  };
  /** The REST snapshot as of update `at`, rebuilt from the recorded book text. */
  const snapshotAt = (at: UpdateId): DepthSnapshot => {
    const [bids = '', asks = ''] = books.get(String(at))!.split('|');
    const parse = (text: string): OrderBookLevel[] =>
      text === '' ? [] : text.split(',').map((pair) => {
        const [price = '', amount = ''] = pair.split(':');
        return level([price, amount]);
      });
    return { lastUpdateId: at, bids: parse(bids), asks: parse(asks) };
  };
  for (let tick = 0; tick < 100; tick++) {
    truth.set('bids', toBig(String(1000 - tick)), toBig('1'));
    truth.set('asks', toBig(String(1001 + tick)), toBig('1'));
  }
  record();
  for (let i = 0; i < count; i++) {
    const first = id + 1n;
    id += BigInt(1 + Math.floor(next() * 3));
    const bids: OrderBookLevel[] = [];
    const asks: OrderBookLevel[] = [];
    for (let n = 0; n < 4; n++) {
      const side: BookSide = next() < 0.5 ? 'bids' : 'asks';
      const offset = Math.floor(next() * 150);
      const price = toBig(side === 'bids' ? `${1000 - offset}.0` : String(1001 + offset));
      const amount = toBig(next() < 0.3 ? '0.000' : (next() * 10).toFixed(3));
      truth.set(side, price, amount);
      (side === 'bids' ? bids : asks).push({ price, amount });
    }
    const at = 1_700_000_000_000 + i;
    diffs.push({ exchange: 'sim', symbol: 'A/B', market: 'AB', timestamp: at, receivedAt: at, firstUpdateId: first, finalUpdateId: id, bids, asks });
    record();
  }
  return { diffs, books, snapshotAt };
}

describe('syncOrderBook on a simulated stream that loses a diff', () => {
  it('should resync from a new snapshot and only ever emit books equal to the exchange state at their id', () => {
    const { diffs, books, snapshotAt } = simulateExchange(2000, 7);
    const dropped = new Set([700, 1500]);
    const source = new Subject<DepthDiff>();
    const requests: Subject<DepthSnapshot>[] = [];
    const emitted: OrderBookSnapshotEvent[] = [];
    const gaps: SequenceGapError[] = [];
    source
      .pipe(syncOrderBook({ snapshot: () => requests[requests.push(new Subject()) - 1]!, onGap: (error) => gaps.push(error) }))
      .subscribe((book) => emitted.push(book));

    let pending: { readonly subject: Subject<DepthSnapshot>; readonly at: number } | undefined;
    let answered = 0;
    diffs.forEach((diff, i) => {
      if (!dropped.has(i)) source.next(diff);
      if (requests.length > answered) {
        pending = { subject: requests[answered]!, at: i };
        answered = requests.length;
      }
      // The REST snapshot lands three diffs later, reflecting the book one diff after the request.
      if (pending !== undefined && i === pending.at + 3) {
        pending.subject.next(snapshotAt(diffs[pending.at + 1]!.finalUpdateId));
        pending = undefined;
      }
    });

    expect(requests).toHaveLength(3);
    expect(gaps.map((gap) => gap.expected)).toEqual([
      String(BigInt(diffs[699]!.finalUpdateId) + 1n),
      String(BigInt(diffs[1499]!.finalUpdateId) + 1n),
    ]);
    expect(gaps.map((gap) => gap.received)).toEqual([String(diffs[701]!.firstUpdateId), String(diffs[1501]!.firstUpdateId)]);
    for (const book of emitted) expect(`${show(book.bids)}|${show(book.asks)}`).toBe(books.get(book.updateId));
    const ids = emitted.map((book) => BigInt(book.updateId));
    expect(ids.every((value, i) => i === 0 || value > ids[i - 1]!)).toBe(true);
    // One book when the first snapshot lands (diff 3), then one per diff (4..1999): 1997 without losses.
    // Each loss silences the dropped diff, the gap diff and the two buffered until the snapshot lands.
    expect(emitted).toHaveLength(1997 - 2 * 4);
    expect(emitted.at(-1)!.updateId).toBe(String(diffs.at(-1)!.finalUpdateId));
  });
});

describe('OrderBookState', () => {
  it('should compare decimals exactly, like big.js, without float rounding', () => {
    const next = random(3);
    const samples = ['0', '-0', '1e-9', '0.1', '0.30000000000000004', '0.3', '100.10', '100.1', '9007199254740993', '9007199254740992'];
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(next() * 1e6)).padStart(4, '0');
      const text = `${next() < 0.2 ? '-' : ''}${digits.slice(0, -3)}.${digits.slice(-3)}${next() < 0.5 ? '00' : ''}`;
      samples.push(text);
    }
    const values = samples.map((text) => new Big(text));
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 7919) % values.length]!;
      expect(compareDecimals(a, b)).toBe(a.cmp(b));
    }
    // Coefficients with trailing zeros (big.js arithmetic may leave them) still compare by value.
    const padded = new Big('1.5');
    padded.c = [1, 5, 0, 0];
    expect(compareDecimals(padded, new Big('1.5'))).toBe(0);
    expect(compareDecimals(new Big('1.5'), padded)).toBe(0);
    expect(compareDecimals(new Big('9007199254740993'), new Big('9007199254740992'))).toBe(1);
  });

  it('should keep one level per price value, delete on zero, and ignore deletes of absent levels', () => {
    const book = new OrderBookState({
      bids: [level(['99', '1']), level(['100.10', '2']), level(['98', '0']), level(['99.0', '3'])],
      asks: [level(['102', '1']), level(['101', '1'])],
    });
    expect(show(book.bids())).toBe('100.1:2,99:3');
    expect(show(book.asks())).toBe('101:1,102:1');
    const before = book.bids();
    book.apply('bids', toBig('100.1'), toBig('5'));
    book.apply('bids', toBig('100.100'), toBig('6'));
    book.apply('bids', toBig('97'), toBig('0'));
    book.apply('asks', toBig('101.00'), toBig('0.00000000'));
    book.applyLevels([level(['100.05', '1'])], [level(['103', '4'])]);
    expect(show(book.bids())).toBe('100.1:6,100.05:1,99:3');
    expect(show(book.asks(1))).toBe('102:1');
    expect(show(book.asks(0))).toBe('');
    expect(book.bidCount).toBe(3);
    expect(book.askCount).toBe(2);
    expect(book.amountAt('bids', toBig('100.10'))?.toString()).toBe('6');
    expect(book.amountAt('asks', toBig('101'))).toBeUndefined();
    expect(show(before)).toBe('100.1:2,99:3');
    book.clear();
    expect(book.bidCount + book.askCount).toBe(0);
  });

  it('should stay equal to the naive reference over 100k random updates on a 5,000-level book', () => {
    const next = random(11);
    const reference = new ReferenceBook();
    const bids: OrderBookLevel[] = [];
    const asks: OrderBookLevel[] = [];
    for (let tick = 0; tick < 5000; tick++) {
      bids.push(level([tickPrice(9999 - tick), '1']));
      asks.push(level([tickPrice(10000 + tick), '1']));
    }
    for (const item of bids) reference.set('bids', item.price, item.amount);
    for (const item of asks) reference.set('asks', item.price, item.amount);
    // The same updates go to a bare OrderBookState (level by level) and through the operator (top 25).
    const state = new OrderBookState({ bids, asks });
    const source = new Subject<DepthDiff>();
    let latest: OrderBookSnapshotEvent | undefined;
    source.pipe(syncOrderBook({ snapshot: () => [{ lastUpdateId: 0n, bids, asks }], depth: 25 })).subscribe((book) => (latest = book));
    // An empty diff at id 0 starts the sync; the snapshot (id 0) makes it stale, so it is dropped.
    source.next({ exchange: 'sim', symbol: 'A/B', market: 'AB', timestamp: 0, receivedAt: 0, firstUpdateId: 0n, finalUpdateId: 0n, bids: [], asks: [] });
    expect(latest).toBeUndefined();

    let checked = 0;
    // 10,000 diffs of 10 levels each; prices written with varying trailing zeros ("99.5", "99.50", "99.500").
    for (let i = 1; i <= 10_000; i++) {
      const diff = { bids: [] as OrderBookLevel[], asks: [] as OrderBookLevel[] };
      for (let n = 0; n < 10; n++) {
        const side: BookSide = next() < 0.5 ? 'bids' : 'asks';
        const tick = side === 'bids' ? 4500 + Math.floor(next() * 5500) : 10000 + Math.floor(next() * 5500);
        const price = toBig(`${tickPrice(tick)}${'0'.repeat(Math.floor(next() * 3))}`);
        const amount = toBig(next() < 0.1 ? '0.00000000' : (next() * 5).toFixed(8));
        reference.set(side, price, amount);
        state.apply(side, price, amount);
        diff[side].push({ price, amount });
      }
      source.next({ exchange: 'sim', symbol: 'A/B', market: 'AB', timestamp: i, receivedAt: i, firstUpdateId: BigInt(i), finalUpdateId: BigInt(i), ...diff });
      if (i % 1000 === 0) {
        expect(latest?.updateId).toBe(String(i));
        expect(show(state.bids())).toBe(reference.sorted('bids'));
        expect(show(state.asks())).toBe(reference.sorted('asks'));
        expect(show(latest!.bids)).toBe(reference.sorted('bids', 25));
        expect(show(latest!.asks)).toBe(reference.sorted('asks', 25));
        for (let probe = 0; probe < 50; probe++) {
          const price = toBig(tickPrice(4500 + Math.floor(next() * 11000)));
          for (const side of ['bids', 'asks'] as const) {
            expect(state.amountAt(side, price)?.toString()).toBe(reference[side].get(price.toString())?.toString());
          }
        }
        checked++;
      }
    }
    expect(checked).toBe(10);
    expect(state.bidCount).toBe(reference.bids.size);
    expect(state.bidCount).toBeGreaterThan(4500);
    expect(state.askCount).toBeGreaterThan(4500);
  });
});
