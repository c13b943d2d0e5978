/**
 * One injected clock: library code reads time from the scheduler it was given (`scheduler.now()`, an
 * RxJS `SchedulerLike`, `asyncScheduler` by default), never from `Date.now()` or `new Date()`, so a
 * `TestScheduler` or a simulator's manual clock moves every timestamp, TTL and deadline together. The
 * simulators (`src/testing/`, which take a `SimClock`) and the command-line programs are applications
 * of the library and may read the wall clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles, withoutComments } from '../helpers/source-code.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exempt = ['src/testing/', 'src/cli/'];
const wallClock = /\bDate\.now\(\)|\bnew Date\(\s*\)/;

describe('clock', () => {
  it('should find a wall-clock read in code and not in comments (the checker itself)', () => {
    expect(wallClock.test(withoutComments('const t = Date.now();'))).toBe(true);
    expect(wallClock.test(withoutComments('const d = new Date();'))).toBe(true);
    expect(wallClock.test(withoutComments('const d = new Date(ms); // Date.now()'))).toBe(false);
  });

  it('should not read the wall clock in library code', () => {
    const offences = [...sourceFiles('src'), ...sourceFiles('operators')]
      .filter((file) => !exempt.some((prefix) => file.startsWith(prefix)))
      .filter((file) => wallClock.test(withoutComments(readFileSync(join(root, file), 'utf8'))));
    expect(offences).toEqual([]);
  });
});
