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
import { formatRecord } from './record-format.js';

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

/** Lines gather up to this many characters before one gzip write (one write per frame costs more than the frame). */
const CHUNK_CHARS = 64 * 1024;
/** And at most this long, so a quiet recording still reaches the disk. */
const CHUNK_DELAY_MS = 250;

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
  #pending: string[] = [];
  #pendingChars = 0;
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
    if (this.#closed) return;
    // The hour's bounds are kept: formatting a date for every frame would cost more than the frame.
    if (!(time >= this.#hourStart && time < this.#hourStart + HOUR_MS)) {
      this.#hourStart = time - (time % HOUR_MS);
      this.#hour = hourOf(time);
    }
    const hour = this.#hour;
    if (this.#current !== undefined && this.#current.hour !== hour) this.#endFile();
    if (this.#buffered() + line.length > this.#maxBuffer) {
      this.#dropped++;
      if (!this.#dropping) {
        this.#dropping = true;
        const path = this.#current?.path ?? this.#options.dir;
        this.#report(new RecordingWriteError(`Recording buffer full: ${path} (${this.#maxBuffer} bytes); lines are dropped until the disk catches up`, { file: path, lost: 0 }));
      }
      return;
    }
    this.#dropping = false;
    this.#current ??= this.#open(hour, time);
    this.#pending.push(line);
    this.#pendingChars += line.length + 1;
    if (this.#pendingChars >= CHUNK_CHARS) this.#drain();
    else this.#timer ??= setTimeout(() => this.#drain(), CHUNK_DELAY_MS).unref();
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

  #buffered(): number {
    const current = this.#current;
    return this.#pendingChars + (current === undefined ? 0 : current.gzip.writableLength + current.file.writableLength);
  }

  #open(hour: string, time: number): OpenFile {
    const path = join(this.#options.dir, `${hour}-${String(time)}-${String(this.#seq++).padStart(3, '0')}.ndjson.gz`);
    this.#files.push(path);
    const gzip = createGzip({ level: this.#options.level ?? 1 });
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
    this.#handOver(opened, formatRecord(time, 'meta', 0, JSON.stringify({ ...this.#options.meta, version: 1 })));
    return opened;
  }

  #drain(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    this.#pendingChars = 0;
    if (this.#current === undefined) {
      // The file these lines were queued for failed meanwhile: they go to a new one.
      const time = Number.parseInt(lines[0] ?? '0', 10);
      this.#current = this.#open(hourOf(time), time);
    }
    this.#handOver(this.#current, lines.join('\n'), lines.length);
  }

  #handOver(file: OpenFile, text: string, count = 1): void {
    if (file.failed) {
      this.#dropped += count;
      return;
    }
    file.lines += count;
    this.#lines += count;
    this.#bytesIn += text.length + 1;
    file.gzip.write(`${text}\n`);
  }

  #endFile(): void {
    this.#drain();
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined && !current.failed) current.gzip.end();
  }

  #report(error: RecordingWriteError): void {
    this.#options.onError?.(error);
  }
}

/** `2026-01-01T13`: the hour a time falls in (UTC), the first part of its file's name. */
function hourOf(time: number): string {
  return new Date(time).toISOString().slice(0, 13);
}
