/**
 * The base of the stream operators' Observables: subscribe logic as a method rather than a closure.
 */
import { Observable } from 'rxjs';
import type { Subscriber, TeardownLogic } from 'rxjs';

/**
 * An Observable whose subscribe logic is its own {@link JoinedObservable.join} method, so the state it
 * needs lives in the object's fields: `new Observable(subscriber => ...)` costs a closure and its context
 * per Observable, and hot streams hold several Observables each, by the hundred.
 *
 * @example
 * ```ts
 * class Countdown extends JoinedObservable<number> {
 *   constructor(readonly from: number) {
 *     super();
 *   }
 *   join(subscriber: Subscriber<number>): TeardownLogic {
 *     for (let n = this.from; n > 0; n--) subscriber.next(n);
 *     subscriber.complete();
 *   }
 * }
 * ```
 */
export abstract class JoinedObservable<T> extends Observable<T> {
  constructor() {
    super(subscribeJoined);
  }

  /** What subscribing does, as `new Observable`'s subscribe function would. */
  abstract join(subscriber: Subscriber<T>): TeardownLogic;
}

/** One subscribe function for every {@link JoinedObservable}: RxJS calls it with the Observable as `this`. */
function subscribeJoined<T>(this: Observable<T>, subscriber: Subscriber<T>): TeardownLogic {
  return this instanceof JoinedObservable ? this.join(subscriber) : undefined;
}
