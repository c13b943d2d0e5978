/** What the gateway reports as it works; `mdb serve` plugs in the Prometheus implementation. */
export interface GatewayObserver {
  clientOpened(): void;
  clientClosed(code: number): void;
  subscriptionsChanged(delta: number): void;
  sent(frames: number, bytes: number): void;
  conflated(channel: string): void;
  slowClientClosed(): void;
  httpRequest(route: string, status: number, seconds: number): void;
}
/** A metrics registry the gateway serves at GET /metrics (a prom-client Registry fits). */
export interface MetricsEndpoint {
  readonly contentType: string;
  metrics(): Promise<string>;
}
