/**
 * `market-data-backbone/internals`: the building blocks the facade is made of, for people who write an
 * exchange adapter, a transport of their own or a test harness. They work and are tested, but they are
 * not the supported API: names and signatures here may change in a minor release, and nothing in the
 * main entry point hands them out. Browser-safe like the main entry: no Node built-in is imported.
 *
 * - sockets: {@link WsConnection} (one socket's lifecycle: connect, subscribe, heartbeat, reconnect),
 *   the subscription keys it routes by, and the raw-frame helper;
 * - HTTP: {@link RestClient} (one exchange's REST base URL, retry and rate limits), `buildUrl`, the
 *   request {@link Batcher};
 * - {@link StreamHub}, the hot streams of one exchange with their REST fallback;
 * - {@link parseJsonExact}, the JSON reader that keeps every number's exact text.
 *
 * @example
 * ```ts
 * import { parseJsonExact } from 'market-data-backbone/internals';
 * const [row] = parseJsonExact('[{"id":17877285547970000}]') as [{ id: unknown }];
 * ```
 */

// Sockets
export { WsConnection } from './transport/ws/ws-connection.js';
export type { WsConnectionOptions, WsConnectionStats, WsConnectionStatus, StreamEvent, EventSink } from './transport/ws/ws-connection.js';
export { subscriptionKey } from './transport/ws/ws-router.js';
export { frameText } from './transport/ws/websocket-factory.js';

// HTTP
export { RestClient, buildUrl } from './transport/http/rest-client.js';
export type { RestClientOptions } from './transport/http/rest-client.js';
export { Batcher } from './transport/http/batcher.js';
export type { BatcherOptions, BatchLoader } from './transport/http/batcher.js';

// Rate limits (the `RateLimiter` itself is public: the `rateLimit` operator takes one)
export type { RateLimitLease } from './core/rate-limit/rate-limiter.js';

// Streams
export { StreamHub } from './streams/stream-hub.js';
export type { StreamRestSource } from './streams/stream-hub.js';

// JSON
export { parseJsonExact } from './transport/json/json.js';
