/**
 * `npm run bench -- analytics`: `computeBookMetrics` (bands 10, 50, 100 bps, top 10 levels) on one book, as a
 * ratio to decoding that book's frame with the library's decoder, both measured in the same run, in
 * alternating rounds (target: metrics <= 0.25x the decode).
 *
 * - 30 levels: Upbit's DEFAULT orderbook frame (`ws_orderbook_default.json`, 30 units, compact as sent),
 *   decoded by `decodeUpbitFrame`, the stream's decoder.
 * - 1,000 levels: a Binance `GET /api/v3/depth?limit=1000` body (8-decimal strings, consecutive 0.01 ticks
 *   around 97,123.45, so every band holds all 1,000 levels of a side: the most work the metrics can have),
 *   decoded as the client does, `parseJsonExact` then `parseOrderBooks`.
 */
import { readFileSync } from 'node:fs';
import { parseOrderBooks } from '../src/exchanges/binance/mapper.js';
import { decodeUpbitFrame } from '../src/exchanges/upbit/ws-decode.js';
import { computeBookMetrics, planBookMetrics } from '../src/model/book-metrics.js';
import type { OrderBook } from '../src/model/order-book.js';
import { parseJsonExact } from '../src/transport/json/json.js';
import { compactJson } from '../test/helpers/compact-json.js';
import { seededRandom } from '../test/helpers/random.js';
import { collectGarbage, fmt, quantile, ratioRange, report } from './stats.js';

const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 7));
const RECEIVED_AT = 1_767_225_600_000;

/** One case: a frame, how the library decodes it into a book, and how many times a round repeats each step. */
interface Case {
  readonly title: string;
  readonly frame: string;
  readonly decode: (frame: string) => OrderBook;
  readonly repeat: number;
}

function upbitCase(): Case {
  const list = compactJson(readFileSync(new URL('../../shared/fixtures/upbit/ws_orderbook_default.json', import.meta.url), 'utf8'));
  // The list's first record, spelled as sent (`109950000.0`): its `}` at depth 0 closes it.
  let depth = 0;
  const end = [...list].findIndex((c, i) => i > 0 && (depth += c === '{' ? 1 : c === '}' ? -1 : 0) === 0 && c === '}');
  const frame = list.slice(1, end + 1);
  const decode = (text: string): OrderBook => {
    const message = decodeUpbitFrame(text, RECEIVED_AT);
    const event = message.kind === 'events' ? message.events[0] : undefined;
    if (event?.type !== 'orderBook') throw new Error(`bench frame decoded to ${message.kind}`);
    return event;
  };
  return { title: 'Upbit orderbook frame, 30 levels (decodeUpbitFrame)', frame, decode, repeat: 4_000 };
}

function binanceCase(): Case {
  const next = seededRandom(13);
  const mid = 9_712_345; // ticks of 0.01
  const price = (tick: number): string => `${Math.floor(tick / 100)}.${String(tick % 100).padStart(2, '0')}000000`;
  const side = (sign: number): [string, string][] =>
    Array.from({ length: 1_000 }, (_, i) => [price(sign < 0 ? mid - 1 - i : mid + i), (0.00001 + next() * 3).toFixed(8)]);
  const frame = JSON.stringify({ lastUpdateId: 71_234_567_890, bids: side(-1), asks: side(1) });
  const decode = (text: string): OrderBook => parseOrderBooks(parseJsonExact(text), { receivedAt: RECEIVED_AT, market: 'BTCUSDT' })[0]!;
  return { title: 'Binance depth reply, 1,000 levels (parseJsonExact + parseOrderBooks)', frame, decode, repeat: 60 };
}

/** Microseconds per call of `work`, run `repeat` times. */
function time(repeat: number, work: () => unknown): number {
  let sink: unknown;
  const start = performance.now();
  for (let i = 0; i < repeat; i++) sink = work();
  const elapsed = performance.now() - start;
  if (sink === undefined) throw new Error('bench: no result');
  return (elapsed * 1_000) / repeat;
}

function runCase({ title, frame, decode, repeat }: Case): void {
  const plan = planBookMetrics({ bands: [10, 50, 100], levels: 10 });
  const book = decode(frame);
  const metrics = computeBookMetrics(book, plan);
  if (metrics.kind !== 'ok') throw new Error(`bench book is ${metrics.kind}`);
  const [decodeUs, metricsUs, ratios]: [number[], number[], number[]] = [[], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    // A full collection leaves the book in the old generation, as a live book is, but also shrinks the young
    // generation: the first thousand calls after it then run up to 5x slower while it grows back (measured on
    // the 30-level book: 75-130 µs, then 16-30 µs). A live process is past that, so each step gets an untimed
    // batch after the collection.
    collectGarbage();
    time(repeat, () => decode(frame));
    const d = time(repeat, () => decode(frame));
    collectGarbage();
    time(repeat, () => computeBookMetrics(book, plan));
    const m = time(repeat, () => computeBookMetrics(book, plan));
    decodeUs.push(d);
    metricsUs.push(m);
    ratios.push(m / d);
  }
  const levels = `${book.bids.length} + ${book.asks.length} levels, ${metrics.bands.map((b) => `${b.bps} bps: ${b.bidLevels}/${b.askLevels}`).join(', ')}`;
  report(title, [
    ['book', levels],
    ['frame', `${frame.length.toLocaleString('en-US')} chars`],
    ['decode (µs per frame, median)', fmt(quantile(decodeUs, 0.5))],
    ['computeBookMetrics (µs per book, median)', fmt(quantile(metricsUs, 0.5))],
    ['metrics / decode', `${ratioRange(ratios)}   target <= 0.25`],
  ]);
}

/** Runs both cases; prints per-book times and the ratio to the decode of the same book's frame. */
export async function benchAnalytics(): Promise<void> {
  console.log(`${ROUNDS} alternating rounds (BENCH_ROUNDS), median and range of per-round ratios`);
  for (const make of [upbitCase, binanceCase]) runCase(make());
  await Promise.resolve();
}
