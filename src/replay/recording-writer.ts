/**
 * Writes recording lines into gzip files (`node:zlib`, streamed), one file per hour of the recording
 * clock, holding at most `maxBufferBytes` in memory. A file that fails (disk full) is reported and
 * dropped; the next line opens a new file, so recording goes on.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { RecordingWriteError } from '../errors/index.js';
import { isUtf8 } from 'node:buffer';
import { formatFrame, formatRecord } from './record-format.js';

/** Options of a {@link RecordingWriter}. */
export interface RecordingWriterOptions {
  /** Folder of the files (created when missing). */
  readonly dir: string;
  /**
   * Most bytes held in memory (lines not yet compressed plus compressed bytes not yet on disk); lines
   * past it are dropped and counted. @default 8 MiB
   */
  readonly maxBufferBytes?: number | undefined;
  /**
   * gzip level, 1 (fastest) to 9 (smallest). The default keeps the recorder's CPU small beside the
   * stream it records; level 6 saves about a fifth of the bytes for several times the CPU.
   * @default 1
   */
  readonly level?: number | undefined;
  /** Opens a file for writing (tests pass a full disk). @default fs.createWriteStream */
  readonly openFile?: ((path: string) => Writable) | undefined;
  /** What the recording holds (exchange, channels, symbols), written in each file's first line. @default {} */
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
  /** Told of every failed file and of dropped lines. @default nothing */
  readonly onError?: ((error: RecordingWriteError) => void) | undefined;
}

/** What a {@link RecordingWriter} did. */
export interface RecordingWriterStats {
  /** Lines handed to gzip. */
  readonly lines: number;
  /** Lines dropped: buffer full, or lost with a failed file. */
  readonly dropped: number;
  /** Files opened, in order. */
  readonly files: readonly string[];
  /** Uncompressed bytes handed to gzip. */
  readonly bytesIn: number;
}

const HOUR_MS = 3_600_000;

/**
 * Lines are written as bytes into a chunk of this size, and each full chunk is one gzip write: per
 * frame the recorder only copies the frame's bytes (no string building, no escaping, no per-line
 * stream call), and zlib compresses large blocks on its thread.
 */
const CHUNK_BYTES = 256 * 1024;
/** Chunks kept for reuse (a burst may leave more with gzip; those are garbage once read). */
const SPARE_CHUNKS = 8;
/** And at most this long, so a quiet recording still reaches the disk. */
const CHUNK_DELAY_MS = 250;
const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const DIGIT_0 = 48;
/** `\tframe\t` */
const FRAME_KIND = Buffer.from('\tframe\t');
/** The longest `time \t frame \t id \t`: two safe integers, the kind, three tabs. */
const FRAME_HEAD_BYTES = 16 + FRAME_KIND.length + 16 + 1;

/** One open file: its gzip stream and the file stream behind it. */
interface OpenFile {
  readonly path: string;
  readonly hour: string;
  readonly gzip: Gzip;
  readonly file: Writable;
  /** Lines handed to this file's gzip. */
  lines: number;
  failed: boolean;
}

/**
 * A rotating, bounded gzip writer of recording lines.
 *
 * @example
 * ```ts
 * const writer = new RecordingWriter({ dir: 'recordings/' });
 * writer.write(Date.UTC(2026, 0, 1), '1767225600000\topen\t1\t');
 * await writer.close();
 * ```
 */
export class RecordingWriter {
  readonly #options: RecordingWriterOptions;
  readonly #maxBuffer: number;
  readonly #files: string[] = [];
  readonly #closing: Promise<void>[] = [];
  #current: OpenFile | undefined;
  /** Lines not yet handed to gzip, as bytes: `#chunk[0, #used)`, `#chunkLines` lines, the first at `#chunkTime`. */
  #chunk: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  /** Chunks gzip has read, ready for reuse: fresh memory costs page faults and garbage collection. */
  readonly #spare: Buffer[] = [];
  #used = 0;
  #chunkLines = 0;
  #chunkTime = 0;
  /** The last frame's `time \t frame \t id \t`. */
  readonly #head = Buffer.alloc(FRAME_HEAD_BYTES);
  #headLength = 0;
  #headTime = -1;
  #headId = -1;
  /** Bytes gzip and the file held at the last hand-over (refreshed before a line is dropped). */
  #queued = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lines = 0;
  #dropped = 0;
  #bytesIn = 0;
  #dropping = false;
  #closed = false;
  #seq = 0;
  #hourStart = Number.NaN;
  #hour = '';

