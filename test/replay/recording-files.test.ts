import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataBackbone } from 'market-data-backbone';
import {
  openRecording,
  readRecording,
  recordingFiles,
  RecordingFormatError,
  RecordingWriteError,
  RecordingWriter,
  frameData,
  type ReadRecord,
} from 'market-data-backbone/replay';

const HOUR_12 = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR_13 = Date.UTC(2026, 0, 1, 13, 0, 0);
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mdb-files-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function readAll(from: string, options: Parameters<typeof readRecording>[1] = {}): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  for await (const batch of readRecording(from, options)) records.push(...batch);
  return records;
}

/** Two hours of frames on connection 1: 30 lines in 12:xx, 30 in 13:xx. */
async function writeTwoHours(dir: string): Promise<void> {
  const writer = new RecordingWriter({ dir });
  for (let i = 0; i < 30; i++) writer.write(HOUR_12 + i * 1000, `${HOUR_12 + i * 1000}\tframe\t1\t{"n":${i}}`);
  for (let i = 0; i < 30; i++) writer.write(HOUR_13 + i * 1000, `${HOUR_13 + i * 1000}\tframe\t1\t{"n":${30 + i}}`);
  await writer.close();
}

describe('recording files', () => {
  it('should rotate by the hour and read every line back in order', async () => {
    const dir = tempDir();
    await writeTwoHours(dir);
    const files = recordingFiles(dir);
    expect(files).toHaveLength(2);
    expect(files[0]).toContain('2026-01-01T12');
    expect(files[1]).toContain('2026-01-01T13');
    const frames = (await readAll(dir)).filter((r) => r.kind === 'frame');
    expect(frames.map((r) => JSON.parse(r.payload).n)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('should name the file and the line of a truncated gzip file, and go on with the next file when asked to', async () => {
    const dir = tempDir();
    await writeTwoHours(dir);
    const [first] = recordingFiles(dir);
    if (first === undefined) throw new Error('no file');
    const bytes = readFileSync(first);
    writeFileSync(first, bytes.subarray(0, bytes.length - 12));

    const failure = await readAll(dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecordingFormatError);
    expect((failure as RecordingFormatError).file).toBe(first);
    expect((failure as RecordingFormatError).line).toBeGreaterThan(1);
    expect((failure as RecordingFormatError).message).toContain(first);

    const skipped: RecordingFormatError[] = [];
    const records = await readAll(dir, { skipCorrupt: true, onCorrupt: (error) => skipped.push(error) });
    expect(skipped.map((error) => error.file)).toEqual([first]);
    expect(records.filter((r) => r.kind === 'frame' && JSON.parse(r.payload).n >= 30)).toHaveLength(30);
  });

  it('should name the file and the line of a corrupt line', async () => {
    const dir = tempDir();
    const file = join(dir, '2026-01-01T12-1767268800000-000.ndjson.gz');
    writeFileSync(file, gzipSync(`${HOUR_12}\tmeta\t0\t{"version":1}\n${HOUR_12}\topen\t1\t\nnot a record at all\n`));
    const failure = await readAll(dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecordingFormatError);
    expect(failure).toMatchObject({ file, line: 3 });
  });

  it('should replay what is left around a corrupt file with skipCorrupt, and report it', async () => {
    const dir = tempDir();
    await writeTwoHours(dir);
    const [first] = recordingFiles(dir);
    if (first === undefined) throw new Error('no file');
    writeFileSync(first, gzipSync(`${HOUR_12}\tmeta\t0\t{}\n${HOUR_12}\tbogus\t1\t\n`));
    const recording = await openRecording(dir, { skipCorrupt: true });
    const backbone = new MarketDataBackbone({ replay: { from: recording, speed: 'max' } });
    const summary = await recording.done;
    await backbone.close();
    expect(summary.corrupt.map((error) => [error.file, error.line])).toEqual([[first, 2]]);
    expect(summary.frames).toBe(30);
  });
});

describe('RecordingWriter.writeFrame', () => {
  it('should read every kind of frame back as the socket delivered it, across chunks', async () => {
    const dir = tempDir();
    const writer = new RecordingWriter({ dir });
    const big = `{"n":"${'é'.repeat(70_000)}"}`;
    const frames: (string | Buffer)[] = [
      '{"type":"ticker","code":"KRW-BTC"}',
      Buffer.from('{"ty":"trade","m":"원화"}', 'utf8'),
      'two\nlines\r',
      Buffer.from([0xff, 0x00, 0x0a, 0x80]),
      big,
      ...Array.from({ length: 2_000 }, (_, i) => `{"i":${i}}`),
    ];
    frames.forEach((frame, i) => writer.writeFrame(HOUR_12 + i, 7, frame));
    await writer.close();

    const read = (await readAll(dir)).filter((r) => r.kind.startsWith('frame'));
    expect(read.map((r) => [r.time, r.id])).toEqual(frames.map((_, i) => [HOUR_12 + i, 7]));
    expect(read.map((r) => frameData(r))).toEqual(frames.map((frame) => (Buffer.isBuffer(frame) && frame[0] !== 0xff ? frame.toString('utf8') : frame)));
    expect(read.slice(0, 4).map((r) => r.kind)).toEqual(['frame', 'frame', 'frame-json', 'frame-bin']);
    expect(writer.stats.lines).toBe(frames.length + 1);
  });
});

describe('RecordingWriter on a full disk', () => {
  it('should report the failed file and go on recording in a new one', async () => {
    const dir = tempDir();
    const errors: RecordingWriteError[] = [];
    let opened = 0;
    const fullDisk = (): Writable =>
      new Writable({
        write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })),
      });
    const writer = new RecordingWriter({
      dir,
      openFile: (path) => (opened++ === 0 ? fullDisk() : createWriteStream(path)),
      onError: (error) => errors.push(error),
    });
    writer.write(HOUR_12, `${HOUR_12}\tframe\t1\t{"n":0}`);
    await writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 1; i <= 5; i++) writer.write(HOUR_12 + i, `${HOUR_12 + i}\tframe\t1\t{"n":${i}}`);
    await writer.close();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RecordingWriteError);
    expect(errors[0]?.message).toContain('ENOSPC');
    const [failed, next] = writer.stats.files;
    expect(errors[0]?.file).toBe(failed);
    expect(next).toBeDefined();
    const frames = (await readAll(dir)).filter((r) => r.kind === 'frame');
    expect(frames.map((r) => JSON.parse(r.payload).n)).toEqual([1, 2, 3, 4, 5]);
    expect(writer.stats.dropped).toBeGreaterThanOrEqual(1);
  });

  it('should drop lines past its buffer bound and say so, instead of growing', async () => {
    const dir = tempDir();
    const errors: RecordingWriteError[] = [];
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined });
    const writer = new RecordingWriter({ dir, maxBufferBytes: 256 * 1024, openFile: () => stuck, onError: (error) => errors.push(error) });
    const line = `${HOUR_12}\tframe\t1\t${'x'.repeat(1000)}`;
    for (let i = 0; i < 1000; i++) writer.write(HOUR_12, line);
    expect(writer.stats.dropped).toBeGreaterThan(0);
    expect(errors[0]?.message).toContain('buffer full');
    void writer.close();
  });
});
