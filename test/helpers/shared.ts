/**
 * Where the project's shared data lives: `../shared` beside the repository (as on developer machines
 * and in CI), or `MDB_SHARED_DIR` when set.
 */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Root of the shared folder (protocol references, fixtures). */
export const SHARED_DIR = process.env['MDB_SHARED_DIR'] ?? join(repoRoot, '..', 'shared');

/** Fixture folder of one exchange. */
export function fixtureDir(exchange: string): string {
  return join(SHARED_DIR, 'fixtures', exchange);
}
