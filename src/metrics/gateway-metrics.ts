/**
 * The Prometheus side of the gateway's {@link GatewayObserver}: clients, subscriptions, frames and bytes
 * sent, conflations, slow clients closed, HTTP request durations by route and status.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GatewayObserver } from '../gateway/gateway-observer.js';

/** Seconds an HTTP answer takes: from a cached stream value (sub-millisecond) to a slow upstream. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * A {@link GatewayObserver} that counts in `registry` (a prom-client `Registry`): pass it to the gateway
 * and serve the registry at `/metrics`. Routes are the gateway's route names (bounded), never raw paths.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { collectMetrics, createGatewayMetrics } from 'market-data-backbone/metrics';
 *
 * const registry = new Registry();
 * collectMetrics(backbone, registry);
 * const observer = createGatewayMetrics(registry);
 * observer.httpRequest('/v1/ticker', 200, 0.0004);
 * ```
 */
export function createGatewayMetrics(registry: Registry): GatewayObserver {
  const registers = [registry];
  const clients = new Gauge({ name: 'mdb_gateway_clients', help: 'WebSocket clients connected.', registers });
  const closes = new Counter({ name: 'mdb_gateway_client_closes_total', help: 'WebSocket clients gone, by close code.', labelNames: ['code'], registers });
  const subscriptions = new Gauge({ name: 'mdb_gateway_subscriptions', help: 'Client subscriptions open (a key counts once per client).', registers });
  const frames = new Counter({ name: 'mdb_gateway_sent_frames_total', help: 'Frames sent to WebSocket clients.', registers });
  const bytes = new Counter({ name: 'mdb_gateway_sent_bytes_total', help: 'Bytes sent to WebSocket clients.', registers });
  const conflated = new Counter({ name: 'mdb_gateway_conflated_total', help: 'Values replaced by a newer one before a slow client could take them (tickers, books).', labelNames: ['channel'], registers });
  const slow = new Counter({ name: 'mdb_gateway_slow_client_closes_total', help: 'Clients closed because they could not keep up with a stream that cannot conflate (trades).', registers });
  const http = new Histogram({ name: 'mdb_gateway_http_request_duration_seconds', help: 'HTTP requests by route and status.', labelNames: ['route', 'status'], buckets: HTTP_BUCKETS, registers });
  // Present from the start, so rates and alerts have a series before the first event.
  for (const counter of [frames, bytes, slow]) counter.inc(0);
  clients.set(0);
  subscriptions.set(0);
  return {
    clientOpened: () => clients.inc(),
    clientClosed: (code) => {
      clients.dec();
      closes.inc({ code: String(code) });
    },
    subscriptionsChanged: (delta) => subscriptions.inc(delta),
    sent: (count, size) => {
      frames.inc(count);
      bytes.inc(size);
    },
    conflated: (channel) => conflated.inc({ channel }),
    slowClientClosed: () => slow.inc(),
    httpRequest: (route, status, seconds) => http.observe({ route, status: String(status) }, seconds),
  };
}
