/**
 * The error tree of market-data-backbone, kept at this path so `./errors.js` imports stay stable.
 *
 * The classes live in `./errors/` (see `./errors/index.ts` for the overview and an example); this
 * file only forwards them, so importers never need to know the tree was split.
 */

export * from './errors/index.js';
