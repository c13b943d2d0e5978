/**
 * Errors of recordings (`market-data-backbone/replay`): a file that cannot be read back
 * ({@link RecordingFormatError}) and a file that could not be written ({@link RecordingWriteError}).
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

/** Options of a {@link RecordingFormatError}. */
export interface RecordingFormatErrorOptions extends MarketDataErrorOptions {
  /** The recording file. */
  readonly file: string;
  /** 1-based line of the file where reading stopped (the line after the last whole one for a truncated file). */
  readonly line: number;
}

/** A recording file is corrupt (a line that is no record) or truncated (its gzip stream ends early). */
export class RecordingFormatError extends MarketDataError {
  override name = 'RecordingFormatError';
  readonly file: string;
  readonly line: number;

  constructor(message: string, options: RecordingFormatErrorOptions) {
    super(message, options);
    this.file = options.file;
    this.line = options.line;
  }
}

/** Options of a {@link RecordingWriteError}. */
export interface RecordingWriteErrorOptions extends MarketDataErrorOptions {
  /** The file that failed; recording goes on in a new one. */
  readonly file: string;
  /** Records written to the file's stream that may be lost with it. */
  readonly lost: number;
}

/** Writing a recording file failed (disk full, file removed); the recorder went on in a new file. */
export class RecordingWriteError extends MarketDataError {
  override name = 'RecordingWriteError';
  readonly file: string;
  readonly lost: number;

  constructor(message: string, options: RecordingWriteErrorOptions) {
    super(message, options);
    this.file = options.file;
    this.lost = options.lost;
  }

  override get retryable(): boolean {
    return true;
  }
}
