/**
 * Reads a recording back: its gzip files in name order (hour, then start, then sequence), streamed
 * (`node:zlib`), as batches of parsed lines. A corrupt line or a truncated file is a
 * {@link RecordingFormatError} naming the file and the line; with `skipCorrupt` it is reported and
 * reading goes on with the next file.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError, RecordingFormatError } from '../errors/index.js';
import { parseRecord, type RecordLine } from './record-format.js';

/** A record and where it was read. */
export interface ReadRecord extends RecordLine {
  readonly file: string;
  readonly line: number;
}

/** Options of {@link readRecording}. */
export interface ReadRecordingOptions {
  /** On a corrupt or truncated file, report it and go on with the next file instead of failing. @default false */
  readonly skipCorrupt?: boolean | undefined;
  /** Told of each corrupt file skipped. @default nothing */
  readonly onCorrupt?: ((error: RecordingFormatError) => void) | undefined;
}

/**
 * The recording files of `from` (a folder of `.ndjson.gz` files, or one such file), in replay order.
 *
 * @example
 * ```ts
 * recordingFiles('recordings/'); // ['recordings/2026-01-01T13-1767272400000-000.ndjson.gz', ...]
 * ```
 */
export function recordingFiles(from: string): string[] {
  const stats = statSync(from, { throwIfNoEntry: false });
  if (stats === undefined) throw new InvalidArgumentError(`No recording at ${from}: no such file or folder`, { argument: 'from', value: from });
  if (!stats.isDirectory()) return [from];
  const files = readdirSync(from)
    .filter((name) => name.endsWith('.ndjson.gz'))
    .sort()
    .map((name) => join(from, name));
  if (files.length === 0) throw new InvalidArgumentError(`No recording in ${from}: the folder holds no .ndjson.gz file`, { argument: 'from', value: from });
  return files;
}

/**
 * Every record of a recording, in batches (one per decompressed chunk), file after file.
 *
 * @example
 * ```ts
 * for await (const batch of readRecording('recordings/')) for (const record of batch) console.log(record.kind);
 * ```
 *
 * @throws RecordingFormatError for a corrupt line or a truncated file, unless `skipCorrupt`.
 */
export async function* readRecording(from: string, options: ReadRecordingOptions = {}): AsyncGenerator<ReadRecord[]> {
  for (const file of recordingFiles(from)) {
    let line = 0;
    try {
      // Bytes, not text: lines are found with indexOf, and only each payload becomes a string.
      let rest: Buffer | undefined;
      const gunzip = createReadStream(file, { highWaterMark: READ_BYTES }).pipe(createGunzip({ chunkSize: READ_BYTES }));
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        const batch: ReadRecord[] = [];
        let start = 0;
        if (rest !== undefined) {
          const end = chunk.indexOf(NEWLINE);
          if (end < 0) {
            rest = Buffer.concat([rest, chunk]);
            continue;
          }
          const joined = Buffer.concat([rest, chunk.subarray(0, end)]);
          rest = undefined;
          line++;
          if (joined.length > 0) batch.push(parseRecordBytes(joined, 0, joined.length, file, line));
          start = end + 1;
        }
        for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
          line++;
          if (end > start) batch.push(parseRecordBytes(chunk, start, end, file, line));
          start = end + 1;
        }
        if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
        if (batch.length > 0) yield batch;
      }
      if (rest !== undefined) throw new RecordingFormatError(`Recording file ends inside a line: ${file} line ${line + 1}`, { file, line: line + 1 });
    } catch (error) {
      const failure = error instanceof RecordingFormatError
        ? error
        : new RecordingFormatError(`Recording file is unreadable: ${file} line ${line + 1} (${error instanceof Error ? error.message : String(error)})`, { file, line: line + 1, cause: error });
      if (options.skipCorrupt !== true) throw failure;
      options.onCorrupt?.(failure);
    }
  }
}

/** Compressed bytes read and decompressed bytes produced at a time. */
const READ_BYTES = 256 * 1024;
const NEWLINE = 10;
const TAB = 9;
const DIGIT_0 = 48;
/** `frame\t` */
const FRAME_KIND = Buffer.from('frame\t');

/**
 * The record in `bytes[start, end)`: time, kind and id read from the bytes, the payload decoded once.
 * Anything unusual (a time that is not a plain integer, another kind) goes through {@link parseRecord},
 * which also names file and line when the line is no record.
 */
function parseRecordBytes(bytes: Buffer, start: number, end: number, file: string, line: number): ReadRecord {
  let at = start;
  let time = 0;
  for (let byte = bytes[at] ?? 0; byte !== TAB && at < end && byte >= DIGIT_0 && byte <= DIGIT_0 + 9; byte = bytes[++at] ?? 0) time = time * 10 + byte - DIGIT_0;
  const frame = at > start && at - start < 16 && bytes[at] === TAB && isFrameKind(bytes, at + 1, end);
  if (frame) {
    at += 1 + FRAME_KIND.length;
    const idStart = at;
    let id = 0;
    for (let byte = bytes[at] ?? 0; at < end && byte >= DIGIT_0 && byte <= DIGIT_0 + 9; byte = bytes[++at] ?? 0) id = id * 10 + byte - DIGIT_0;
    if (at > idStart && at - idStart < 16 && at < end && bytes[at] === TAB) {
      return { time, kind: 'frame', id, payload: bytes.toString('utf8', at + 1, end), file, line };
    }
  }
  return parseRecord(bytes.toString('utf8', start, end), file, line);
}

function isFrameKind(bytes: Buffer, at: number, end: number): boolean {
  if (at + FRAME_KIND.length > end) return false;
  for (let i = 0; i < FRAME_KIND.length; i++) if (bytes[at + i] !== FRAME_KIND[i]) return false;
  return true;
}
