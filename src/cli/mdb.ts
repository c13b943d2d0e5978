/**
 * The `mdb` binary (`bin` in package.json; `npm run mdb -- ...` in this repository): runs
 * {@link runMdb} on the command line's arguments. `mdb --help` lists every command and flag.
 */
import { runMdb } from './mdb-command.js';

process.exitCode = await runMdb(process.argv.slice(2), process);
