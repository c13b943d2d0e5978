/**
 * market-data-backbone/metrics: Prometheus metrics (prom-client) of a backbone and of the gateway.
 * Node only, like prom-client.
 */
export { collectMetrics } from './upstream-metrics.js';
export type { CollectMetricsOptions, MetricsCollection } from './upstream-metrics.js';
export { createGatewayMetrics } from './gateway-metrics.js';
export type { GatewayObserver, MetricsEndpoint } from '../gateway/gateway-observer.js';
