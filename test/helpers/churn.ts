/**
 * Subscription churn for WebSocket connection tests: random subscribe/unsubscribe toggles on a
 * connection, and the busiest window of a list of send times.
 */
import type { Subscription as RxSubscription } from 'rxjs';
import type { Subscription } from '../../src/core/exchange-adapter.js';
import type { WsConnection } from '../../src/transport/ws/ws-connection.js';
import { subscriptionKey } from '../../src/transport/ws/ws-router.js';

/** Toggles the ticker or trades of random markets on a connection, and knows which are subscribed. */
export interface Toggler {
  /** Subscribes a random (channel, market) if it is not subscribed, else unsubscribes it. */
  toggle(): void;
  /** The subscriptions the toggles leave subscribed. */
  live(): Subscription[];
}

/**
 * A {@link Toggler} over `markets`, drawing from `random`.
 *
 * @example
 * ```ts
 * const toggler = createToggler(connection, ['KRW-ETH', 'KRW-XRP'], seededRandom(1));
 * toggler.toggle();
 * ```
 */
export function createToggler(connection: WsConnection, markets: readonly string[], random: () => number): Toggler {
  const live = new Map<string, { readonly subscription: Subscription; readonly handle: RxSubscription }>();
  return {
    toggle: () => {
      const subscription: Subscription = { channel: random() < 0.5 ? 'ticker' : 'trades', market: markets[Math.floor(random() * markets.length)]! };
      const key = subscriptionKey(subscription);
      const entry = live.get(key);
      if (entry === undefined) {
        live.set(key, { subscription, handle: connection.stream(subscription).subscribe() });
      } else {
        entry.handle.unsubscribe();
        live.delete(key);
      }
    },
    live: () => [...live.values()].map((entry) => entry.subscription),
  };
}

/**
 * The most of `times` (ascending) inside any window of `windowMs` (a time `t` counts in `(t - windowMs, t]`).
 *
 * @example
 * ```ts
 * busiestWindow([0, 10, 1_000, 1_005], 1_000); // 3
 * ```
 */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, first = 0; i < times.length; i++) {
    while (times[first]! <= times[i]! - windowMs) first++;
    most = Math.max(most, i - first + 1);
  }
  return most;
}
