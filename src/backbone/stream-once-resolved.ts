/**
 * How the {@link MarketDataBackbone} facade opens a hub stream for a symbol given in any accepted form:
 * it resolves the symbol to the exchange's market code first, without holding anything of its own for
 * the life of the stream.
 */
import { Observable } from 'rxjs';
import type { ExchangeClient } from '../client/exchange-client.js';

/**
 * A stream once the symbol is resolved: `connect` picks the client at subscription (its throw errors the
 * stream), then `open` gets the market code. Written as one `Observable` handing its own subscriber to
 * the hub, rather than `defer` + `from` + `switchMap`: nothing of it is held for the life of the stream,
 * so it adds no heap per subscribed market.
 *
 * @example
 * ```ts
 * const trades$ = streamOnceResolved(() => backbone.exchange('upbit'), 'BTC/KRW', (client, market) => client.streams.trades(market));
 * ```
 */
export function streamOnceResolved<T>(
  connect: () => ExchangeClient,
  symbol: string,
  open: (client: ExchangeClient, market: string) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let client: ExchangeClient;
    try {
      client = connect();
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    // The hub's stream joins this very subscriber (its teardown lands on it), so nothing of this wrapper
    // outlives the resolution: a stream costs the same heap whichever way its market was resolved.
    const attach = (market: string): void => {
      try {
        open(client, market).subscribe(subscriber);
      } catch (error) {
        subscriber.error(error);
      }
    };
    // Known at once (the usual case once the market list is loaded): no promise between.
    const known = client.resolveMarketNow(symbol);
    if (known !== undefined) attach(known);
    else {
      client.resolveMarket(symbol).then(
        (market) => {
          if (!subscriber.closed) attach(market); // unsubscribed meanwhile: nothing to open
        },
        (error: unknown) => subscriber.error(error),
      );
    }
    return undefined;
  });
}
