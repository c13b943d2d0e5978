/** Loads Binance's published example payloads and captures from the shared fixture folder. */
import { fixtureReader } from '../../helpers/fixtures.js';
import { fixtureDir } from '../../helpers/shared.js';
import { Big } from '../../../src/model/decimal.js';

export { toReply } from '../../helpers/fixtures.js';

const fixtures = fixtureReader(fixtureDir('binance'));

export const FIXTURES = fixtures.dir;

/** The text of a fixture file. */
export const readFixtureText = fixtures.readText;

/** A fixture parsed the way the transport parses replies and frames. */
export const readFixture = fixtures.read;

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
