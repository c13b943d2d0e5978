/**
 * `market-data-backbone/gateway`: the backbone as a service (Node only). `createGateway` serves a
 * backbone over HTTP and the `/v1/stream` WebSocket from any `node:http` server; `mdb serve` runs it.
 * Clients connect with `new MarketDataBackbone({ gateway: ['ws://host:8080'] })` (Node and browsers).
 */
export { createGateway } from './gateway.js';
export type { Gateway, GatewayOptions } from './gateway.js';
export type { GatewayObserver, MetricsEndpoint } from './gateway-observer.js';
export type { GatewaySource } from './gateway-source.js';
export { DEFAULT_LIMITS } from './client-session.js';
export type { GatewayLimits } from './client-session.js';
export { GatewayTokens } from './gateway-token.js';
export { HTTP_ROUTES } from './http-api.js';
export {
  STREAM_CHANNELS,
  CLOSE_SLOW_CLIENT,
  CLOSE_GOING_AWAY,
  streamKey,
  parseGatewayJson,
} from '../remote/gateway-protocol.js';
export type { StreamChannel, StreamSpec, StreamRequest, ClientMessage, ServerFrame, WireError } from '../remote/gateway-protocol.js';
