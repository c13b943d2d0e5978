/**
 * The smallest multicast a hub needs for its sweep clock and for each stream's "anyone subscribed?"
 * flag: `Subscribable`, so operators take it where they take an Observable, at a fraction of a
 * `Subject`'s heap per listener (no subscriber wrapper, no finalizer array).
 */
import type { Observer, Subscribable, Unsubscribable } from 'rxjs';

/**
 * A value pushed to every listener; with `replay`, the latest value is also handed to each new
 * listener at once (like a `BehaviorSubject`).
 *
 * @example
 * ```ts
 * const watched = new Signal(true, false);
 * watched.subscribe({ next: (on) => console.log(on) }); // false
 * watched.next(true); // true
 * ```
 */
export class Signal<T> implements Subscribable<T> {
  readonly #replay: boolean;
  #value: T | undefined;
  /** Replaced, never mutated, so `next` can walk it while listeners come and go. */
  #observers: readonly Partial<Observer<T>>[] = NO_OBSERVERS;

  constructor(replay: boolean, initial?: T) {
    this.#replay = replay;
    this.#value = initial;
  }

  subscribe(observer: Partial<Observer<T>>): Unsubscribable {
    this.#observers = [...this.#observers, observer];
    if (this.#replay) observer.next?.(this.#value as T); // replay: constructed with its first value
    return new Unwatch(this, observer);
  }

  next(value: T): void {
    if (this.#replay) this.#value = value;
    const observers = this.#observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.next?.(value);
  }

  /** Removes `observer` (a no-op when it is not listening). */
  remove(observer: Partial<Observer<T>>): void {
    this.#observers = this.#observers.filter((o) => o !== observer);
  }
}

/** The observers of a signal nobody listens to, shared (a stream's signal is usually not listened to). */
const NO_OBSERVERS: readonly never[] = [];

/** A listener's teardown as one small object. */
class Unwatch<T> implements Unsubscribable {
  readonly #signal: Signal<T>;
  readonly #observer: Partial<Observer<T>>;

  constructor(signal: Signal<T>, observer: Partial<Observer<T>>) {
    this.#signal = signal;
    this.#observer = observer;
  }

  unsubscribe(): void {
    this.#signal.remove(this.#observer);
  }
}
