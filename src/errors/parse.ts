/**
 * Data that arrived but cannot be trusted: {@link ParseError} for a reply or frame that does not fit
 * the model, {@link SequenceGapError} for a sequenced stream that skipped an update.
 */

import { MarketDataError, type MarketDataErrorOptions } from './base.js';

/** Options of a {@link ParseError}. */
export interface ParseErrorOptions extends MarketDataErrorOptions {
  /** What was being parsed: an endpoint path or a stream channel. */
  readonly channel: string;
  /** The raw text or value, cut to 500 characters. */
  readonly raw: string;
}

/** A reply or frame could not be parsed into the model. */
export class ParseError extends MarketDataError {
  override name = 'ParseError';
  readonly channel: string;
  readonly raw: string;

  constructor(message: string, options: ParseErrorOptions) {
    super(message, options);
    this.channel = options.channel;
    this.raw = options.raw.length > 500 ? `${options.raw.slice(0, 500)}…` : options.raw;
  }
}

/** Options of a {@link SequenceGapError}. */
export interface SequenceGapErrorOptions extends MarketDataErrorOptions {
  readonly expected: string;
  readonly received: string;
}

/** A sequenced stream (order-book diffs) skipped an update; the state must be rebuilt. */
export class SequenceGapError extends MarketDataError {
  override name = 'SequenceGapError';
  readonly expected: string;
  readonly received: string;

  constructor(message: string, options: SequenceGapErrorOptions) {
    super(message, options);
    this.expected = options.expected;
    this.received = options.received;
  }

  override get retryable(): boolean {
    return true;
  }
}
