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
      let rest = '';
      const gunzip = createReadStream(file).pipe(createGunzip());
      gunzip.setEncoding('utf8');
      for await (const chunk of gunzip as AsyncIterable<string>) {
        const text = rest + chunk;
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        const batch: ReadRecord[] = [];
        for (const entry of lines) {
          line++;
          if (entry === '') continue;
          batch.push(parseRecord(entry, file, line));
        }
        yield batch;
      }
      if (rest !== '') throw new RecordingFormatError(`Recording file ends inside a line: ${file} line ${line + 1}`, { file, line: line + 1 });
    } catch (error) {
      const failure = error instanceof RecordingFormatError
        ? error
        : new RecordingFormatError(`Recording file is unreadable: ${file} line ${line + 1} (${error instanceof Error ? error.message : String(error)})`, { file, line: line + 1, cause: error });
      if (options.skipCorrupt !== true) throw failure;
      options.onCorrupt?.(failure);
    }
  }
}
