/**
 * The silence check of `staleAfter` and `fallbackSwitch`, written once: a timer of its own, or the
 * ticks of a shared clock.
 */
import type { Observer, SchedulerAction, SchedulerLike, Subscribable, Unsubscribable } from 'rxjs';
import { StaleStreamError } from '../errors/index.js';

/** How a {@link Silence} watches: the longest allowed silence, the clock it reads, and optional ticks. */
export interface SilenceSettings {
  readonly timeoutMs: number;
  readonly scheduler: SchedulerLike;
  /** Ticks that check the silence instead of a timer of its own (one sweep for many streams). */
  readonly clock: Subscribable<unknown> | undefined;
}

/** Told of each silent period. */
export interface SilenceOwner {
  silent(error: StaleStreamError): void;
}

/**
 * Notices `timeoutMs` without a message, from construction and then from each {@link Silence.touch},
 * and tells its owner once per silent period. Own-timer mode: values only move the start of the silence,
 * and the timer re-arms itself for the time left when it fires, so a busy stream costs one timer per
 * `timeoutMs` instead of a cancelled and a new timer per value. Clock mode: silence is checked on each
 * tick, so it is noticed up to one tick period late.
 *
 * @example
 * ```ts
 * const silence = new Silence({ timeoutMs: 5_000, scheduler: asyncScheduler, clock: undefined }, { silent: (e) => warn(e) });
 * socket.onmessage = () => silence.touch();
 * ```
 */
export class Silence implements Unsubscribable {
  readonly #settings: SilenceSettings;
  readonly #owner: SilenceOwner;
  #lastMessageAt: number | undefined;
  #since: number;
  /** Own-timer mode: the pending check; cleared by a report, re-armed by the next message. */
  #timer: Unsubscribable | undefined;
  /** Clock mode: no silence reported since the last message (or since construction). */
  #watching = true;
  readonly #ticks: Unsubscribable | undefined;

  constructor(settings: SilenceSettings, owner: SilenceOwner) {
    this.#settings = settings;
    this.#owner = owner;
    this.#since = settings.scheduler.now();
    if (settings.clock === undefined) this.#timer = settings.scheduler.schedule(fire, settings.timeoutMs, this);
    else this.#ticks = settings.clock.subscribe(new Tick(this));
  }

  /** A message arrived: the silence starts again. */
  touch(): void {
    const { scheduler, timeoutMs, clock } = this.#settings;
    this.#lastMessageAt = scheduler.now();
    this.#since = this.#lastMessageAt;
    this.#watching = true;
    if (clock === undefined) this.#timer ??= scheduler.schedule(fire, timeoutMs, this);
  }

  /** The own timer fired: report, or re-arm for the time left. */
  fire(): void {
    const { scheduler, timeoutMs } = this.#settings;
    const left = this.#since + timeoutMs - scheduler.now();
    if (left > 0) {
      this.#timer = scheduler.schedule(fire, left, this);
      return;
    }
    this.#timer = undefined;
    this.#report();
  }

  /** A tick of the clock. */
  tick(): void {
    if (!this.#watching || this.#settings.scheduler.now() - this.#since < this.#settings.timeoutMs) return;
    this.#watching = false;
    this.#report();
  }

  unsubscribe(): void {
    this.#ticks?.unsubscribe();
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }

  #report(): void {
    this.#owner.silent(new StaleStreamError(`Stream stale: no message for ${this.#settings.timeoutMs} ms`, { lastMessageAt: this.#lastMessageAt }));
  }
}

/** The scheduled work of a {@link Silence}'s own timer: one function for all, the silence as its state. */
function fire(this: SchedulerAction<Silence>, silence?: Silence): void {
  silence?.fire();
}

/** The observer of the clock, as one small object. */
class Tick implements Observer<unknown> {
  readonly #silence: Silence;

  constructor(silence: Silence) {
    this.#silence = silence;
  }

  next(): void {
    this.#silence.tick();
  }

  error(): void {}

  complete(): void {}
}