  constructor(options: RecordingWriterOptions) {
    this.#options = options;
    this.#maxBuffer = options.maxBufferBytes ?? 8 * 1024 * 1024;
    mkdirSync(options.dir, { recursive: true });
  }

  /** What was written so far. */
  get stats(): RecordingWriterStats {
    return { lines: this.#lines, dropped: this.#dropped, files: [...this.#files], bytesIn: this.#bytesIn };
  }

  /**
   * Queues one line (without `\n`) recorded at `time`; a line of another hour than the open file's
   * starts a new file.
   */
  write(time: number, line: string): void {
    if (!this.#reserve(time, line.length * 3 + 1)) return;
    this.#used += this.#chunk.write(line, this.#used, 'utf8');
    this.#endLine();
  }

  /**
   * Queues a received frame as a `frame` line (`time \t frame \t id \t text`): its text or its UTF-8
   * bytes are copied as they are. Frames with a line break or other bytes take the line
   * {@link formatFrame} makes.
   *
   * @example
   * ```ts
   * writer.writeFrame(1767225600000, 1, '{"type":"ticker"}');
   * ```
   */
  writeFrame(time: number, id: number, data: unknown): void {
    const text = typeof data === 'string' ? data : undefined;
    const bytes = Buffer.isBuffer(data) ? data : undefined;
    const plain = text !== undefined
      ? !text.includes('\n') && !text.includes('\r')
      : bytes !== undefined && !bytes.includes(NEWLINE) && !bytes.includes(CARRIAGE_RETURN) && isUtf8(bytes);
    if (!plain || !Number.isSafeInteger(time) || time < 0 || !Number.isSafeInteger(id) || id < 0) {
      this.write(time, formatFrame(time, id, data));
      return;
    }
    if (!this.#reserve(time, FRAME_HEAD_BYTES + (text === undefined ? (bytes?.length ?? 0) : text.length * 3) + 1)) return;
    this.#frameHead(time, id);
    if (text !== undefined) this.#used += this.#chunk.write(text, this.#used, 'utf8');
    else if (bytes !== undefined) this.#used += bytes.copy(this.#chunk, this.#used);
    this.#endLine();
  }

  /** Hands every queued line to gzip and flushes it, so the file on disk holds them. */
  flush(): Promise<void> {
    this.#drain();
    const current = this.#current;
    if (current === undefined || current.failed) return Promise.resolve();
    return new Promise((resolve) => current.gzip.flush(() => resolve()));
  }

  /** Writes what is queued, ends the file and waits until every file is closed. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#endFile();
    }
    await Promise.all(this.#closing);
  }

  /** Writes `time \t frame \t id \t` into the chunk, which has room for it. */
  #frameHead(time: number, id: number): void {
    // Frames come many to a millisecond and mostly on one connection: the head of the last frame is
    // kept and copied while time and id stay the same.
    if (time !== this.#headTime || id !== this.#headId) {
      const head = this.#head;
      let at = writeDigits(head, 0, time);
      for (let i = 0; i < FRAME_KIND.length; i++) head[at++] = FRAME_KIND[i] ?? TAB;
      at = writeDigits(head, at, id);
      head[at++] = TAB;
      this.#headLength = at;
      this.#headTime = time;
      this.#headId = id;
    }
    const chunk = this.#chunk;
    const head = this.#head;
    let at = this.#used;
    for (let i = 0; i < this.#headLength; i++) chunk[at++] = head[i] ?? TAB;
    this.#used = at;
  }

  /**
   * Makes room for a line of up to `bytes` bytes at `time` in the chunk (another hour ends the file);
   * `false` when it is dropped: closed, or the buffer bound reached.
   */
  #reserve(time: number, bytes: number): boolean {
    if (this.#closed) return false;
    // The hour's bounds are kept: formatting a date for every frame would cost more than the frame.
    if (!(time >= this.#hourStart && time < this.#hourStart + HOUR_MS)) {
      this.#hourStart = time - (time % HOUR_MS);
      this.#hour = hourOf(time);
    }
    const hour = this.#hour;
    if (this.#current !== undefined && this.#current.hour !== hour) this.#endFile();
    if (this.#queued + this.#used + bytes > this.#maxBuffer && this.#refreshQueued() + this.#used + bytes > this.#maxBuffer) {
      this.#dropped++;
      if (!this.#dropping) {
        this.#dropping = true;
        const path = this.#current?.path ?? this.#options.dir;
        this.#report(new RecordingWriteError(`Recording buffer full: ${path} (${this.#maxBuffer} bytes); lines are dropped until the disk catches up`, { file: path, lost: 0 }));
      }
      return false;
    }
    this.#dropping = false;
    this.#current ??= this.#open(hour, time);
    if (this.#used + bytes > this.#chunk.length) {
      this.#drain();
      if (bytes > this.#chunk.length) this.#chunk = Buffer.allocUnsafeSlow(bytes);
    }
    if (this.#chunkLines === 0) this.#chunkTime = time;
    return true;
  }

  #endLine(): void {
    this.#chunk[this.#used++] = NEWLINE;
    this.#chunkLines++;
    if (this.#used >= CHUNK_BYTES) this.#drain();
    else this.#timer ??= setTimeout(() => this.#drain(), CHUNK_DELAY_MS).unref();
  }

  #refreshQueued(): number {
    const current = this.#current;
    this.#queued = current === undefined ? 0 : current.gzip.writableLength + current.file.writableLength;
    return this.#queued;
  }

  #open(hour: string, time: number): OpenFile {
    const path = join(this.#options.dir, `${hour}-${String(time)}-${String(this.#seq++).padStart(3, '0')}.ndjson.gz`);
    this.#files.push(path);
    const gzip = createGzip({ level: this.#options.level ?? 1, chunkSize: 64 * 1024 });
    const file = (this.#options.openFile ?? createWriteStream)(path);
    const opened: OpenFile = { path, hour, gzip, file, lines: 0, failed: false };
    const done = new Promise<void>((resolve) => {
      const fail = (cause: unknown): void => {
        if (opened.failed) return;
        opened.failed = true;
        gzip.unpipe(file);
        gzip.destroy();
        file.destroy();
        this.#dropped += opened.lines;
        if (this.#current === opened) this.#current = undefined;
        const reason = cause instanceof Error ? cause.message : String(cause);
        this.#report(new RecordingWriteError(`Recording file failed: ${path} (${reason}); ${opened.lines} lines lost, going on in a new file`, { file: path, lost: opened.lines, cause }));
        resolve();
      };
      file.once('error', fail);
      gzip.once('error', fail);
      file.once('close', () => resolve());
      file.once('finish', () => resolve());
    });
    this.#closing.push(done);
    gzip.pipe(file);
    const meta = Buffer.from(`${formatRecord(time, 'meta', 0, JSON.stringify({ ...this.#options.meta, version: 1 }))}\n`);
    this.#handOver(opened, meta, 1);
    return opened;
  }

  #drain(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#used === 0) return;
    const bytes = this.#chunk.subarray(0, this.#used);
    const count = this.#chunkLines;
    // gzip keeps the bytes until it has read them: the next lines go into another chunk.
    const chunk = this.#chunk;
    this.#chunk = this.#spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.#used = 0;
    this.#chunkLines = 0;
    // The file these lines were queued for failed meanwhile: they go to a new one.
    this.#current ??= this.#open(hourOf(this.#chunkTime), this.#chunkTime);
    this.#handOver(this.#current, bytes, count, () => {
      if (chunk.length === CHUNK_BYTES && this.#spare.length < SPARE_CHUNKS) this.#spare.push(chunk);
    });
    this.#refreshQueued();
  }

  /** Writes `count` lines' `bytes` into `file`'s gzip; `read` is called once gzip no longer needs them. */
  #handOver(file: OpenFile, bytes: Buffer, count: number, read?: () => void): void {
    if (file.failed) {
      this.#dropped += count;
      return;
    }
    file.lines += count;
    this.#lines += count;
    this.#bytesIn += bytes.length;
    file.gzip.write(bytes, read);
  }

  #endFile(): void {
    this.#drain();
    const current = this.#current;
    this.#current = undefined;
    this.#queued = 0;
    if (current !== undefined && !current.failed) current.gzip.end();
  }

  #report(error: RecordingWriteError): void {
    this.#options.onError?.(error);
  }
}

/** Writes the decimal digits of a non-negative safe integer at `at`; returns the index after them. */
function writeDigits(into: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    into[i] = DIGIT_0 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/** `2026-01-01T13`: the hour a time falls in (UTC), the first part of its file's name. */
function hourOf(time: number): string {
  return new Date(time).toISOString().slice(0, 13);
}
