/** Loads Binance's published example payloads and captures from the shared fixture folder. */
import { fixtureDir } from '../../helpers/shared.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestReply } from '../../../src/exchanges/exchange-adapter.js';
import { Big } from '../../../src/model/decimal.js';
import { parseJsonExact } from '../../../src/transport/json.js';

export const FIXTURES = fixtureDir('binance');

/** The text of a fixture file. */
export function readFixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A fixture parsed the way the transport parses replies and frames. */
export function readFixture(name: string): unknown {
  return parseJsonExact(readFixtureText(name));
}

/**
 * A fixture read independently of the code under test (plain `JSON.parse`), for expected values: every
 * Binance price is a JSON string, so its raw spelling survives.
 */
export function readRaw<T>(name: string): T {
  return JSON.parse(readFixtureText(name)) as T;
}

/** The plain decimal spelling of a raw string value (`"4.00000200"` → `'4.000002'`). */
export function plain(value: string): string {
  return new Big(value).toFixed();
}

/** A reply as the transport builds it: JSON bodies parsed with `parseJsonExact`, other text left as is. */
export function toReply(status: number, text: string, headers: Record<string, string> = {}): RestReply {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    body = undefined;
  }
  return { status, headers: new Headers(headers), text, body };
}
