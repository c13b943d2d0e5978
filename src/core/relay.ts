/**
 * The subscriber of a long-lived internal subscription of the hot streams, at the smallest heap RxJS
 * allows.
 */
import type { Observer, Unsubscribable } from 'rxjs';

/** What RxJS hands a subscriber to release when it is unsubscribed. */
type Teardown = Unsubscribable | (() => void);

/**
 * An observer that RxJS takes for a `Subscriber` (it has `closed`, `add`, `remove` and `unsubscribe`), so
 * `source.subscribe(new Relay(owner))` wraps it in nothing: one small object per subscription instead of
 * a SafeSubscriber, its ConsumerObserver and a finalizer array (about 290 bytes). Hot streams keep several
 * such subscriptions each, by the hundred (`npm run bench -- stream-memory`). Like a SafeSubscriber it
 * passes nothing on once stopped, and an error or completion is passed to `owner` and then tears the
 * source down.
 *
 * @example
 * ```ts
 * const subscription = source$.subscribe(new Relay({ next: render, error: report, complete: done }));
 * subscription.unsubscribe();
 * ```
 */
export class Relay<T> implements Observer<T>, Unsubscribable {
  readonly #owner: Observer<T>;
  #stopped = false;
  #closed = false;
  /** What the source handed over to release: nearly always one, rarely several (lifted operators). */
  #teardown: Teardown | readonly Teardown[] | undefined;

  constructor(owner: Observer<T>) {
    this.#owner = owner;
  }

  /** `true` once unsubscribed (RxJS reads it to recognize a subscriber). */
  get closed(): boolean {
    return this.#closed;
  }

  next(value: T): void {
    if (!this.#stopped) this.#owner.next(value);
  }

  error(error: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#owner.error(error);
    } finally {
      this.unsubscribe();
    }
  }

  complete(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#owner.complete();
    } finally {
      this.unsubscribe();
    }
  }

  /** Keeps `teardown` for {@link Relay.unsubscribe}, or runs it at once when already closed. */
  add(teardown: Teardown | null | undefined | void): void {
    if (teardown === undefined || teardown === null || teardown === this) return;
    if (this.#closed) return release(teardown);
    const held = this.#teardown;
    this.#teardown = held === undefined ? teardown : Array.isArray(held) ? [...held, teardown] : [held as Teardown, teardown];
  }

  remove(teardown: Teardown): void {
    const held = this.#teardown;
    if (held === teardown) this.#teardown = undefined;
    else if (Array.isArray(held)) this.#teardown = held.filter((t) => t !== teardown);
  }

  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopped = true;
    const held = this.#teardown;
    this.#teardown = undefined;
    if (Array.isArray(held)) held.forEach(release);
    else if (held !== undefined) release(held as Teardown);
  }
}

function release(teardown: Teardown): void {
  if (typeof teardown === 'function') teardown();
  else teardown.unsubscribe();
}
