import { Observable, of, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Relay } from '../../src/core/relay.js';

/** An observer recording what it is told. */
function recorder(): { seen: string[]; next(v: unknown): void; error(e: unknown): void; complete(): void } {
  const seen: string[] = [];
  return {
    seen,
    next: (v) => seen.push(`next ${String(v)}`),
    error: (e) => seen.push(`error ${(e as Error).message}`),
    complete: () => seen.push('complete'),
  };
}

describe('Relay', () => {
  it('should be taken for a subscriber: the source gets the relay itself and its teardown lands on it', () => {
    let given: unknown;
    let tornDown = 0;
    const source = new Observable<number>((subscriber) => {
      given = subscriber;
      subscriber.next(1);
      return () => (tornDown += 1);
    });
    const owner = recorder();
    const relay = new Relay<number>(owner);
    const subscription = source.subscribe(relay);
    expect(given).toBe(relay); // no SafeSubscriber in between
    expect(subscription).toBe(relay);
    expect(owner.seen).toEqual(['next 1']);
    relay.unsubscribe();
    relay.unsubscribe();
    expect(tornDown).toBe(1);
    expect(relay.closed).toBe(true);
  });

  it('should pass nothing on once unsubscribed, and run a teardown added after that at once', () => {
    const source = new Subject<number>();
    const owner = recorder();
    const relay = new Relay<number>(owner);
    source.subscribe(relay);
    source.next(1);
    relay.unsubscribe();
    source.next(2);
    let late = 0;
    relay.add(() => (late += 1));
    expect(owner.seen).toEqual(['next 1']);
    expect(source.observed).toBe(false);
    expect(late).toBe(1);
  });

  it('should tear the source down after passing on an error or a completion, and only the first', () => {
    const failing = recorder();
    throwError(() => new Error('boom')).subscribe(new Relay(failing));
    const completing = recorder();
    const relay = new Relay<number>(completing);
    of(1, 2).subscribe(relay);
    relay.error(new Error('too late'));
    expect(failing.seen).toEqual(['error boom']);
    expect(completing.seen).toEqual(['next 1', 'next 2', 'complete']);
    expect(relay.closed).toBe(true);
  });

  it('should keep several teardowns and forget a removed one', () => {
    const relay = new Relay<number>(recorder());
    const ran: string[] = [];
    const a = (): void => void ran.push('a');
    relay.add(a);
    relay.add(() => ran.push('b'));
    relay.add({ unsubscribe: () => ran.push('c') });
    relay.remove(a);
    relay.unsubscribe();
    expect(ran).toEqual(['b', 'c']);
  });
});
