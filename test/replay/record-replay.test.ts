import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataBackbone } from 'market-data-backbone';
import { createRecorder, openRecording, type ReplaySummary } from 'market-data-backbone/replay';
import { recordLive, TIMINGS, watch, type Seen } from './live-session.js';

const MINUTE = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'mdb-record-'));
let live: { seen: Seen; restValues: number };

async function replay(speed: number | 'max', pacer?: { now(): number; sleep(ms: number): Promise<void> }): Promise<{ seen: Seen; summary: ReplaySummary }> {
  const recording = await openRecording(dir, { pacer });
  const backbone = new MarketDataBackbone({ ...TIMINGS, replay: { from: recording, speed } });
  const { seen, subscription } = watch(backbone);
  const summary = await recording.done;
  subscription.unsubscribe();
  await backbone.close();
  return { seen, summary };
}

describe('record and replay', () => {
  beforeAll(async () => {
    const recorder = await createRecorder({ dir });
    live = await recordLive(recorder, MINUTE, { from: 20_000, to: 35_000 });
    await recorder.close();
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should record a minute of three exchanges with an outage that the streams bridged over REST', () => {
    expect(live.restValues).toBeGreaterThan(0);
    for (const [key, values] of Object.entries(live.seen)) expect(values.length, key).toBeGreaterThan(2);
  });

  it('should replay every event seen live, equal and in order, at speed max', async () => {
    const { seen, summary } = await replay('max');
    expect(summary.unmatched).toBe(0);
    for (const key of Object.keys(live.seen)) expect(seen[key], key).toEqual(live.seen[key]);
  }, 60_000);

  it('should take a hundredth of the recorded time at speed 100, on the pacing clock, with the same events', async () => {
    let wall = 0;
    const pacer = { now: () => wall, sleep: async (ms: number) => void (wall += ms) };
    const { seen, summary } = await replay(100, pacer);
    expect(summary.to - summary.from).toBe(MINUTE);
    expect(summary.wallMs).toBeGreaterThan(MINUTE / 100 - 1);
    expect(summary.wallMs).toBeLessThan(MINUTE / 100 + 1);
    for (const key of Object.keys(live.seen)) expect(seen[key], key).toEqual(live.seen[key]);
  }, 60_000);
});
