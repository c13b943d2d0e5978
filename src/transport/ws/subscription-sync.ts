/**
 * Keeps what the server of one socket holds in step with the subscriptions wanted, within the
 * exchange's send budget: changes coalesce into one pending latest set, never into a queue of requests.
 */
import type { SchedulerLike, Subscription as RxSubscription } from 'rxjs';
import type { ExchangeWsAdapter, Subscription } from '../../core/exchange-adapter.js';
import type { SendBudget } from './send-budget.js';

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
  /** The connection's send limits, spent by each frame sent. */
  readonly budget: SendBudget;
  /** Timer for waiting on the budget. */
  readonly scheduler: SchedulerLike;
  /** The frame builder threw (a subscription the exchange cannot take); the sync stops until the next `open`. */
  readonly onError: (error: unknown) => void;
}

/**
 * The subscription requests of one connection, one socket at a time.
 *
 * A change marks the set dirty; while the budget allows no frame, one timer waits for it, however
 * many changes come. When a frame is allowed, the frames are built from the set wanted *at that
 * moment* and what the server holds (`frames(wanted, held)`): Upbit's one full request, or Binance's
 * and Coinone's SUBSCRIBE/UNSUBSCRIBE diff. The first goes out; a diff of several frames (Binance's
 * UNSUBSCRIBE then SUBSCRIBE, Coinone's one per topic) sends the rest as the budget allows, and only
 * then is the next diff built, so the frames in flight are bounded by one diff, never by the number of
 * toggles. A set that is back to what the server holds sends nothing and cancels the wait. Only frames
 * sent spend the budget: at most the budget is ever used, and none of it on nothing.
 *
 * @example
 * ```ts
 * const sync = new SubscriptionSync({ wanted: router, frames: adapter.subscriptionFrames, budget, scheduler, onError: fail });
 * sync.open((frame) => socket.send(frame), () => console.log('subscribed'));
 * router.add({ channel: 'ticker', market: 'KRW-ETH' }, sink);
 * sync.changed(); // the next frame the budget allows carries whatever is wanted then
 * ```
 */
export class SubscriptionSync {
  readonly #config: SubscriptionSyncConfig;
  #write: ((frame: string) => void) | undefined;
  #onFirstSync: (() => void) | undefined;
  /** What the server holds once the frames built so far have arrived; `undefined` on a new socket. */
  #held: readonly Subscription[] | undefined;
  /** The frames of the diff being sent that still wait for the budget. */
  #rest: string[] = [];
  /** The one timer waiting for the budget. */
  #timer: RxSubscription | undefined;

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
    this.#pump();
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
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#write = undefined;
    this.#onFirstSync = undefined;
    this.#rest = [];
  }

  /**
   * The wanted set changed: sends what it takes now if the budget allows, else leaves the one timer
   * waiting (or starts it); a set back to what the server holds cancels the wait. Constant time while
   * a wait is on, however often it is called.
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
      this.#timer?.unsubscribe();
      this.#timer = undefined;
      return;
    }
    this.#pump();
  }

  #inSync(): boolean {
    return this.#held !== undefined && this.#config.wanted.matchesSent();
  }

  /** Sends what is due while the budget allows it, then waits for the budget if more is due. */
  #pump(): void {
    if (this.#timer !== undefined) return;
    while (this.#write !== undefined && (this.#rest.length > 0 || !this.#inSync())) {
      const waitMs = this.#config.budget.waitMs();
      if (waitMs > 0) {
        this.#timer = this.#config.scheduler.schedule(() => {
          this.#timer = undefined;
          this.#pump();
        }, waitMs);
        return;
      }
      this.#sendNext(this.#write);
    }
  }

  /** Sends the next frame of the diff in progress, or builds the diff from the set wanted now. */
  #sendNext(write: (frame: string) => void): void {
    let frame = this.#rest.shift();
    if (frame === undefined) {
      const { wanted, frames: buildFrames } = this.#config;
      const next = wanted.subscriptions();
      let frames: string[];
      try {
        frames = buildFrames(next, this.#held ?? []);
      } catch (error) {
        this.close();
        this.#config.onError(error);
        return;
      }
      this.#held = next;
      wanted.markSent();
      frame = frames.shift();
      this.#rest = frames;
    }
    if (frame !== undefined) {
      this.#config.budget.spend();
      write(frame);
    }
    if (this.#rest.length > 0) return;
    const onFirstSync = this.#onFirstSync;
    this.#onFirstSync = undefined;
    onFirstSync?.();
  }
}
