/**
 * `collectMetrics` and `createGatewayMetrics` against the Upbit simulator: each metric counts what the
 * backbone and the simulator say happened (requests logged by the simulator, values delivered, drops,
 * garbage frames), not numbers written down here.
 */
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataBackbone } from 'market-data-backbone';
import { collectMetrics, createGatewayMetrics } from 'market-data-backbone/metrics';
import { startUpbitSimulator } from 'market-data-backbone/testing';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The samples of one metric as `labels=value` lines (labels sorted), for readable assertions. */
async function samples(registry: Registry, name: string): Promise<Map<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number; metricName?: string }[];
  return new Map(
    values.map((v) => [
      `${v.metricName ?? name}{${Object.entries(v.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, l]) => `${k}=${l}`)
        .join(',')}}`,
      v.value,
    ]),
  );
}

async function setup(perMarket = false) {
  const simulator = await startUpbitSimulator({ limitClock: { now: () => Date.now() } });
  const backbone = new MarketDataBackbone({
    exchanges: {
      upbit: { restUrl: simulator.url, wsUrl: simulator.wsUrl, socketStaleAfterMs: 600, socketProbeAfterMs: 200, gracePeriodMs: 0, backoff: { initialDelayMs: 20, maxDelayMs: 100 } },
    },
  });
  cleanups.push(() => simulator.close(), () => backbone.close());
  const registry = new Registry();
  const metrics = collectMetrics(backbone, registry, { exchanges: ['upbit'], perMarket });
  cleanups.push(() => metrics.stop());
  return { simulator, backbone, registry, metrics };
}

describe('collectMetrics', () => {
  it('should count REST replies by group and status as the simulator logged them, and the limiter waits', async () => {
    const { simulator, backbone, registry } = await setup();
    await backbone.getMarkets();
    await Promise.all(['KRW-BTC', 'KRW-ETH', 'KRW-XRP'].map((symbol) => backbone.getCandles(symbol, '1m', { count: 2 })));
    await Promise.all(Array.from({ length: 12 }, (_, i) => backbone.getTrades('KRW-BTC', { count: 1 + i })));
    const logged = new Map<string, number>();
    for (const r of simulator.requests) {
      const group = r.path.startsWith('/v1/candles/') ? 'candles' : r.path === '/v1/trades/ticks' ? 'trade' : 'market';
      const key = `mdb_upstream_rest_requests_total{exchange=upbit,group=${group},status=${r.status}}`;
      logged.set(key, (logged.get(key) ?? 0) + 1);
    }
    expect(await samples(registry, 'mdb_upstream_rest_requests_total')).toEqual(logged);
    // 12 trade requests against 10 a second: some waited, and every request was observed once.
    const waits = await samples(registry, 'mdb_upstream_rate_limit_wait_seconds');
    expect(waits.get('mdb_upstream_rate_limit_wait_seconds_count{exchange=upbit,group=trade}')).toBe(12);
    expect(waits.get('mdb_upstream_rate_limit_wait_seconds_sum{exchange=upbit,group=trade}')).toBeGreaterThan(0);
    expect(waits.get('mdb_upstream_rate_limit_wait_seconds_count{exchange=upbit,group=candles}')).toBe(3);
    const refused = await samples(registry, 'mdb_upstream_rate_limited_total');
    expect(refused.get('mdb_upstream_rate_limited_total{exchange=upbit,group=trade,status=418}')).toBe(0);
    expect([...refused.values()].every((v) => v === 0)).toBe(true);
  });

  it('should count values by channel and source, reconnects, stale sockets and parse errors, and the silence per stream', async () => {
    const { simulator, backbone, registry } = await setup(true);
    const sub = backbone.streamTicker('KRW-BTC').subscribe();
    cleanups.push(() => sub.unsubscribe());
    await firstValueFrom(backbone.streamTicker('KRW-BTC'));
    const delivered = (): number => backbone.stats.upbit!.streamed.ws;
    await until(async () => ((await samples(registry, 'mdb_upstream_messages_total')).get('mdb_upstream_messages_total{channel=ticker,exchange=upbit,source=ws}') ?? 0) > 0, 'ticker values');
    expect((await samples(registry, 'mdb_upstream_messages_total')).get('mdb_upstream_messages_total{channel=ticker,exchange=upbit,source=ws}')).toBeLessThanOrEqual(delivered());
    expect((await samples(registry, 'mdb_upstream_streams')).get('mdb_upstream_streams{channel=ticker,exchange=upbit}')).toBe(1);
    const ages = await samples(registry, 'mdb_stream_last_value_age_seconds');
    expect([...ages.keys()]).toEqual(['mdb_stream_last_value_age_seconds{channel=ticker,exchange=upbit,market=KRW-BTC}']);

    simulator.ws.sendGarbage();
    await until(async () => (await samples(registry, 'mdb_upstream_parse_errors_total')).get('mdb_upstream_parse_errors_total{exchange=upbit}') === 1, 'a parse error');
    simulator.ws.dropAll();
    await until(async () => (await samples(registry, 'mdb_upstream_reconnects_total')).get('mdb_upstream_reconnects_total{exchange=upbit}') === 1, 'a reconnect');
    expect((await samples(registry, 'mdb_upstream_disconnects_total')).get('mdb_upstream_disconnects_total{exchange=upbit}')).toBe(1);
    simulator.ws.stall(true);
    await until(async () => ((await samples(registry, 'mdb_upstream_stale_total')).get('mdb_upstream_stale_total{exchange=upbit}') ?? 0) >= 1, 'a stale socket');
    simulator.ws.stall(false);
  });

  it('should report streams on the REST fallback while the socket is refused', async () => {
    const { simulator, backbone, registry } = await setup();
    simulator.ws.refuseConnections(60_000);
    const sub = backbone.streamTicker('KRW-BTC').subscribe();
    cleanups.push(() => sub.unsubscribe());
    await until(async () => (await samples(registry, 'mdb_upstream_fallback_streams')).get('mdb_upstream_fallback_streams{channel=ticker,exchange=upbit}') === 1, 'the fallback');
    expect((await samples(registry, 'mdb_upstream_messages_total')).get('mdb_upstream_messages_total{channel=ticker,exchange=upbit,source=rest}')).toBeGreaterThan(0);
    expect((await samples(registry, 'mdb_upstream_fallback_streams')).get('mdb_upstream_fallback_streams{channel=trades,exchange=upbit}')).toBe(0);
  });

  it('should leave the registry as it found it once stopped', async () => {
    const { registry, metrics } = await setup();
    const gatewayOnly = new Registry();
    createGatewayMetrics(gatewayOnly);
    expect(registry.getMetricsAsArray().length).toBeGreaterThan(10);
    metrics.stop();
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(gatewayOnly.getMetricsAsArray().map((m) => m.name)).not.toContain('mdb_upstream_messages_total');
  });
});

