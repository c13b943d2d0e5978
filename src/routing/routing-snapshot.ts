/**
 * Reading a saved router state back: whatever came out of a file or a database is checked field by
 * field, so a corrupt or foreign snapshot fails loudly instead of steering the router.
 */
import { InvalidArgumentError } from '../errors/index.js';
import type { MarketEstimates, NetworkEstimates, RoutingSnapshot } from './routing-types.js';

function fail(path: string, value: unknown): never {
  throw new InvalidArgumentError(`Argument routing.state is not valid: ${path} is not what the router saved (got ${JSON.stringify(value) ?? String(value)})`, {
    argument: 'routing.state',
    value,
  });
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, value);
  return value as Record<string, unknown>;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(path, value);
  return value;
}

function optional(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : finite(value, path);
}

/**
 * Checks a saved router state (as `JSON.parse` gives it back) and returns it typed; throws an
 * `InvalidArgumentError` naming the first field that is not what `save()` writes.
 *
 * @example
 * ```ts
 * const state = readSnapshot(JSON.parse(await readFile('routing.json', 'utf8')));
 * ```
 */
export function readSnapshot(value: unknown): RoutingSnapshot {
  const root = record(value, 'state');
  if (root['version'] !== 1) fail('state.version', root['version']);
  const net = record(root['network'], 'state.network');
  const drops = net['drops'];
  if (!Array.isArray(drops)) fail('state.network.drops', drops);
  const network: NetworkEstimates = {
    restLatencyMs: finite(net['restLatencyMs'], 'state.network.restLatencyMs'),
    rateLimited: Math.min(1, finite(net['rateLimited'], 'state.network.rateLimited')),
    drops: drops.map((at, i) => finite(at, `state.network.drops[${i}]`)),
    episodes: finite(net['episodes'], 'state.network.episodes'),
    backoffUntil: finite(net['backoffUntil'], 'state.network.backoffUntil'),
    socketLagMs: optional(net['socketLagMs'], 'state.network.socketLagMs'),
    socketLagAt: optional(net['socketLagAt'], 'state.network.socketLagAt'),
  };
  const markets: Record<string, MarketEstimates> = {};
  for (const [market, raw] of Object.entries(record(root['markets'], 'state.markets'))) {
    const path = `state.markets.${market}`;
    const m = record(raw, path);
    markets[market] = {
      callGapMs: optional(m['callGapMs'], `${path}.callGapMs`),
      lastCallAt: finite(m['lastCallAt'], `${path}.lastCallAt`),
      maxAgeMs: finite(m['maxAgeMs'], `${path}.maxAgeMs`),
      restShare: Math.min(1, finite(m['restShare'] ?? 1, `${path}.restShare`)),
      streamGapMs: optional(m['streamGapMs'], `${path}.streamGapMs`),
      streamLagMs: optional(m['streamLagMs'], `${path}.streamLagMs`),
      lastValueAt: optional(m['lastValueAt'], `${path}.lastValueAt`),
      heldSince: optional(m['heldSince'], `${path}.heldSince`),
    };
  }
  return { version: 1, network, markets };
}
