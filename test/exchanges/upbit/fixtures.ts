/** Loads Upbit's published example payloads from the shared fixture folder, parsed exactly. */
import { fixtureReader } from '../../helpers/fixtures.js';
import { fixtureDir } from '../../helpers/shared.js';

export { toReply } from '../../helpers/fixtures.js';

const fixtures = fixtureReader(fixtureDir('upbit'));

export const FIXTURES = fixtures.dir;

/** The text of a fixture file. */
export const readFixtureText = fixtures.readText;

/** A fixture parsed the way the transport parses replies and frames. */
export const readFixture = fixtures.read;
