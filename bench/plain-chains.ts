/**
 * The baseline of `npm run bench -- stream-memory`: the hub's ticker stream written as the plain RxJS
 * chain a user would compose from the library's exported operators (one `staleAfter` timer per stream
 * inside `fallbackSwitch`, closures per stream, `cacheReplay` as `share` with its replay subject), on the
 * same shared connection. It serves the same contract (socket values, REST while down or silent, never
 * older, replay within the TTL, grace before the socket subscription is dropped), so the heap beside the
 * library's number shows what the library's own composition saves.
 */
import { catchError, EMPTY, exhaustMap, filter, from, map, Observable, timer } from 'rxjs';
import { cacheReplay } from '../operators/cacheReplay.js';
import { fallbackSwitch } from '../operators/fallbackSwitch.js';
import type { ExchangeClient } from '../src/client/exchange-client.js';
import { isRetryableError } from '../src/errors/index.js';
import type { Ticker } from '../src/model/ticker.js';
import type { StreamEvent } from '../src/transport/ws/ws-router.js';

/** Timings of {@link plainTicker}, as the hub's options name them. */
export interface PlainTimings {
  readonly staleAfterMs: number;
  readonly pollIntervalMs: number;
  readonly gracePeriodMs: number;
  readonly replayTtlMs: number;
}

/** The hub's ticker stream of `market` as a plain chain of the exported operators. */
export function plainTicker(client: ExchangeClient, market: string, timings: PlainTimings): Observable<Ticker> {
  const connection = client.streams.connection;
  const subscription = { channel: 'ticker', market } as const;
  const events$ = new Observable<StreamEvent>((subscriber) => {
    connection.attach(subscription, subscriber);
    return () => connection.detach(subscription, subscriber);
  });
  const poll$ = timer(0, timings.pollIntervalMs).pipe(
    exhaustMap(() => from(client.getTicker(market, { useStream: false })).pipe(catchError((error: unknown) => (isRetryableError(error) ? EMPTY : Promise.reject(error))))),
  );
  return events$.pipe(
    filter((event): event is Ticker => event.type === 'ticker'),
    fallbackSwitch({ fallback: () => poll$, staleAfterMs: timings.staleAfterMs }),
    map(({ value }) => value),
    cacheReplay({ ttlMs: timings.replayTtlMs, resetOnRefCountZeroDelayMs: timings.gracePeriodMs, replayAfterComplete: false }),
  );
}