describe('createGatewayMetrics', () => {
  it('should count what the gateway reports, in base units with bounded labels', async () => {
    const registry = new Registry();
    const observer = createGatewayMetrics(registry);
    observer.clientOpened();
    observer.clientOpened();
    observer.subscriptionsChanged(3);
    observer.sent(2, 300);
    observer.sent(1, 120);
    observer.conflated('ticker');
    observer.slowClientClosed();
    observer.clientClosed(4008);
    observer.subscriptionsChanged(-1);
    observer.httpRequest('/v1/ticker', 200, 0.0004);
    observer.httpRequest('/v1/ticker', 404, 0.002);
    const all = new Map([...(await samples(registry, 'mdb_gateway_clients')), ...(await samples(registry, 'mdb_gateway_subscriptions')), ...(await samples(registry, 'mdb_gateway_sent_frames_total')), ...(await samples(registry, 'mdb_gateway_sent_bytes_total')), ...(await samples(registry, 'mdb_gateway_conflated_total')), ...(await samples(registry, 'mdb_gateway_slow_client_closes_total')), ...(await samples(registry, 'mdb_gateway_client_closes_total'))]);
    expect(Object.fromEntries(all)).toEqual({
      'mdb_gateway_clients{}': 1,
      'mdb_gateway_subscriptions{}': 2,
      'mdb_gateway_sent_frames_total{}': 3,
      'mdb_gateway_sent_bytes_total{}': 420,
      'mdb_gateway_conflated_total{channel=ticker}': 1,
      'mdb_gateway_slow_client_closes_total{}': 1,
      'mdb_gateway_client_closes_total{code=4008}': 1,
    });
    const http = await samples(registry, 'mdb_gateway_http_request_duration_seconds');
    expect(http.get('mdb_gateway_http_request_duration_seconds_count{route=/v1/ticker,status=200}')).toBe(1);
    expect(http.get('mdb_gateway_http_request_duration_seconds_bucket{le=0.0005,route=/v1/ticker,status=200}')).toBe(1);
    expect(http.get('mdb_gateway_http_request_duration_seconds_bucket{le=0.0005,route=/v1/ticker,status=404}')).toBe(0);
  });
});
