/**
 * Checks a decoder's fast path against its general path: for every text, the fast path either declines
 * (`undefined`) or gives the general path's message, and the full decoder gives exactly the general
 * path's result or error.
 */
import { expect } from 'vitest';
import type { WsMessage } from '../../src/core/exchange-adapter.js';
import type { MarketEvent } from '../../src/model/market-event.js';

/** A frame decoder: the full one or its general path. */
export type FrameDecoder = (text: string, receivedAt: number) => WsMessage;

/** What `decode` gives for `text`: its message, or the name and message of the error it throws. */
export function outcomeOf(decode: FrameDecoder, text: string): WsMessage | string {
  try {
    return decode(text, 42);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** The paths of one decoder. */
export interface DecoderPaths {
  readonly fast: (text: string, receivedAt: number) => MarketEvent | undefined;
  readonly full: FrameDecoder;
  readonly general: FrameDecoder;
}

/**
 * Runs `texts` through the three paths and expects them to agree; returns how many texts the fast path
 * decoded and how many it left to the general path, so a test can check both were exercised.
 *
 * @example
 * ```ts
 * const { fast, slow } = expectFastPathAgrees(paths, frames);
 * ```
 */
export function expectFastPathAgrees(paths: DecoderPaths, texts: Iterable<string>): { fast: number; slow: number } {
  let fast = 0;
  let slow = 0;
  for (const text of texts) {
    const expected = outcomeOf(paths.general, text);
    const event = paths.fast(text, 42);
    if (event === undefined) slow++;
    else {
      fast++;
      expect({ kind: 'events', events: [event] }, text).toEqual(expected);
    }
    expect(outcomeOf(paths.full, text), text).toEqual(expected);
  }
  return { fast, slow };
}
