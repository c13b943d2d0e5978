/**
 * Reading one exchange's fixtures from the shared folder, and building replies the way the transport
 * does: the pieces every `test/exchanges/<name>/fixtures.ts` shares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestReply } from '../../src/core/exchange-adapter.js';
import { parseJsonExact } from '../../src/transport/json/json.js';

/** The fixture files of one exchange. */
export interface FixtureReader {
  /** The exchange's fixture folder. */
  readonly dir: string;
  /** The text of a fixture file. */
  readonly readText: (name: string) => string;
  /** A fixture parsed the way the transport parses replies and frames (`parseJsonExact`). */
  readonly read: (name: string) => unknown;
}

/**
 * The fixture reader of one exchange's folder (from `fixtureDir`).
 *
 * @example
 * ```ts
 * const fixtures = fixtureReader(fixtureDir('upbit'));
 * fixtures.read('ticker.json');
 * ```
 */
export function fixtureReader(dir: string): FixtureReader {
  const readText = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return { dir, readText, read: (name) => parseJsonExact(readText(name)) };
}

/**
 * A reply as the transport builds it: JSON bodies parsed with `parseJsonExact`, other text left as is.
 *
 * @example
 * ```ts
 * toReply(429, 'Too Many Requests', { 'Retry-After': '3' }).body; // undefined
 * ```
 */
export function toReply(status: number, text: string, headers: Record<string, string> = {}): RestReply {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    body = undefined;
  }
  return { status, headers: new Headers(headers), text, body };
}
