/**
 * Prometheus metrics of what a backbone does upstream, per exchange: values by channel and source,
 * reconnects, stale sockets, streams on the REST fallback, REST replies by rate-limit group and status
 * (429s and 418s apart), time waited in the rate limiter, reply-cache hits, parse errors, the shared
 * budget's state, and per stream the seconds since its last value.
 *
 * Counters that the library already keeps (values by source, cache hits) are read at scrape time; the
 * rest comes from the clients' `events`, the hubs' `status$` and `errors$`, which cost nothing while
 * nobody listens. Labels are bounded: exchange, channel, rate-limit group, HTTP status; the market only
 * with `perMarket: true`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Subscription } from 'rxjs';
import type { MarketDataBackbone } from '../backbone/backbone.js';
import type { ExchangeClient } from '../client/exchange-client.js';
import { exchangeAdapters, type ExchangeId } from '../exchanges/registry.js';
import { ParseError, StaleStreamError } from '../errors/index.js';
import type { StreamState } from '../streams/stream-hub.js';

/** Options of {@link collectMetrics}. */
export interface CollectMetricsOptions {
  /** Exchanges to watch (their clients are created now: no request, no socket). @default every exchange */
  readonly exchanges?: readonly ExchangeId[] | undefined;
  /** Label the per-stream silence with the market too (one series per market). @default false */
  readonly perMarket?: boolean | undefined;
  /** Buckets of the rate-limiter wait histogram (seconds). @default 0, 5 ms ... 30 s */
  readonly waitBuckets?: readonly number[] | undefined;
}

/** What {@link collectMetrics} registered; `stop()` unregisters it and stops listening. */
export interface MetricsCollection {
  stop(): void;
}

