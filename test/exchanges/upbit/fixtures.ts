/** Loads Upbit's published example payloads from the shared fixture folder, parsed exactly. */
import { fixtureDir } from '../../helpers/shared.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestReply } from '../../../src/exchanges/exchange-adapter.js';
import { parseJsonExact } from '../../../src/transport/json.js';

export const FIXTURES = fixtureDir('upbit');

/** The text of a fixture file. */
export function readFixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A fixture parsed the way the transport parses replies. */
export function readFixture(name: string): unknown {
  return parseJsonExact(readFixtureText(name));
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
