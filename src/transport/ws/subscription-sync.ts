/**
 * Keeps what the server of one socket holds in step with the subscriptions wanted, within the
 * exchange's send budget: changes coalesce into one pending latest set, never into a queue of requests.
 */
import { Subscription as RxSubscription, type Observable } from 'rxjs';
import type { ExchangeWsAdapter, Subscription } from '../../core/exchange-adapter.js';

/**
 * The wanted set as the connection keeps it (a `SubscriptionRouter`), with a mark for the set the
 * server was last told, so "nothing changed since" is a constant-time question.
 */
export interface WantedSubscriptions {
  /** The subscriptions wanted now. */
  subscriptions(): Subscription[];
  /** `true` while the wanted set is the one of the last {@link WantedSubscriptions.markSent}. */
  matchesSent(): boolean;
  /** Records the wanted set as the one the server is being told. */
  markSent(): void;
}

/** What a {@link SubscriptionSync} needs. */
export interface SubscriptionSyncConfig {
  readonly wanted: WantedSubscriptions;
  /** The frames that move the server from `previous` to `next` (the adapter's `subscriptionFrames`). */
  readonly frames: ExchangeWsAdapter['subscriptionFrames'];
  /** Waits until the send limits allow one more frame, and spends that unit when it emits. */
  readonly permit: () => Observable<void>;
  /** The frame builder threw (a subscription the exchange cannot take) or the permit failed. */
  readonly onError: (error: unknown) => void;
}

/**
 * The subscription requests of one connection, one socket at a time.
 *
 * A change marks the set dirty and, unless a unit of the send budget is already awaited, asks for one:
 * at most one request waits, whatever the number of changes. When the unit comes, the frames are built
 * from the set wanted *at that moment* and what the server holds (`frames(wanted, held)`): Upbit's one
 * full request, or Binance's and Coinone's SUBSCRIBE/UNSUBSCRIBE diff. Their first frame goes out; a diff
 * that takes several frames (Binance's UNSUBSCRIBE then SUBSCRIBE, Coinone's one per topic) sends the rest
 * one unit each, and only then is the next diff built, so the frames in flight are bounded by the size of
 * one diff, never by the number of toggles. A set that came back to what the server holds before its
 * unit was granted cancels the wait; one that comes back after it sends nothing. Every frame costs one
 * unit: at most the budget is ever used.
 *
 * @example
 * ```ts
 * const sync = new SubscriptionSync({ wanted: router, frames: adapter.subscriptionFrames, permit, onError: fail });
 * sync.open((frame) => socket.send(frame), () => console.log('subscribed'));
 * router.add({ channel: 'ticker', market: 'KRW-ETH' }, sink);
 * sync.changed(); // the next unit of the budget carries whatever is wanted then
 * ```
 */
export class SubscriptionSync {
  readonly #config: SubscriptionSyncConfig;
  #write: ((frame: string) => void) | undefined;
  #onFirstSync: (() => void) | undefined;
  /** What the server holds once the frames built so far have arrived; `undefined` on a new socket. */
  #held: readonly Subscription[] | undefined;
  /** The frames of the diff being sent that still wait for their unit. */
  #rest: string[] = [];
  #waiting: RxSubscription | undefined;

  constructor(config: SubscriptionSyncConfig) {
    this.#config = config;
  }

  /**
   * A socket opened, holding nothing: the wanted set goes out as soon as the budget allows, through
   * `write` (which sends at once, outside any queue). `onFirstSync` runs once the first diff has been
   * handed to the socket in full.
   *
   * @example
   * ```ts
   * sync.open((frame) => socket.send(frame), () => emit('connected'));
   * ```
   */
  open(write: (frame: string) => void, onFirstSync?: () => void): void {
    this.close();
    this.#write = write;
    this.#onFirstSync = onFirstSync;
    this.#held = undefined;
    this.#request();
  }

  /**
   * The socket is gone: stops waiting for the budget and forgets what it held (the next socket gets
   * the full set).
   *
   * @example
   * ```ts
   * socket.onclose = () => sync.close();
   * ```
   */
  close(): void {
    this.#waiting?.unsubscribe();
    this.#waiting = undefined;
    this.#write = undefined;
    this.#onFirstSync = undefined;
    this.#rest = [];
  }

  /**
   * The wanted set changed: waits for a unit of the budget unless one is awaited already or the server
   * holds that set (then a wait in progress is given up). Constant time, however often it is called.
   *
   * @example
   * ```ts
   * router.remove(subscription, sink);
   * sync.changed();
   * ```
   */
  changed(): void {
    if (this.#write === undefined || this.#rest.length > 0) return;
    if (this.#inSync()) {
      this.#waiting?.unsubscribe();
      this.#waiting = undefined;
      return;
    }
    this.#request();
  }

  #inSync(): boolean {
    return this.#held !== undefined && this.#config.wanted.matchesSent();
  }

  /** Waits for a unit; one granted at once (an unlimited budget) is used in this loop, not recursively. */
  #request(): void {
    while (this.#waiting === undefined && this.#write !== undefined) {
      let synchronous = true;
      let granted = false;
      const waiting = this.#config.permit().subscribe({
        next: () => {
          granted = true;
          if (synchronous) return;
          this.#waiting = undefined;
          if (this.#step()) this.#request();
        },
        error: (error: unknown) => this.#config.onError(error),
      });
      synchronous = false;
      if (!granted) {
        if (!waiting.closed) this.#waiting = waiting;
        return;
      }
      if (!this.#step()) return;
    }
  }

  /** Spends the unit just granted on the next frame, if any is due; `true` when another unit is needed. */
  #step(): boolean {
    const write = this.#write;
    if (write === undefined) return false;
    let frame = this.#rest.shift();
    if (frame === undefined) {
      if (this.#inSync()) return false;
      const { wanted, frames: buildFrames } = this.#config;
      const next = wanted.subscriptions();
      let frames: string[];
      try {
        frames = buildFrames(next, this.#held ?? []);
      } catch (error) {
        this.#config.onError(error);
        return false;
      }
      this.#held = next;
      wanted.markSent();
      frame = frames.shift();
      this.#rest = frames;
    }
    if (frame !== undefined) write(frame);
    if (this.#rest.length > 0) return true;
    const onFirstSync = this.#onFirstSync;
    this.#onFirstSync = undefined;
    onFirstSync?.();
    return this.#write !== undefined && !this.#inSync();
  }
}