/** Seconds a rate-limited request may wait: none, a margin, part of a window, whole windows, a block. */
const WAIT_BUCKETS = [0, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const CHANNELS = ['ticker', 'trades', 'orderBook', 'candles'] as const;

/**
 * Registers the upstream metrics of `backbone` in `registry` (a prom-client `Registry`), for users who
 * embed the library; `mdb serve` does the same and serves them at `/metrics`. See
 * `docs/operations.md` for the list.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { collectMetrics } from 'market-data-backbone/metrics';
 *
 * const registry = new Registry();
 * const metrics = collectMetrics(backbone, registry, { exchanges: ['upbit'] });
 * http.createServer(async (_req, res) => res.end(await registry.metrics())).listen(9464);
 * ```
 */
export function collectMetrics(backbone: MarketDataBackbone, registry: Registry, options: CollectMetricsOptions = {}): MetricsCollection {
  const ids = options.exchanges ?? (Object.keys(exchangeAdapters) as ExchangeId[]);
  const clients = ids.map((id) => backbone.exchange(id));
  const registers = [registry];
  const perMarket = options.perMarket === true;
  const before = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
  const states = (each: (client: ExchangeClient, state: StreamState) => void): void => {
    for (const client of clients) for (const state of client.streams.streamStates()) each(client, state);
  };

  const counters = {
    reconnects: new Counter({ name: 'mdb_upstream_reconnects_total', help: 'Sockets reopened and flowing again after a drop.', labelNames: ['exchange'], registers }),
    disconnects: new Counter({ name: 'mdb_upstream_disconnects_total', help: 'Socket drops (including stale sockets replaced).', labelNames: ['exchange'], registers }),
    stale: new Counter({ name: 'mdb_upstream_stale_total', help: 'Sockets found silent past socketStaleAfterMs and replaced.', labelNames: ['exchange'], registers }),
    parseErrors: new Counter({ name: 'mdb_upstream_parse_errors_total', help: 'Socket frames that could not be decoded.', labelNames: ['exchange'], registers }),
    requests: new Counter({ name: 'mdb_upstream_rest_requests_total', help: 'REST replies by rate-limit group and HTTP status.', labelNames: ['exchange', 'group', 'status'], registers }),
    refusals: new Counter({ name: 'mdb_upstream_rate_limited_total', help: 'REST replies refused by the exchange rate limit: 429 (limited) and 418 (blocked).', labelNames: ['exchange', 'group', 'status'], registers }),
  };
  const wait = new Histogram({ name: 'mdb_upstream_rate_limit_wait_seconds', help: 'Time a REST request waited in the rate limiter before it was sent.', labelNames: ['exchange', 'group'], buckets: [...(options.waitBuckets ?? WAIT_BUCKETS)], registers });
  const shared = new Gauge({ name: 'mdb_upstream_rate_budget_shared', help: '1 while a rate-limit group counts in the shared (Redis) budget, 0 while it falls back to its local share.', labelNames: ['exchange', 'group'], registers });
  const peers = new Gauge({ name: 'mdb_upstream_rate_budget_peers', help: 'Processes last seen sharing the budget of a rate-limit group.', labelNames: ['exchange', 'group'], registers });

  // Read at scrape time from what the library counts anyway.
  new Counter({
    name: 'mdb_upstream_messages_total',
    help: 'Values the hot streams delivered, by channel and source (ws: the socket, rest: polling on the fallback).',
    labelNames: ['exchange', 'channel', 'source'],
    registers,
    collect() {
      this.reset();
      for (const client of clients) {
        const counts = client.streams.channelSources;
        for (const channel of CHANNELS) for (const source of ['ws', 'rest'] as const) this.inc({ exchange: client.adapter.id, channel, source }, counts[channel][source]);
      }
    },
  });
  new Counter({
    name: 'mdb_upstream_reply_cache_hits_total',
    help: 'REST calls answered by the reply cache (no request sent).',
    labelNames: ['exchange'],
    registers,
    collect() {
      this.reset();
      for (const client of clients) this.inc({ exchange: client.adapter.id }, client.stats.cacheHits);
    },
  });
  new Gauge({
    name: 'mdb_upstream_streams',
    help: 'Open hot streams.',
    labelNames: ['exchange', 'channel'],
    registers,
    collect() {
      this.reset();
      for (const client of clients) for (const channel of CHANNELS) this.set({ exchange: client.adapter.id, channel }, 0);
      states((client, state) => this.inc({ exchange: client.adapter.id, channel: state.channel }));
    },
  });
  new Gauge({
    name: 'mdb_upstream_fallback_streams',
    help: 'Open streams whose last value came from REST polling (the socket is down or the stream went silent).',
    labelNames: ['exchange', 'channel'],
    registers,
    collect() {
      this.reset();
      for (const client of clients) for (const channel of CHANNELS) this.set({ exchange: client.adapter.id, channel }, 0);
      states((client, state) => {
        if (state.source === 'rest') this.inc({ exchange: client.adapter.id, channel: state.channel });
      });
    },
  });
  new Gauge({
    name: 'mdb_stream_last_value_age_seconds',
    help: perMarket ? 'Seconds since each open stream delivered its last value.' : 'Seconds since an open stream delivered its last value: the silentest stream of each exchange and channel.',
    labelNames: perMarket ? ['exchange', 'channel', 'market'] : ['exchange', 'channel'],
    registers,
    collect() {
      this.reset();
      // Without markets, the silentest stream of each exchange and channel stands for them all.
      const ages = new Map<string, { labels: Record<string, string>; age: number }>();
      states((client, state) => {
        if (state.lastAt === undefined) return;
        const age = Math.max(0, (client.now() - state.lastAt) / 1000);
        const labels: Record<string, string> = perMarket ? { exchange: client.adapter.id, channel: state.channel, market: state.market } : { exchange: client.adapter.id, channel: state.channel };
        const key = Object.values(labels).join('|');
        if (age >= (ages.get(key)?.age ?? -1)) ages.set(key, { labels, age });
      });
      for (const { labels, age } of ages.values()) this.set(labels, age);
    },
  });

  const added = registry.getMetricsAsArray().map((metric) => metric.name).filter((name) => !before.has(name));
  const subscription = new Subscription();
  for (const client of clients) {
    const exchange = client.adapter.id;
    for (const metric of [counters.reconnects, counters.disconnects, counters.stale, counters.parseErrors]) metric.inc({ exchange }, 0);
    // Every group's refusals exist from the start at 0, so `increase()` sees the first one.
    for (const { group } of client.adapter.rest.rateLimits) for (const status of ['429', '418']) counters.refusals.inc({ exchange, group, status }, 0);
    subscription.add(
      client.events.subscribe((event) => {
        if (event.type === 'reply') {
          const labels = { exchange, group: event.group, status: String(event.status) };
          counters.requests.inc(labels);
          if (event.status === 429 || event.status === 418) counters.refusals.inc(labels);
        } else if (event.type === 'wait') {
          wait.observe({ exchange, group: event.group }, event.seconds);
        } else {
          shared.set({ exchange, group: event.group }, event.shared ? 1 : 0);
          peers.set({ exchange, group: event.group }, event.peers);
        }
      }),
    );
    subscription.add(
      client.streams.status$.subscribe((event) => {
        if (event.status === 'reconnect') counters.reconnects.inc({ exchange });
        else if (event.status === 'disconnect') counters.disconnects.inc({ exchange });
      }),
    );
    subscription.add(
      client.streams.errors$.subscribe((error) => {
        if (error instanceof StaleStreamError) counters.stale.inc({ exchange });
        else if (error instanceof ParseError) counters.parseErrors.inc({ exchange });
      }),
    );
  }
  return {
    stop: () => {
      subscription.unsubscribe();
      for (const name of added) registry.removeSingleMetric(name);
    },
  };
}
