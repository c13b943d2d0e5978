import type { Candle } from './candle.js';
import type { OrderBook } from './order-book.js';
import type { DepthDiff } from './order-book-state.js';
import type { Ticker } from './ticker.js';
import type { Trade } from './trade.js';

/**
 * One diff of a sequenced depth stream as a stream event (Binance `depthUpdate`). Order-book streams of
 * exchanges that publish diffs turn these into consistent books with `syncOrderBook`; subscribers of
 * the facade only ever see {@link OrderBook}s.
 */
export interface DepthDiffEvent extends DepthDiff {
  readonly type: 'depthDiff';
}

/** Every market-data value a stream can carry; route on `type`. */
export type MarketEvent = Ticker | Trade | OrderBook | Candle | DepthDiffEvent;

/**
 * Connection status, in-band on streams so stateful operators can reset.
 *
 * - `connected`: the socket is open and the subscription request was sent;
 * - `disconnect`: the socket dropped (or went stale); a reconnect is scheduled after `retryInMs`;
 * - `reconnect`: a new socket is open, everything was resubscribed, and market data flows on it again
 *   (public streams report it with the first data frame; the private socket, which carries nothing
 *   until the account changes, once it is subscribed).
 */
export interface StatusEvent {
  readonly type: 'status';
  readonly exchange: string;
  readonly status: 'connecting' | 'connected' | 'disconnect' | 'reconnect' | 'closed';
  /** Why the socket dropped, for `disconnect`. */
  readonly reason?: string | undefined;
  /** Reconnect attempt number (1-based) for `disconnect`/`reconnect`. */
  readonly attempt?: number | undefined;
  /** Delay before the next attempt, for `disconnect`. */
  readonly retryInMs?: number | undefined;
  readonly timestamp: number;
}
