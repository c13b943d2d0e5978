import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Big } from 'market-data-backbone';
import { ManualClock, startUpbitSimulator, type UpbitSimulator } from 'market-data-backbone/testing';
import { parseCliTime, renderProgress, runCandlesDownload, toDownloadCommand, type ProgressSink } from '../../src/cli/candles.js';

const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));
const MINUTE = 60_000;
let simulator: UpbitSimulator;
let dir: string;

beforeAll(async () => {
  simulator = await startUpbitSimulator({ clock, limitClock: { now: () => Date.now() } });
  dir = await mkdtemp(join(tmpdir(), 'mdb-candles-'));
});
afterAll(async () => {
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** Collects what a command writes to stderr. */
function sink(isTTY: boolean): ProgressSink & { text: string } {
  const out = { text: '', isTTY, write: (chunk: string) => (out.text += chunk) };
  return out;
}

/** The exact text of every `field` number in a raw simulator reply. */
async function rawNumbers(path: string, field: string): Promise<string[]> {
  const text = await (await fetch(`${simulator.url}${path}`)).text();
  return [...text.matchAll(new RegExp(`"${field}":(-?[0-9.eE+-]+)`, 'g'))].map((m) => m[1] ?? '');
}

describe('mdb candles --out', () => {
  it('should write a CSV with a header, oldest first, with the exact decimals of the replies', async () => {
    const from = Date.UTC(2026, 0, 3, 6);
    const to = from + 400 * MINUTE; // three pages
    const out = join(dir, 'xec.csv');
    const stderr = sink(false);
    const result = await runCandlesDownload({ ...toDownloadCommand(['KRW-XEC', '1m'], { from: '2026-01-03T06:00', to: '2026-01-03T12:40:00Z', out }), restUrl: simulator.url, stderr });

    const expected = simulator.model.candles('KRW-XEC', '1m', from, to);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('open_time,open_time_ms,market,interval,open,high,low,close,base_volume,quote_volume,filled');
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(expected.length);
    expect(result).toEqual({ file: out, format: 'csv', rows: expected.length, pages: 2 });
    expect(rows.map((r) => Number(r[1]))).toEqual(expected.map((k) => k.start));
    expect(rows.map((r) => r[0])).toEqual(expected.map((k) => new Date(k.start).toISOString()));
    // closes and volumes as the server spelled them (the raw reply is newest first)
    const path = `/v1/candles/minutes/1?market=KRW-XEC&to=${new Date(to).toISOString().slice(0, 19)}Z&count=200`;
    const newest = rows.slice(-(await rawNumbers(path, 'trade_price')).length).reverse();
    // (the wire pads prices with zeros, `0.04683000`; the file keeps the value, every significant digit)
    const closes = await rawNumbers(path, 'trade_price');
    const volumes = await rawNumbers(path, 'candle_acc_trade_volume');
    expect(newest).toHaveLength(closes.length);
    newest.forEach((r, i) => {
      expect(new Big(r[7]!).eq(new Big(closes[i]!))).toBe(true);
      expect(new Big(r[8]!).eq(new Big(volumes[i]!))).toBe(true);
    });
    expect(rows.every((r) => r[2] === 'KRW-XEC' && r[3] === '1m' && r[10] === 'false')).toBe(true);
    // not a terminal: plain lines, no carriage returns, ending at 100 %
    expect(stderr.text).not.toContain('\r');
    expect(stderr.text).toMatch(/100\.0%/);
    expect(stderr.text).toContain(`wrote ${expected.length} candles to ${out}`);
  });

  it('should write JSONL with decimal strings and fill quiet periods when asked', async () => {
    const out = join(dir, 'xec.jsonl');
    const stderr = sink(true);
    const from = Date.UTC(2026, 0, 3, 6);
    const to = from + 90 * MINUTE;
    const command = toDownloadCommand(['XEC/KRW', '1m'], { from: new Date(from).toISOString(), to: new Date(to).toISOString(), out, fill: true });
    await runCandlesDownload({ ...command, restUrl: simulator.url, stderr, pageSize: 50 });

    const records = (await readFile(out, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r['openTimeMs'])).toEqual(Array.from({ length: 90 }, (_, i) => from + i * MINUTE));
    const real = simulator.model.candles('KRW-XEC', '1m', from, to);
    expect(records.filter((r) => r['filled'] === false).map((r) => r['openTimeMs'])).toEqual(real.map((k) => k.start));
    expect(records.filter((r) => r['filled'] === true).length).toBe(90 - real.length);
    for (const r of records) {
      for (const field of ['open', 'high', 'low', 'close', 'baseVolume', 'quoteVolume']) expect(typeof r[field]).toBe('string');
    }
    const first = real[0]!;
    const record = records.find((r) => r['openTimeMs'] === first.start)!;
    expect([record['open'], record['close'], record['quoteVolume']]).toEqual([first.open.toFixed(), first.close.toFixed(), first.value.toFixed()]);
    // a terminal: the bar is redrawn in place
    expect(stderr.text.split('\r').length).toBeGreaterThan(2);
  });
});

describe('mdb candles arguments', () => {
  it('should read times as UTC and honour explicit offsets', () => {
    expect(parseCliTime('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
    expect(parseCliTime('2026-01-31T12:30')).toBe(Date.UTC(2026, 0, 31, 12, 30));
    expect(parseCliTime('2026-01-31 12:30:15')).toBe(Date.UTC(2026, 0, 31, 12, 30, 15));
    expect(parseCliTime('2026-01-31T09:00:00+09:00')).toBe(Date.UTC(2026, 0, 31, 0));
    expect(() => parseCliTime('yesterday')).toThrow(RangeError);
  });

  it('should require a known interval and --from, --to and --out', () => {
    expect(() => toDownloadCommand(['KRW-BTC', '2m'], { from: '2026-01-01', to: '2026-01-02', out: 'a.csv' })).toThrow(/interval/);
    expect(() => toDownloadCommand(['KRW-BTC', '1m'], { from: '2026-01-01', out: 'a.csv' })).toThrow(/--to/);
    expect(toDownloadCommand(['KRW-BTC', '1h'], { from: '2026-01-01', to: '2026-01-02', out: 'a.csv' })).toMatchObject({
      symbol: 'KRW-BTC',
      interval: '1h',
      from: Date.UTC(2026, 0, 1),
      to: Date.UTC(2026, 0, 2),
    });
  });

  it('should draw the share of periods covered', () => {
    const line = renderProgress({ type: 'progress', fetched: 90, total: 400, covered: 100, pages: 1, eta: 90_000, elapsedMs: 30_000 }, 8);
    expect(line).toBe('[##------]  25.0%  90 candles · 100/400 periods · 1 pages · ETA 1m30s');
  });
});
